// The exporter-health dashboard says when the data is simulated (genesys_exporter_simulated, the demo
// org of --simulator): a red "SIMULATED", not only an alert, so nobody reads demo numbers as real ones.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PANEL } from '../../dashboards/exporter-health.ts';
import { dashboardByFile, panelById } from '../support/built-dashboards.ts';

interface ValueMapping {
  readonly type: string;
  readonly options: Record<string, { readonly text: string; readonly color: string }>;
}

test('the data source stat reads genesys_exporter_simulated and shows 1 as a red SIMULATED', () => {
  const panel = panelById(dashboardByFile('exporter-health.json'), PANEL.dataSource);
  assert.match(panel.targets?.[0]?.expr ?? '', /^max\(genesys_exporter_simulated\{cluster=~"\$cluster"\}\)$/);
  const mappings = panel.fieldConfig.defaults['mappings'] as ValueMapping[];
  const shown = Object.assign({}, ...mappings.map((m) => m.options)) as ValueMapping['options'];
  assert.deepEqual(shown['1'], { text: 'SIMULATED', color: 'red', index: 1 });
  assert.equal(shown['0']?.text, 'Genesys Cloud');
  // The colour comes from the thresholds (the mapping's colour applies only where they agree).
  assert.deepEqual(panel.fieldConfig.defaults['thresholds'], {
    mode: 'absolute',
    steps: [
      { value: null, color: 'green' },
      { value: 1, color: 'red' },
    ],
  });
  assert.deepEqual(panel.fieldConfig.defaults['color'], { mode: 'thresholds' });
});
