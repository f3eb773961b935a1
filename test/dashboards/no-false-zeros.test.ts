import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PANEL as HEALTH } from '../../dashboards/exporter-health.ts';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { expectPromqlResults, needsPrometheusTools } from '../support/prometheus-tools.ts';
import { dashboardByFile, panelById, targetOf } from '../support/built-dashboards.ts';

const workDir = mkdtempSync(join(tmpdir(), 'dashboards-promql-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** Grafana's substitution for these tests: the defaults (All queues, All media types), one-minute rate window. */
function asSent(expr: string, values: Readonly<Record<string, string>>): string {
  const all: Record<string, string> = { __rate_interval: '1m', cluster: '.*', queue: '.*', media_type: '.*', ...values };
  return expr.replace(/\$(\w+)/g, (reference, name: string) => {
    const value = all[name];
    if (value === undefined) throw new Error(`no test value for ${reference} in ${expr}`);
    return value;
  });
}

function query(file: string, panelId: number, refId: string, values: Readonly<Record<string, string>> = {}): string {
  return asSent(targetOf(panelById(dashboardByFile(file), panelId), refId).expr, values);
}

const info = (id: string, name: string) => `genesys_queue_info{cluster="c1", queue_id="${id}", queue_name="${name}", division_id="d1", division_name="Main"}`;
const voice = (metric: string, id: string, name: string, extra = '') =>
  `${metric}{cluster="c1", queue_id="${id}", queue_name="${name}", media_type="voice"${extra}}`;

describe('no false zeros (real PromQL engine)', needsPrometheusTools, () => {
  const listedQueues = {
    [info('q1', 'Sales')]: '1x30',
    [info('q2', 'Support')]: '1x30',
    [voice('genesys_queue_depth', 'q1', 'Sales')]: '3x30',
  };
  const depth = () => query('queue-overview.json', OVERVIEW.depthByQueue, 'depth');

  test('depth: a listed queue without a depth series is a true 0 while the poll succeeds', async () => {
    await expectPromqlResults(workDir, { ...listedQueues, 'genesys_up{cluster="c1"}': '1x30' }, [
      {
        expr: depth(),
        samples: [
          { labels: '{queue_name="Sales"}', value: 3 },
          { labels: '{queue_name="Support"}', value: 0 },
        ],
      },
    ]);
  });

  test('depth: while the poll fails, missing series stay missing (no false 0)', async () => {
    await expectPromqlResults(workDir, { ...listedQueues, 'genesys_up{cluster="c1"}': '0x30' }, [
      { expr: depth(), samples: [{ labels: '{queue_name="Sales"}', value: 3 }] },
    ]);
  });

  test('depth: without the exporter there is no data at all', async () => {
    await expectPromqlResults(workDir, { 'up{job="something-else"}': '1x30' }, [{ expr: depth(), samples: [] }]);
  });

  test('SLA: a quiet queue has no value, a queue without breaches is 100 %, a busy one 1 - breaches/offers', async () => {
    const series = {
      // Sales: 4 offers and 1 breach a minute → 0.75.
      [voice('genesys_queue_offer_total', 'q1', 'Sales')]: '0+4x30',
      [voice('genesys_queue_sla_breach_total', 'q1', 'Sales', ', sla_target_seconds="20"')]: '0+1x30',
      // Support: counters exist but nothing happened in 15 minutes → no value, not 0 %.
      [voice('genesys_queue_offer_total', 'q2', 'Support')]: '10x30',
      [voice('genesys_queue_sla_breach_total', 'q2', 'Support', ', sla_target_seconds="20"')]: '2x30',
      // Billing: offers but no breach counter yet → 1.
      [voice('genesys_queue_offer_total', 'q3', 'Billing')]: '0+2x30',
    };
    await expectPromqlResults(workDir, series, [
      {
        expr: query('queue-overview.json', OVERVIEW.slaComplianceByQueue, 'compliance'),
        samples: [
          { labels: '{queue_name="Sales", media_type="voice"}', value: 0.75 },
          { labels: '{queue_name="Billing", media_type="voice"}', value: 1 },
        ],
      },
      // The stat's inputs over all queues: 15 breaches of 90 offers (60 + 0 + 30).
      { expr: query('queue-overview.json', OVERVIEW.slaCompliance, 'breaches'), samples: [{ labels: '{}', value: 15 }] },
      { expr: query('queue-overview.json', OVERVIEW.slaCompliance, 'offers'), samples: [{ labels: '{}', value: 90 }] },
    ]);
  });

  test('SLA stat: with no offer in the window the offers query is empty, so the stat shows no value', async () => {
    const series = {
      [voice('genesys_queue_offer_total', 'q2', 'Support')]: '10x30',
      [voice('genesys_queue_sla_breach_total', 'q2', 'Support', ', sla_target_seconds="20"')]: '2x30',
    };
    await expectPromqlResults(workDir, series, [
      { expr: query('queue-overview.json', OVERVIEW.slaCompliance, 'offers'), samples: [] },
      { expr: query('queue-overview.json', OVERVIEW.slaCompliance, 'breaches'), samples: [{ labels: '{}', value: 0 }] },
    ]);
  });

  test('waits: no contact left the queue → no p95 (not 0 s); idle counters → a true 0 contacts/s', async () => {
    const bucket = (le: string) => voice('genesys_queue_wait_time_seconds_bucket', 'q2', 'Support', `, le="${le}"`);
    const series = {
      [bucket('10')]: '5x30',
      [bucket('14400')]: '9x30',
      [bucket('+Inf')]: '9x30',
      [voice('genesys_queue_offer_total', 'q2', 'Support')]: '10x30',
    };
    await expectPromqlResults(workDir, series, [
      { expr: query('queue-overview.json', OVERVIEW.p95WaitByQueue, 'p95'), samples: [] },
      { expr: query('queue-overview.json', OVERVIEW.traffic, 'offered'), samples: [{ labels: '{}', value: 0 }] },
    ]);
  });

  test('detail: a queue name with regex characters is matched exactly', async () => {
    const series = {
      [info('q1', 'Sales (EU)')]: '1x30',
      [info('q2', 'Sales (EU) VIP')]: '1x30',
      [voice('genesys_queue_depth', 'q1', 'Sales (EU)')]: '2x30',
      [voice('genesys_queue_depth', 'q2', 'Sales (EU) VIP')]: '7x30',
      'genesys_up{cluster="c1"}': '1x30',
    };
    await expectPromqlResults(workDir, series, [
      { expr: query('queue-detail.json', DETAIL.waitingNow, 'waiting', { queue: 'Sales (EU)' }), samples: [{ labels: '{queue_name="Sales (EU)"}', value: 2 }] },
    ]);
  });

  test('exporter health: no 429 or error counter yet is 0 for an endpoint being called, nothing without requests', async () => {
    const called = { 'genesys_exporter_api_requests_total{cluster="c1", endpoint="observations", status_code="200"}': '0+10x30' };
    const errors = () => query('exporter-health.json', HEALTH.apiErrors, 'errors');
    const limited = () => query('exporter-health.json', HEALTH.rateLimited, 'rateLimited');
    await expectPromqlResults(workDir, called, [
      { expr: errors(), samples: [{ labels: '{endpoint="observations"}', value: 0 }] },
      { expr: limited(), samples: [{ labels: '{endpoint="observations"}', value: 0 }] },
    ]);
    await expectPromqlResults(workDir, { 'up{job="something-else"}': '1x30' }, [
      { expr: errors(), samples: [] },
      { expr: limited(), samples: [] },
    ]);
  });

  test('exporter health: an endpoint with errors shows them by status, without an extra 0 line', async () => {
    const series = {
      'genesys_exporter_api_requests_total{cluster="c1", endpoint="observations", status_code="200"}': '0+10x30',
      'genesys_exporter_api_requests_total{cluster="c1", endpoint="observations", status_code="500"}': '0+6x30',
      'genesys_exporter_api_requests_total{cluster="c1", endpoint="routing_queues", status_code="200"}': '0+1x30',
    };
    await expectPromqlResults(workDir, series, [
      {
        expr: query('exporter-health.json', HEALTH.apiErrors, 'errors'),
        samples: [
          { labels: '{endpoint="observations", status_code="500"}', value: 0.1 },
          { labels: '{endpoint="routing_queues"}', value: 0 },
        ],
      },
    ]);
  });
});
