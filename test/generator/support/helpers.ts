// Shared by the generator tests: run the core on fixtures and get its formatted problems.

import type { DashboardSource, RuleSource } from '../../../generator/contract.ts';
import { generateArtifacts } from '../../../generator/generate-artifacts.ts';
import { formatProblem } from '../../../generator/problems.ts';
import { fixtureDashboard } from '../fixtures/dashboard.ts';
import { fixtureAlertmanager, fixtureRules } from '../fixtures/rules.ts';

export interface FixtureInputs {
  dashboards?: DashboardSource[];
  ruleSources?: RuleSource[];
  alertmanager?: { module: string; config: Record<string, unknown> };
}

export const fixtureInputs = (inputs: FixtureInputs = {}) => ({
  dashboards: inputs.dashboards ?? [fixtureDashboard()],
  ruleSources: inputs.ruleSources ?? fixtureRules(),
  alertmanager: inputs.alertmanager ?? fixtureAlertmanager(),
});

/** The formatted problems of a run that must fail. */
export function problemsOf(inputs: FixtureInputs): string[] {
  const result = generateArtifacts(fixtureInputs(inputs));
  if (result.ok) throw new Error('expected validation problems, but generation succeeded');
  return result.problems.map(formatProblem);
}
