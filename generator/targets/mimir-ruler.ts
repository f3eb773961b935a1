// Mimir/Cortex ruler: one namespace file (`namespace:` + `groups:`), the format `mimirtool rules load` and
// `cortextool rules load` read. Its groups are the same as the Prometheus rule files'.

import { DELIVERY_TARGET_FOLDERS } from '../../config/delivery-targets.ts';
import { DASHBOARD_TAG } from '../../config/project.ts';
import type { Artifact } from '../contract.ts';
import { generatedHeader, renderYaml } from '../stable-render.ts';
import { RULES_FROM } from './generated-documents.ts';

export const MIMIR_NAMESPACE = DASHBOARD_TAG;
export const MIMIR_RULES_PATH = `${DELIVERY_TARGET_FOLDERS.mimirRuler}/${MIMIR_NAMESPACE}.yaml`;

export function mimirRulerFile(ruleGroups: readonly Record<string, unknown>[]): Artifact {
  return {
    path: MIMIR_RULES_PATH,
    content: renderYaml({ namespace: MIMIR_NAMESPACE, groups: ruleGroups }, [
      ...generatedHeader([RULES_FROM]),
      `Every recording and alerting rule, as the Mimir/Cortex ruler namespace "${MIMIR_NAMESPACE}". Load it with:`,
      `  mimirtool rules load --address=<mimir url> --id=<tenant> out/${MIMIR_RULES_PATH}`,
      '(cortextool rules load takes the same file and flags).',
    ]),
  };
}
