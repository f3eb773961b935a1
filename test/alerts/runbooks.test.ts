// docs/runbooks.md has one section per alert, at the anchor the alert's runbook_url points to, with the
// four parts an on-call engineer looks for; and no section for an alert that no longer exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alertingRules, defaultAlertsConfig, parseAlertsConfigOverride } from '../../alerts/index.ts';
import { RULE_SETTINGS } from '../../alerts/rule-settings.ts';
import { REPO_ROOT } from './support/rule-files.ts';

/** Every alert, those that ship off by default (an `enabled` setting) turned on: each needs its section. */
const everyAlertOn = parseAlertsConfigOverride(
  { rules: Object.fromEntries(Object.entries(RULE_SETTINGS).flatMap(([name, settings]) => ('enabled' in settings ? [[name, { enabled: true }]] : []))) },
  defaultAlertsConfig,
);
const alerts = alertingRules(everyAlertOn);

/** GitHub's anchor for a heading: lower case, spaces to '-', most punctuation dropped. */
const githubAnchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

const sections = (await readFile(join(REPO_ROOT, 'docs/runbooks.md'), 'utf8'))
  .split(/^## /m)
  .slice(1)
  .map((text) => ({ heading: text.slice(0, text.indexOf('\n')), body: text }));

test('every alert has a runbook section at its runbook_url anchor, with meaning, impact, diagnosis and fix', () => {
  for (const alert of alerts) {
    const anchor = alert.annotations.runbook_url.split('#')[1];
    const section = sections.find((s) => githubAnchor(s.heading) === anchor);
    assert.ok(section, `${alert.alert}: no "## ${alert.alert}" section in docs/runbooks.md (anchor #${anchor})`);
    for (const part of ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Fix.**']) {
      assert.ok(section.body.includes(part), `${alert.alert}: runbook section lacks ${part}`);
    }
  }
});

test('every runbook section belongs to an alert', () => {
  const names = new Set(alerts.map((alert) => alert.alert));
  for (const { heading } of sections) assert.ok(names.has(heading.trim()), `section "${heading}" matches no alert`);
});
