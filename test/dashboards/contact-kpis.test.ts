import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { expectPromqlResults, needsPrometheusTools } from '../support/prometheus-tools.ts';
import { dashboardByFile, panelById, targetOf } from '../support/built-dashboards.ts';

const workDir = mkdtempSync(join(tmpdir(), 'dashboards-kpis-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** $media_type as Grafana renders the overview's default selection: "All" is its allValue, a value is itself. */
function defaultMediaType(): string {
  const variable = dashboardByFile('queue-overview.json').templating.list.find((v) => v.name === 'media_type');
  const current = variable?.current?.value;
  const selected = Array.isArray(current) ? current : [current];
  if (selected.length === 1 && selected[0] === '$__all') return String(variable?.allValue);
  if (selected.length === 1 && typeof selected[0] === 'string') return selected[0];
  throw new Error(`queue-overview.json: unexpected default of $media_type: ${JSON.stringify(current)}`);
}

/** The variables' defaults as Grafana renders them (All queues, the default media types), a one-minute rate window. */
function asSent(expr: string, values: Readonly<Record<string, string>>): string {
  const defaults: Record<string, string> = { __rate_interval: '1m', cluster: '.*', queue: '.*', media_type: defaultMediaType(), ...values };
  return expr.replace(/\$(\w+)/g, (reference, name: string) => {
    const value = defaults[name];
    if (value === undefined) throw new Error(`no test value for ${reference} in ${expr}`);
    return value;
  });
}

const overview = (panelId: number, refId: string) => asSent(targetOf(panelById(dashboardByFile('queue-overview.json'), panelId), refId).expr, {});
const detail = (panelId: number, refId: string, queue: string) =>
  asSent(targetOf(panelById(dashboardByFile('queue-detail.json'), panelId), refId).expr, { queue });

const info = (id: string, name: string) => `genesys_queue_info{cluster="c1", queue_id="${id}", queue_name="${name}", division_id="d1", division_name="Main"}`;
const of =
  (media: string) =>
  (metric: string, id: string, name: string, extra = '') =>
    `${metric}{cluster="c1", queue_id="${id}", queue_name="${name}", media_type="${media}"${extra}}`;
const voice = of('voice');
const email = of('email');

describe('an email-only queue on the overview, default variables', needsPrometheusTools, () => {
  test('its waiting contacts, SLA compliance, p95 wait and handle time show without changing $media_type', async () => {
    const series = {
      [info('q9', 'Inbox')]: '1x30',
      'genesys_up{cluster="c1"}': '1x30',
      [email('genesys_queue_depth', 'q9', 'Inbox')]: '7x30',
      [email('genesys_queue_longest_wait_seconds', 'q9', 'Inbox')]: '5400x30',
      // 2 offers and 1 breach a minute → 0.5 over 15 minutes.
      [email('genesys_queue_offer_total', 'q9', 'Inbox')]: '0+2x30',
      [email('genesys_queue_sla_breach_total', 'q9', 'Inbox', ', sla_target_seconds="3600"')]: '0+1x30',
      // Every wait between 1800 and 3600 s (a bucket layout with those bounds): the p95 lies in that bucket.
      [email('genesys_queue_wait_time_seconds_bucket', 'q9', 'Inbox', ', le="1800"')]: '0x30',
      [email('genesys_queue_wait_time_seconds_bucket', 'q9', 'Inbox', ', le="3600"')]: '0+2x30',
      [email('genesys_queue_wait_time_seconds_bucket', 'q9', 'Inbox', ', le="+Inf"')]: '0+2x30',
      // 2 emails handled a minute, 1200 s of handle time: AHT 600 s.
      [email('genesys_queue_handle_time_seconds_sum', 'q9', 'Inbox')]: '0+1200x30',
      [email('genesys_queue_handle_time_seconds_count', 'q9', 'Inbox')]: '0+2x30',
    };
    await expectPromqlResults(workDir, series, [
      { expr: overview(OVERVIEW.waitingNow, 'waiting'), samples: [{ labels: '{queue_name="Inbox"}', value: 7 }] },
      { expr: overview(OVERVIEW.longestWaitNow, 'longestWait'), samples: [{ labels: '{queue_name="Inbox", media_type="email"}', value: 5400 }] },
      { expr: overview(OVERVIEW.slaComplianceByQueue, 'compliance'), samples: [{ labels: '{queue_name="Inbox", media_type="email"}', value: 0.5 }] },
      { expr: overview(OVERVIEW.averageHandleTime, 'aht'), samples: [{ labels: '{queue_name="Inbox", media_type="email"}', value: 600 }] },
    ]);
    // The p95 interpolates inside the 1800–3600 s bucket: 1800 + 0.95 × 1800.
    await expectPromqlResults(workDir, series, [
      { expr: overview(OVERVIEW.p95WaitByQueue, 'p95'), samples: [{ labels: '{queue_name="Inbox", media_type="email"}', value: 3510 }] },
    ]);
  });

  test('a queue with calls and emails keeps them apart where averaging would mislead', async () => {
    const series = {
      // Calls: 60 answered a minute after 20 s each; emails: 1 a minute after 3600 s. (Counts per minute that are
      // multiples of 60 keep rate() exact, so promtool's exact comparison holds.)
      [voice('genesys_queue_answer_time_seconds_sum', 'q1', 'Sales')]: '0+1200x30',
      [voice('genesys_queue_answer_time_seconds_count', 'q1', 'Sales')]: '0+60x30',
      [email('genesys_queue_answer_time_seconds_sum', 'q1', 'Sales')]: '0+3600x30',
      [email('genesys_queue_answer_time_seconds_count', 'q1', 'Sales')]: '0+1x30',
    };
    await expectPromqlResults(workDir, series, [
      {
        expr: overview(OVERVIEW.averageSpeedOfAnswer, 'asa'),
        samples: [
          { labels: '{queue_name="Sales", media_type="voice"}', value: 20 },
          { labels: '{queue_name="Sales", media_type="email"}', value: 3600 },
        ],
      },
    ]);
  });
});

describe('contact KPIs (real PromQL engine)', needsPrometheusTools, () => {
  test('abandon rate leaves short abandons out of both sides; no short-abandon counter yet counts 0; no abandon yet is 0 %; no offer is no value', async () => {
    const series = {
      // Sales: 10 offers, 3 abandons of which 1 short, a second → (3 − 1) / (10 − 1).
      [voice('genesys_queue_offer_total', 'q1', 'Sales')]: '0+600x30',
      [voice('genesys_queue_abandoned_total', 'q1', 'Sales')]: '0+180x30',
      [voice('genesys_queue_short_abandoned_total', 'q1', 'Sales')]: '0+60x30',
      // Support: 4 offers, 1 abandon, never a short one → 1/4.
      [voice('genesys_queue_offer_total', 'q2', 'Support')]: '0+4x30',
      [voice('genesys_queue_abandoned_total', 'q2', 'Support')]: '0+1x30',
      // Billing: offers, nothing abandoned yet → 0.
      [voice('genesys_queue_offer_total', 'q3', 'Billing')]: '0+5x30',
      // Quiet: counters exist, nothing offered in the window → no value, not 0 %.
      [voice('genesys_queue_offer_total', 'q4', 'Quiet')]: '8x30',
      [voice('genesys_queue_abandoned_total', 'q4', 'Quiet')]: '2x30',
    };
    await expectPromqlResults(workDir, series, [
      {
        expr: overview(OVERVIEW.abandonRate, 'abandonRate'),
        samples: [
          { labels: '{queue_name="Sales", media_type="voice"}', value: 2 / 9 },
          { labels: '{queue_name="Support", media_type="voice"}', value: 0.25 },
          { labels: '{queue_name="Billing", media_type="voice"}', value: 0 },
        ],
      },
      // The detail's stat and time series use the same definition, for its one queue.
      { expr: detail(DETAIL.abandonRate, 'abandonRate', 'Sales'), samples: [{ labels: '{queue_name="Sales", media_type="voice"}', value: 2 / 9 }] },
      { expr: detail(DETAIL.abandonRatio, 'abandonRatio', 'Quiet'), samples: [] },
    ]);
  });

  test('transfer rate = transferred / answered; no transfer yet is 0 %; nothing answered is no value', async () => {
    const series = {
      [voice('genesys_queue_answered_total', 'q1', 'Sales')]: '0+5x30',
      [voice('genesys_queue_transferred_total', 'q1', 'Sales')]: '0+1x30',
      [voice('genesys_queue_answered_total', 'q2', 'Support')]: '0+4x30',
      [voice('genesys_queue_answered_total', 'q3', 'Quiet')]: '9x30',
      [voice('genesys_queue_transferred_total', 'q3', 'Quiet')]: '3x30',
    };
    await expectPromqlResults(workDir, series, [
      {
        expr: overview(OVERVIEW.transferRate, 'transferRate'),
        samples: [
          { labels: '{queue_name="Sales", media_type="voice"}', value: 0.2 },
          { labels: '{queue_name="Support", media_type="voice"}', value: 0 },
        ],
      },
    ]);
  });

  test('AHT and its parts per handled contact: talk + hold + ACW add up to it; nothing handled is no value', async () => {
    const series = {
      // 4 contacts handled a minute: 480 s talk, 40 s hold (two holds), 80 s wrap-up → AHT 150 s = 120 + 10 + 20.
      [voice('genesys_queue_handle_time_seconds_sum', 'q1', 'Sales')]: '0+600x30',
      [voice('genesys_queue_handle_time_seconds_count', 'q1', 'Sales')]: '0+4x30',
      [voice('genesys_queue_talk_time_seconds_sum', 'q1', 'Sales')]: '0+480x30',
      [voice('genesys_queue_hold_time_seconds_sum', 'q1', 'Sales')]: '0+40x30',
      [voice('genesys_queue_hold_time_seconds_count', 'q1', 'Sales')]: '0+2x30',
      [voice('genesys_queue_after_call_work_seconds_sum', 'q1', 'Sales')]: '0+80x30',
      // Quiet: nothing handled in the window.
      [voice('genesys_queue_handle_time_seconds_sum', 'q2', 'Quiet')]: '900x30',
      [voice('genesys_queue_handle_time_seconds_count', 'q2', 'Quiet')]: '6x30',
    };
    const labels = '{queue_name="Sales", media_type="voice"}';
    await expectPromqlResults(workDir, series, [
      { expr: overview(OVERVIEW.averageHandleTime, 'aht'), samples: [{ labels, value: 150 }] },
      { expr: detail(DETAIL.averageHandleTime, 'aht', 'Sales'), samples: [{ labels, value: 150 }] },
      { expr: detail(DETAIL.handleTimeParts, 'talk', 'Sales'), samples: [{ labels, value: 120 }] },
      { expr: detail(DETAIL.handleTimeParts, 'hold', 'Sales'), samples: [{ labels, value: 10 }] },
      { expr: detail(DETAIL.handleTimeParts, 'acw', 'Sales'), samples: [{ labels, value: 20 }] },
      { expr: detail(DETAIL.averageHandleTime, 'aht', 'Quiet'), samples: [] },
    ]);
  });

  test('members by presence: summed per presence over the queue; a presence nobody is in has no series', async () => {
    const presence = (id: string, name: string, value: string) =>
      `genesys_queue_members_by_presence{cluster="c1", queue_id="${id}", queue_name="${name}", presence="${value}"}`;
    const series = {
      [presence('q1', 'Sales', 'on_queue')]: '6x30',
      [presence('q1', 'Sales', 'break')]: '2x30',
      [presence('q1', 'Sales', 'meal')]: '1x30',
      [presence('q2', 'Support', 'on_queue')]: '3x30',
      [presence('q2', 'Support', 'training')]: '4x30',
    };
    await expectPromqlResults(workDir, series, [
      {
        expr: overview(OVERVIEW.membersByPresence, 'byPresence'),
        samples: [
          { labels: '{presence="on_queue"}', value: 9 },
          { labels: '{presence="break"}', value: 2 },
          { labels: '{presence="meal"}', value: 1 },
          { labels: '{presence="training"}', value: 4 },
        ],
      },
      {
        expr: detail(DETAIL.membersByPresence, 'byPresence', 'Support'),
        samples: [
          { labels: '{presence="on_queue"}', value: 3 },
          { labels: '{presence="training"}', value: 4 },
        ],
      },
    ]);
  });
});
