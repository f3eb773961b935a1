// The whole pipeline, real: simulator → exporter (child process) → Prometheus 2.42 (generated scrape
// config and rules) → Alertmanager 0.25 (generated alertmanager.yml) → PagerDuty/Slack-shaped sink.
// One stack is shared by the tests below, which run in order: alerts from surges, every dashboard query
// against ground truth, an exporter restart, an exporter outage, and a quiet period.
// Timing facts: test/support/panels/timing.ts; the alert override: support/e2e-stack.ts; tolerances:
// test/support/panels/panel-checks.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import type { MediaType, SimQueue } from '../../simulator/control-types.ts';
import { MEDIA_TYPES } from '../../metrics/vocabulary.ts';
import { alertmanagerAlerts } from '../../stack/alertmanager.ts';
import { interpolate, type InterpolationContext } from '../../stack/grafana-vars.ts';
import { sampleValue, type InstantSample } from '../../stack/prometheus-api.ts';
import { waitFor } from '../../stack/wait-for.ts';
import type { Stack } from '../../stack/stack.ts';
import { EXPORTER_JOB } from '../../config/project.ts';
import type { PagerDutyEvent } from '../../stack/webhook-sink.ts';
import { loadDashboard, queryKey, type LoadedDashboard, type LoadedPanel, type PanelQuery } from '../support/panels/dashboards.ts';
import { E2E_ALERTS_OVERRIDE, startE2eStack } from './support/e2e-stack.ts';
import { parseDurationMs } from '../../config/duration.ts';
import { AGGREGATES_LAG_SECONDS, EVALUATION_SECONDS, OBSERVATIONS_LAG_SECONDS, SCRAPE_SECONDS } from '../support/panels/timing.ts';
import { checkQuery, complianceProblems, mediaOf, type TruthRange } from '../support/panels/evaluate.ts';
import { framesFromPrometheus, renderPanel, thresholdColours, type ShownValue } from '../support/panels/grafana.ts';
import { complianceCandidates, countBounds, PANEL_CHECKS, type ObservedWindow, type TruthContext } from '../support/panels/panel-checks.ts';
import { contactEvents, selectEvents, TruthRecorder, type ContactEvent } from '../support/panels/truth.ts';

/** The media type the surges add traffic on. */
const MEDIA: MediaType = 'voice';
/** What the dashboards show by default ($media_type All): every media type. */
const SELECTED_MEDIA: readonly MediaType[] = MEDIA_TYPES;
const DETAIL_QUEUE = 'E2E Support';
/** The e2e org's email-only queue (test/e2e/fixtures/org.yaml). */
const EMAIL_QUEUE = 'E2E Inbox';
const SURGE_QUEUES = ['E2E Support', 'E2E Sales'] as const;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const GROUP_INTERVAL_MS = parseDurationMs(E2E_ALERTS_OVERRIDE.alertmanager.groupInterval) ?? 0;
/** Where a long test spends its time, for its diagnostics. */
function phaseTimer(): { mark(name: string): void; summary(): string } {
  let last = Date.now();
  const marks: string[] = [];
  return {
    mark: (name) => {
      marks.push(`${name} ${((Date.now() - last) / 1000).toFixed(1)} s`);
      last = Date.now();
    },
    summary: () => marks.join(', '),
  };
}
/** $__rate_interval at Grafana's minimum step (the scrape interval): max(step + scrape, 4 × scrape). */
const RATE_WINDOW_SECONDS = Math.max(2 * SCRAPE_SECONDS, 4 * SCRAPE_SECONDS);

describe('the pipeline from simulated org to pager, against ground truth', () => {
  let stack: Stack;
  let recorder: TruthRecorder;
  let simQueues: readonly SimQueue[];
  let queuesByName: Map<string, SimQueue>;
  let dashboards: LoadedDashboard[];
  let baselineMs: number;
  let startedAt: number;
  /** When an exporter process counted; a restart or an outage closes one and the new process opens the next. */
  const countedSpans: { fromMs: number; fromLatestMs?: number; toMs: number }[] = [];

  before(async () => {
    stack = await startE2eStack();
    startedAt = nowSeconds();
    recorder = new TruthRecorder(stack.simulator);
    recorder.start(200);
    simQueues = await stack.simulator.queues();
    queuesByName = new Map(simQueues.map((q) => [q.name, q]));
    dashboards = stack.generated.dashboards.map(loadDashboard);
    baselineMs = await firstAggregatesPollAfter(0);
    // Prometheus' first scrape of the exporter: whole-life increase() counts from what it read (a poll up
    // to AGGREGATES_LAG before it), not from the exporter's first poll (test/support/panels/panel-checks.ts).
    const firstScrape = await waitFor(
      'the first scrape of the exporter',
      async () => {
        const [series] = await stack.prometheus.range(`timestamp(up{job="${EXPORTER_JOB}"} == 1)`, startedAt - 120, nowSeconds(), 1);
        return series?.values[0] === undefined ? undefined : Number(series.values[0][1]) * 1000;
      },
      { timeoutMs: 30_000 },
    );
    countedSpans.push({ fromMs: Math.max(baselineMs, firstScrape - AGGREGATES_LAG_SECONDS * 1000), fromLatestMs: firstScrape, toMs: Infinity });
  });

  /** When an exporter process first polled aggregates after `afterMs` (its counters' baseline), from the simulator's request log. */
  async function firstAggregatesPollAfter(afterMs: number): Promise<number> {
    return waitFor(
      "the exporter's first aggregates poll",
      async () => {
        const log = await stack.simulator.requests(new Date(afterMs).toISOString());
        const poll = log.requests.find((r) => r.endpoint === 'conversation_aggregates' && r.status === 200 && Date.parse(r.time) > afterMs);
        return poll === undefined ? undefined : Date.parse(poll.time);
      },
      { timeoutMs: 30_000 },
    );
  }

  /** Closes the current counted span at `stoppedMs` and opens the next at the new process's first aggregates poll. */
  async function recordExporterRestart(stoppedMs: number): Promise<void> {
    const current = countedSpans[countedSpans.length - 1];
    if (current !== undefined) current.toMs = stoppedMs;
    countedSpans.push({ fromMs: await firstAggregatesPollAfter(stoppedMs), toMs: Infinity });
  }

  after(async () => {
    recorder?.stop();
    await stack?.close();
  });

  const queueId = (name: string): string => {
    const queue = queuesByName.get(name);
    assert.ok(queue, `the e2e org has a queue named ${name}`);
    return queue.id;
  };

  const pages = (alertname: string, queue?: string): PagerDutyEvent[] =>
    stack.sink.pagerDutyEvents.filter(
      (e) =>
        e.event_action === 'trigger' && (e.payload?.summary ?? '').includes(alertname) && (queue === undefined || (e.payload?.summary ?? '').includes(queue)),
    );

  async function waitForPage(alertname: string, queue?: string): Promise<PagerDutyEvent> {
    const [page] = await waitFor(
      `a ${alertname} page${queue === undefined ? '' : ` for ${queue}`}`,
      async () => {
        const found = pages(alertname, queue);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    assert.ok(page);
    return page;
  }

  test('a surge on one queue fires QueueDepthCritical and pages PagerDuty through Alertmanager, grouped by queue_name', async () => {
    const [first] = SURGE_QUEUES;
    await stack.simulator.startScenario({ scenario: 'surge', queueId: queueId(first), factor: 8, mediaType: MEDIA, durationSeconds: 75 });
    const page = await waitForPage('QueueDepthCritical', first);
    assert.equal(page.routing_key, stack.pagerDutyRoutingKey, 'Alertmanager read the routing key from the generated routing_key_file');
    assert.equal(page.payload?.severity, 'critical');
    // Grouped by queue_name: the notification's common labels carry the queue, so the summary names it
    // and no other queue appears in the alerts it lists.
    const details = JSON.stringify(page.payload?.custom_details ?? {});
    for (const other of simQueues.filter((q) => q.name !== first))
      assert.ok(!details.includes(`queue_name = ${other.name}`) && !page.payload?.summary.includes(other.name), `only ${first} in ${details}`);
    const groups = (await (await fetch(`${stack.urls.alertmanager}/api/v2/alerts/groups`)).json()) as {
      labels: Record<string, string>;
      receiver: { name: string };
      alerts: { labels: Record<string, string> }[];
    }[];
    // One group per queue incident (not per alert name): the queue's PagerDuty group holds QueueDepthCritical.
    const group = groups.find((g) => g.labels.queue_name === first && g.receiver.name === 'pagerduty-critical');
    assert.ok(group, `Alertmanager has a PagerDuty group for ${first}: ${JSON.stringify(groups.map((g) => g.labels))}`);
    assert.equal(group.labels.alertname, undefined, 'grouped by queue, not by alert name');
    assert.ok(
      group.alerts.some((a) => a.labels.alertname === 'QueueDepthCritical'),
      JSON.stringify(group.alerts.map((a) => a.labels)),
    );
    assert.equal(group.receiver.name, 'pagerduty-critical');
    assert.deepEqual(stack.sink.rejected, [], 'every notification had the shape PagerDuty/Slack require');
  });

  test("a second queue's surge makes a separate PagerDuty notification", async () => {
    const [first, second] = SURGE_QUEUES;
    await stack.simulator.startScenario({ scenario: 'surge', queueId: queueId(second), factor: 8, mediaType: MEDIA, durationSeconds: 60 });
    const page = await waitForPage('QueueDepthCritical', second);
    const firstKeys = new Set(pages('QueueDepthCritical', first).map((e) => e.dedup_key));
    assert.ok(!firstKeys.has(page.dedup_key), 'a different Alertmanager group (dedup_key) than the first queue');
    assert.ok(!page.payload?.summary.includes(first), `the second page names only ${second}: ${page.payload?.summary}`);
  });

  /** Interpolation as Grafana does it for this dashboard, with All queues on the overview and one queue on the detail,
   * and every media type (the default). */
  function grafanaContext(dashboard: LoadedDashboard, intervalSeconds: number, rangeSeconds: number): InterpolationContext {
    const variables: Record<string, InterpolationContext['variables'][string]> = {};
    for (const v of dashboard.variables) {
      if (v.type === 'datasource') continue;
      if (v.name === 'cluster') variables[v.name] = { definition: v, selection: { all: true, options: ['local'] } };
      else if (v.name === 'queue') {
        variables[v.name] = v.includeAll
          ? { definition: v, selection: { all: true, options: simQueues.map((q) => q.name) } }
          : { definition: v, selection: { values: [DETAIL_QUEUE] } };
      } else if (v.name === 'media_type') variables[v.name] = { definition: v, selection: { all: true, options: [...SELECTED_MEDIA] } };
      else throw new Error(`${dashboard.file}: variable ${v.name} has no e2e selection; add one here`);
    }
    return { variables, intervalSeconds, scrapeIntervalSeconds: SCRAPE_SECONDS, rangeSeconds };
  }

  function truthContext(query: PanelQuery, T: number, windowSeconds: number, events: readonly ContactEvent[]): TruthContext {
    const detail = query.dashboardUid === 'genesys-queue-detail';
    return {
      T,
      windowSeconds,
      queueIds: new Set(detail ? [queueId(DETAIL_QUEUE)] : simQueues.map((q) => q.id)),
      mediaType: SELECTED_MEDIA,
      queuesByName,
      events,
      recorder,
      countedSpans,
    };
  }

  /** When the observation poll behind the samples at t queried the simulator (the exporter's run telemetry). */
  async function observationPoll(t: number): Promise<ObservedWindow | undefined> {
    const [end] = await stack.prometheus.vector('max(genesys_exporter_collector_last_success_timestamp_seconds{collector="observations"})', t);
    const [duration] = await stack.prometheus.vector('max(genesys_exporter_collector_duration_seconds{collector="observations"})', t);
    if (end === undefined || duration === undefined) return undefined;
    return { fromMs: (sampleValue(end) - sampleValue(duration)) * 1000, toMs: sampleValue(end) * 1000 };
  }

  /** Waits for a scrape of the exporter later than t: Prometheus then holds every sample up to t, so queries at t
   * read what they will always read (a scrape's samples land when it completes, after its timestamp). */
  async function scrapedAfter(t: number): Promise<void> {
    await waitFor(
      `a scrape of the exporter after ${t}`,
      async () => {
        const [last] = await stack.prometheus.vector(`max(timestamp(up{job="${EXPORTER_JOB}"}))`);
        return last !== undefined && sampleValue(last) > t ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
  }

  async function allEvents(): Promise<ContactEvent[]> {
    const contacts = await stack.simulator.truthContacts({ since: new Date(baselineMs - 3_600_000), until: new Date(Date.now() + 60_000) });
    return contactEvents(contacts.contacts);
  }

  /** Label names as the queries return them, for values a table shows under renamed columns (organize's renameByName). */
  function originalLabels(panel: LoadedPanel, labels: Readonly<Record<string, string>>): Record<string, string> {
    const renamedFrom = new Map<string, string>();
    for (const t of panel.model.transformations ?? []) {
      const renames = (t.options as { renameByName?: Record<string, string> } | undefined)?.renameByName ?? {};
      for (const [from, to] of Object.entries(renames)) renamedFrom.set(to, from);
    }
    return Object.fromEntries(Object.entries(labels).map(([name, value]) => [renamedFrom.get(name) ?? name, value]));
  }

  /**
   * What the panel shows at T, computed by Grafana's engine from the queries' results, against the ground
   * truth: each value under its query's check (a value traced to its query: the frame's refId, or a table's
   * "Value #refId" column), a value the panel calculates under a check of its own (uid/panelId/<name>),
   * and each value's threshold colour against the colours the truth's range is drawn in.
   */
  function checkShown(
    panel: LoadedPanel,
    shown: readonly ShownValue[],
    T: number,
    W: number,
    events: readonly ContactEvent[],
    observed: ObservedWindow | undefined,
    unclassified: string[],
  ): string[] {
    const problems: string[] = [];
    const [first] = panel.queries;
    if (first === undefined) return problems;
    const groups = new Map<string, ShownValue[]>();
    for (const value of shown) {
      const id = value.refId ?? value.name;
      groups.set(id, [...(groups.get(id) ?? []), value]);
    }
    for (const [id, values] of groups) {
      const query: PanelQuery = { ...(panel.queries.find((q) => q.refId === id) ?? first), refId: id, panelTitle: `${panel.title}, as Grafana shows it` };
      const check = PANEL_CHECKS[queryKey(query)];
      if (check === undefined) {
        unclassified.push(`${queryKey(query)} (${panel.title}): a value the panel shows (${values.map((v) => v.text).join(', ')})`);
        continue;
      }
      const bySample = new Map<InstantSample, ShownValue>();
      const samples = values.map((value) => {
        const sample: InstantSample = { metric: originalLabels(panel, value.labels), value: [T, String(value.numeric)] };
        bySample.set(sample, value);
        return sample;
      });
      const colours: TruthRange = (sample, low, high) => {
        const value = bySample.get(sample);
        if (value?.thresholds === undefined) return;
        const allowed = thresholdColours(value.thresholds, low, high);
        if (!allowed.includes(value.color)) {
          problems.push(
            `${queryKey(query)} (${panel.title}) ${JSON.stringify(sample.metric)}: shown as ${value.text} in ${value.color}, but the truth (${low}…${high}) is drawn in ${allowed.join(' or ')}`,
          );
        }
      };
      problems.push(...checkQuery(check, { query, results: [{ T, samples, observed }] }, truthContext(query, T, W, events), colours));
    }
    return problems;
  }

  test('every panel query of every dashboard returns data and matches the ground truth, as Grafana shows it', async (t) => {
    const phases = phaseTimer();
    // A few minutes of traffic since the exporter started (the simulator also ran 30 simulated minutes
    // before it, so queues are busy from the start).
    const minimumRun = 100;
    const waited = nowSeconds() - Math.floor(baselineMs / 1000);
    if (waited < minimumRun) await sleep((minimumRun - waited) * 1000);
    phases.mark('traffic since the first poll');
    const T = nowSeconds() - 1;
    await scrapedAfter(T);
    // The count window: as long as possible (≤ 2 min) while starting after the baseline plus one lag,
    // so every event in it was posted after the exporter's first poll. Grafana's step is chosen so that
    // $__rate_interval = step + scrape equals it; the range queries use Grafana's own step instead.
    const W = Math.min(120, T - Math.ceil(baselineMs / 1000) - Math.ceil(AGGREGATES_LAG_SECONDS) - 2);
    assert.ok(W >= 60, `a count window of at least a minute (got ${W} s)`);
    const events = await allEvents();
    phases.mark(`ground truth (${events.length} events)`);
    // The observation poll behind the samples at each checked time, read once per time (the same for every query).
    const gaugeTimes = [T - 12, T - 9, T - 6, T - 3, T];
    const observedAt = new Map(await Promise.all(gaugeTimes.map(async (t) => [t, await observationPoll(t)] as const)));
    const observedAtT = observedAt.get(T);

    /** Milliseconds spent comparing with the ground truth and rendering, of the checking phase (the rest: Prometheus). */
    const spent = { truth: 0, render: 0 };
    const timed = <R>(what: keyof typeof spent, run: () => R): R => {
      const start = performance.now();
      try {
        return run();
      } finally {
        spent[what] += performance.now() - start;
      }
    };

    /** One panel's checks. */
    async function checkPanel(dashboard: LoadedDashboard, panel: LoadedPanel) {
      const problems: string[] = [];
      const unclassified: string[] = [];
      let checked = 0;
      const rangeSeconds = T - startedAt;
      const grafanaRange = grafanaContext(dashboard, SCRAPE_SECONDS, rangeSeconds); // step = scrape interval: Grafana's minimum
      const truthWindow = grafanaContext(dashboard, W - SCRAPE_SECONDS, rangeSeconds);
      const resultsAtT: { target: PanelQuery; samples: readonly InstantSample[] }[] = [];
      for (const query of panel.queries) {
        const check = PANEL_CHECKS[queryKey(query)];
        if (check === undefined) {
          unclassified.push(`${queryKey(query)} (${query.panelTitle}): ${query.expr}`);
          continue;
        }
        // 1. As Grafana runs it: no error, some data.
        const expr = interpolate(query.expr, grafanaRange);
        try {
          if (query.instant) {
            const result = await stack.prometheus.vector(expr, T);
            if (result.length === 0) problems.push(`${queryKey(query)} (${query.panelTitle}): instant query returned no data: ${expr}`);
          } else {
            const series = await stack.prometheus.range(expr, T - rangeSeconds, T, SCRAPE_SECONDS);
            if (series.every((s) => s.values.length === 0)) problems.push(`${queryKey(query)} (${query.panelTitle}): range query returned no data: ${expr}`);
          }
        } catch (error) {
          problems.push(`${queryKey(query)} (${query.panelTitle}): ${(error as Error).message}`);
          continue;
        }
        // 2. Its result against the ground truth at T (gauges at several times, to compare more than one state).
        const truthExpr = interpolate(query.expr, truthWindow);
        const times = check.kind === 'gauge' || check.kind === 'agentsByStatus' ? gaugeTimes : [T];
        const results = await Promise.all(
          times.map(async (t) => ({ T: t, samples: await stack.prometheus.vector(truthExpr, t), observed: observedAt.get(t) })),
        );
        resultsAtT.push({ target: query, samples: results[results.length - 1]?.samples ?? [] });
        problems.push(...timed('truth', () => checkQuery(check, { query, results }, truthContext(query, T, W, events))));
        checked += 1;
      }
      // 3. The panel as Grafana shows it at T: framed, transformed, formatted and coloured by @grafana/data.
      const renderStart = performance.now();
      const rendered = await renderPanel(panel.model, framesFromPrometheus(resultsAtT), `${dashboard.uid}/${panel.id} (${panel.title})`);
      spent.render += performance.now() - renderStart;
      problems.push(...rendered.problems);
      problems.push(...timed('truth', () => checkShown(panel, rendered.values, T, W, events, observedAtT, unclassified)));
      return { problems, unclassified, checked };
    }

    // One panel at a time: Prometheus is the bottleneck (two cores), and queued queries time out.
    const panels = [];
    for (const dashboard of dashboards) for (const panel of dashboard.panels) panels.push(await checkPanel(dashboard, panel));
    const problems = panels.flatMap((p) => p.problems);
    const unclassified = panels.flatMap((p) => p.unclassified);
    const checked = panels.reduce((n, p) => n + p.checked, 0);
    const panelsShown = panels.length;
    phases.mark(
      `${checked} queries and ${panelsShown} panels checked (of which ground-truth comparison ${(spent.truth / 1000).toFixed(1)} s, Grafana rendering ${(spent.render / 1000).toFixed(1)} s)`,
    );
    t.diagnostic(phases.summary());
    assert.deepEqual(unclassified, [], 'every dashboard query and calculated panel value needs a ground-truth check in test/support/panels/panel-checks.ts');
    assert.deepEqual(problems, [], `${problems.length} problems in ${checked} queries and ${panelsShown} panels`);
    assert.ok(checked >= 50, `all queries were checked (${checked})`);
  });

  test('an email-only queue shows its values on the overview with the default variables', async () => {
    const overview = dashboards.find((d) => d.uid === 'genesys-queue-overview');
    assert.ok(overview, 'the overview dashboard was generated');
    // The variables as the dashboard opens: $media_type's saved default, not a selection made by this test.
    const model = JSON.parse(readFileSync(overview.file, 'utf8')) as { templating: { list: { name: string; current?: { value?: unknown } }[] } };
    const saved = model.templating.list.find((v) => v.name === 'media_type')?.current?.value;
    const defaults = Array.isArray(saved) ? saved : [saved];
    // The truth recorder reads the simulator from this process: the previous test's checks kept its event loop
    // busy (tens of seconds of comparisons) and readings paused. Wait one observation lag with the loop idle,
    // so the window the gauges at T are compared with has its readings.
    await sleep(OBSERVATIONS_LAG_SECONDS * 1000);
    const T = nowSeconds() - 1;
    const W = 60;
    const base = grafanaContext(overview, W - SCRAPE_SECONDS, T - startedAt);
    const mediaVariable = base.variables.media_type;
    assert.ok(mediaVariable, 'the overview has $media_type');
    const context = {
      ...base,
      variables: {
        ...base.variables,
        media_type: {
          definition: mediaVariable.definition,
          selection:
            defaults.length === 1 && defaults[0] === '$__all' ? { all: true as const, options: [...SELECTED_MEDIA] } : { values: defaults.map(String) },
        },
      },
    };
    const events = await allEvents();
    const observed = await observationPoll(T);
    const inbox = queueId(EMAIL_QUEUE);
    const problems: string[] = [];
    // Contacts waiting, longest wait, SLA compliance, p95 wait, AHT and ASA: each must have the inbox's value, right.
    const keys = ['3/waiting', '4/longestWait', '2/compliance', '6/p95', '9/aht', '10/asa'];
    for (const key of keys) {
      const query = overview.queries.find((q) => `${q.panelId}/${q.refId}` === key);
      const check = query === undefined ? undefined : PANEL_CHECKS[queryKey(query)];
      if (query === undefined || check === undefined) {
        problems.push(`overview ${key}: no such query or no check`);
        continue;
      }
      const samples = (await stack.prometheus.vector(interpolate(query.expr, context), T)).filter((s) => s.metric.queue_name === EMAIL_QUEUE);
      if (samples.length === 0) problems.push(`${queryKey(query)} (${query.panelTitle}): nothing for ${EMAIL_QUEUE} with the default variables`);
      for (const s of samples)
        if (s.metric.media_type !== undefined && s.metric.media_type !== 'email')
          problems.push(`${queryKey(query)}: ${EMAIL_QUEUE} shows ${s.metric.media_type}`);
      const truth = { ...truthContext(query, T, W, events), queueIds: new Set([inbox]) };
      problems.push(...checkQuery(check, { query, results: [{ T, samples, observed }] }, truth));
    }
    assert.deepEqual(problems, []);
  });

  test('restarting the exporter resets its counters without a spike in any rate panel or a counter-based alert', async () => {
    // A value to compare with (on a loaded machine the last scrape can be missing for a moment).
    const before = await waitFor(
      'offers counted before the restart',
      async () => {
        const v = await stack.prometheus.vector('sum(genesys_queue_offer_total)');
        return v[0] !== undefined ? v : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const stoppedAt = Date.now() / 1000;
    await stack.exporter.restart();
    const readyAt = Date.now() / 1000;
    await recordExporterRestart(stoppedAt * 1000);
    // Counters really reset: the new process starts from 0 at its first poll.
    const after = await waitFor(
      'the restarted exporter to be scraped',
      async () => {
        // One query, so the sum and the scrape time it is checked against come from the same evaluation (two
        // queries raced: the sum read empty between the old process's stale marker and the new one's first scrape).
        const v = await stack.prometheus.vector(`sum(genesys_queue_offer_total) and on() (max(timestamp(genesys_queue_offer_total)) > ${readyAt})`);
        return v[0] !== undefined ? v : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(sampleValue(after[0]!) < sampleValue(before[0]!), `counters reset (${sampleValue(before[0]!)} → ${sampleValue(after[0]!)})`);
    // A reset read as an increase shows in every rate window that spans it (W below, from the first scrape of
    // the new process on) and makes a counter-based alert pending at the next evaluation (their 1-minute
    // windows keep it so): W plus two scrapes and two evaluations past that scrape, then look.
    await sleep((RATE_WINDOW_SECONDS + 2 * SCRAPE_SECONDS + 2 * EVALUATION_SECONDS) * 1000);

    // Every rate/increase panel, evaluated every second across the restart, stays within what the
    // simulator's events allow (the upper bound of test/support/panels/panel-checks.ts: a reset read as a huge increase
    // would exceed it; the lower bound does not apply, contacts posted while no exporter ran are not counted).
    const T = nowSeconds() - 1;
    await scrapedAfter(T);
    const events = await allEvents();
    const problems: string[] = [];
    const W = RATE_WINDOW_SECONDS;
    const countQueries = dashboards.flatMap((dashboard) => {
      const ctx = grafanaContext(dashboard, SCRAPE_SECONDS, T - startedAt);
      return dashboard.queries.flatMap((query) => {
        const check = PANEL_CHECKS[queryKey(query)];
        return check?.kind === 'count' ? [{ query, check, expr: interpolate(query.expr, ctx) }] : [];
      });
    });
    for (const { query, check, expr } of countQueries) {
      const series = await stack.prometheus.range(expr, Math.floor(stoppedAt) - 5, T, 1);
      const selected = selectEvents(events, { kind: check.event, queueIds: truthContext(query, T, W, events).queueIds, mediaType: SELECTED_MEDIA });
      for (const s of series) {
        const le = s.metric.le;
        const scoped = check.byLe === true && le !== undefined && le !== '+Inf' ? selected.filter((e) => (e.waitMs ?? Infinity) < Number(le) * 1000) : selected;
        for (const [t, v] of s.values) {
          const counted = Number(v) * (check.per === 'second' ? W : 1);
          const { high } = countBounds(scoped, t, W);
          if (counted > high + 1e-9)
            problems.push(
              `${queryKey(query)} ${JSON.stringify(s.metric)} at ${t}: ${counted.toFixed(2)} in ${W} s, more than the ${high.toFixed(2)} the events allow`,
            );
        }
      }
    }
    assert.deepEqual(problems, [], 'no rate or increase panel spikes across the restart');
    const counterAlerts = (await stack.prometheus.alerts()).filter((a) =>
      ['GenesysApiRateLimited', 'GenesysApiErrors', 'GenesysAuthenticationFailing'].includes(a.labels.alertname ?? ''),
    );
    assert.deepEqual(
      counterAlerts.map((a) => `${a.labels.alertname} ${a.state}`),
      [],
      'no counter-based alert is pending or firing after the restart',
    );
  });

  test('stopping the exporter fires GenesysExporterDown, pages it, Alertmanager inhibits the queue alerts, and no queue is falsely resolved', async (t) => {
    const stoppedMs = Date.now();
    await stack.exporter.stop();
    try {
      const down = await waitForPage('GenesysExporterDown');
      assert.equal(down.payload?.severity, 'critical');
      const pagedAt = Date.now();
      // Queue alerts built on windows (p95 wait over 5 minutes) still evaluate on the data from before the
      // outage and keep firing: Alertmanager must hold every active one inhibited by the exporter-down alert.
      const inhibited = await waitFor(
        'queue alerts inhibited by GenesysExporterDown',
        async () => {
          const alerts = await alertmanagerAlerts(stack.urls.alertmanager);
          const source = alerts.find((a) => a.labels.alertname === 'GenesysExporterDown' && a.status.state === 'active');
          const queueAlerts = alerts.filter((a) => a.labels.queue_name !== undefined && a.status.state !== 'unprocessed');
          if (source === undefined || queueAlerts.length === 0) return undefined;
          return queueAlerts.every((a) => a.status.state === 'suppressed' && a.status.inhibitedBy.includes(source.fingerprint)) ? queueAlerts : undefined;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 500,
        },
      );
      const firingInPrometheus = (await stack.prometheus.alerts()).filter((a) => a.state === 'firing' && a.labels.queue_name !== undefined);
      assert.ok(firingInPrometheus.length > 0, 'some queue alert is still firing in Prometheus while the exporter is down');
      assert.ok(inhibited.length > 0);
      // And nothing about a queue is paged or posted while it lasts (three group intervals: Alertmanager sends a
      // group's change within one).
      await sleep(3 * GROUP_INTERVAL_MS);
      const aboutAQueue = (text: string): boolean => simQueues.some((q) => text.includes(q.name));
      const queueNotifications = stack.sink.notifications.filter(
        (n) =>
          n.receivedAt.getTime() > pagedAt &&
          (n.kind === 'pagerduty'
            ? n.event.event_action === 'trigger' && aboutAQueue(n.event.payload?.summary ?? '')
            : (n.message.attachments ?? []).some((a) => String(a.title ?? '').startsWith('[FIRING') && aboutAQueue(JSON.stringify(a)))),
      );
      assert.deepEqual(
        queueNotifications.map((n) => (n.kind === 'pagerduty' ? n.event.payload?.summary : n.message.attachments?.[0]?.title)),
        [],
      );
      // No false "resolved" for the queues when their series vanished with the exporter: queue alerts keep
      // firing (keep_firing_for) until GenesysExporterDown inhibits them. A PagerDuty resolve names no queue,
      // so it is matched to the queue incidents by dedup_key (one per Alertmanager group).
      const queueIncidents = new Set(
        stack.sink.pagerDutyEvents.filter((e) => e.event_action === 'trigger' && aboutAQueue(e.payload?.summary ?? '')).map((e) => e.dedup_key),
      );
      const falseResolved = stack.sink.notifications.filter(
        (n) =>
          n.receivedAt.getTime() > stoppedMs &&
          (n.kind === 'pagerduty'
            ? n.event.event_action === 'resolve' && queueIncidents.has(n.event.dedup_key)
            : (n.message.attachments ?? []).some((a) => String(a.title ?? '').startsWith('[RESOLVED') && aboutAQueue(JSON.stringify(a)))),
      );
      assert.deepEqual(
        falseResolved.map((n) => (n.kind === 'pagerduty' ? `PagerDuty resolve ${n.event.dedup_key}` : n.message.attachments?.[0]?.title)),
        [],
        'no [RESOLVED] for a queue while the exporter is down',
      );
      t.diagnostic(`exporter stopped → GenesysExporterDown paged after ${((pagedAt - stoppedMs) / 1000).toFixed(1)} s`);
    } finally {
      await stack.exporter.start();
      await recordExporterRestart(stoppedMs);
    }
  });

  test('a quiet period shows true zeros for depth and never a false 0 % SLA', async () => {
    await fetch(`${stack.urls.simulator}/sim/scenarios`, { method: 'DELETE' });
    await stack.simulator.startScenario({ scenario: 'quiet' });
    // Wait until every queue has drained in the simulator and the exporter has seen it.
    await waitFor(
      'every queue to drain',
      async () => {
        // Nothing waiting, ringing or in conversation: a ringing contact would still be answered (and post its
        // wait), and a talk that ends can still post a transfer (counted when the talk ends).
        const truth = await stack.simulator.truthNow();
        const pending = truth.queues.reduce((n, q) => n + q.media.reduce((m, x) => m + x.waiting + x.alerting + x.interacting, 0), 0);
        if (pending > 0) return undefined;
        const depth = await stack.prometheus.vector('sum(genesys_queue_depth) + sum(genesys_queue_alerting)');
        return depth[0] !== undefined && sampleValue(depth[0]) === 0 ? true : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 1000 },
    );
    await sleep((RATE_WINDOW_SECONDS + 2) * 1000); // longer than $__rate_interval: no contact left a queue in the window
    const T = nowSeconds() - 1;
    await scrapedAfter(T);
    const events = await allEvents();
    const problems: string[] = [];
    for (const dashboard of dashboards) {
      const ctx = grafanaContext(dashboard, SCRAPE_SECONDS, T - startedAt);
      for (const query of dashboard.queries) {
        const check = PANEL_CHECKS[queryKey(query)];
        const samples = await stack.prometheus.vector(interpolate(query.expr, ctx), T);
        const key = `${queryKey(query)} (${query.panelTitle})`;
        if (check?.kind === 'gauge' && (query.refId === 'waiting' || query.refId === 'depth')) {
          // Depth: a true 0 for every queue in scope (they exist, nothing waits), never missing.
          const scope = truthContext(query, T, 4, events).queueIds;
          const zeros = samples.filter((s) => sampleValue(s) === 0).map((s) => queuesByName.get(s.metric.queue_name ?? '')?.id);
          for (const id of scope)
            if (!zeros.includes(id))
              problems.push(`${key}: queue ${id} is not a true 0 while quiet (${JSON.stringify(samples.map((s) => [s.metric.queue_name, s.value[1]]))})`);
        }
        if (check?.kind === 'compliance') {
          // SLA: the last true value of the 15-minute window (or no data), never a 0 % that did not happen.
          const scope = truthContext(query, T, 4, events);
          for (const s of samples) {
            const id = queuesByName.get(s.metric.queue_name ?? '')?.id;
            if (check.kind === 'compliance' && check.minusTarget !== true && id !== undefined) {
              problems.push(
                ...complianceProblems(
                  `${key} ${s.metric.queue_name} ${s.metric.media_type ?? ''}`,
                  sampleValue(s),
                  complianceCandidates(events, new Set([id]), mediaOf(scope, s), countedSpans, T),
                ),
              );
            }
            // A queue and media type that never had a contact (a chat-only queue's voice) has no value, not 0 %.
            const queue = queuesByName.get(s.metric.queue_name ?? '');
            const media = s.metric.media_type;
            if (queue !== undefined && media !== undefined && !queue.media.includes(media as MediaType))
              problems.push(`${key}: ${s.metric.queue_name} had no ${media} contact but shows ${s.value[1]}`);
          }
        }
        if (check?.kind === 'quantile') {
          // No contact left a queue in the window: no data, not 0 s.
          for (const s of samples) problems.push(`${key}: ${s.metric.queue_name} shows ${s.value[1]} s with no contact in the window`);
        }
        if (check?.kind === 'count' && check.per === 'second') {
          // Nothing arrives and nothing is left to answer: rate() of an idle counter is a true 0.
          for (const s of samples) if (sampleValue(s) !== 0) problems.push(`${key}: ${s.value[1]} per second while quiet`);
          if (samples.length === 0) problems.push(`${key}: no data while quiet (expected a true 0)`);
        }
      }
      // Values panels calculate with transformations (the overview's SLA stat), as Grafana shows them: the
      // last true value of the window, never a 0 % that did not happen.
      for (const panel of dashboard.panels.filter((p) => (p.model.transformations ?? []).length > 0)) {
        const results = [];
        for (const query of panel.queries) results.push({ target: query, samples: await stack.prometheus.vector(interpolate(query.expr, ctx), T) });
        const rendered = await renderPanel(panel.model, framesFromPrometheus(results), `${dashboard.uid}/${panel.id} (${panel.title})`);
        problems.push(...rendered.problems);
        for (const value of rendered.values.filter((v) => v.refId === undefined)) {
          const check = PANEL_CHECKS[`${dashboard.uid}/${panel.id}/${value.name}`];
          if (check?.kind !== 'compliance' || check.allQueues !== true) continue;
          const scope = truthContext(panel.queries[0]!, T, 4, events).queueIds;
          problems.push(
            ...complianceProblems(
              `${dashboard.uid}/${panel.id} ${value.name} (shown as ${value.text})`,
              value.numeric,
              complianceCandidates(events, scope, SELECTED_MEDIA, countedSpans, T),
            ),
          );
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
