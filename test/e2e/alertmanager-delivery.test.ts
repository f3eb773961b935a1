// What on-call receives, through a real Alertmanager running the generated alertmanager.yml (only the
// receivers' endpoints, secrets, timings and opening hours come in through the config override, as in the
// stack): alerts are posted to its v2 API as Prometheus would send them, and the local PagerDuty/Slack sink
// counts the notifications. amtool can test routing, but only a running Alertmanager applies grouping,
// inhibition and time intervals.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertmanagerSource, defaultAlertsConfig, parseAlertsConfigOverride } from '../../alerts/index.ts';
import { renderAlertmanagerConfig } from '../../generator/render-alertmanager.ts';
import { startAlertmanager, type RunningAlertmanager } from '../../stack/alertmanager.ts';
import { freePort } from '../../stack/ports.ts';
import { startWebhookSink, type Notification, type WebhookSink } from '../../stack/webhook-sink.ts';
import { waitFor } from '../../stack/wait-for.ts';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Opening hours that exclude now (a weekday three days away, in UTC) or that are always open. */
function openingHours(open: boolean): { weekdays: string; times: string; location: string } {
  if (open) return { weekdays: 'sunday:saturday', times: '00:00-24:00', location: 'UTC' };
  return { weekdays: WEEKDAYS[(new Date().getUTCDay() + 3) % 7] ?? 'monday', times: '00:00-24:00', location: 'UTC' };
}

interface Delivery {
  readonly alertmanager: RunningAlertmanager;
  readonly sink: WebhookSink;
  dispose(): Promise<void>;
}

/** A real Alertmanager with the generated config (fast timings) delivering to a fresh sink. */
async function startDelivery(open: boolean): Promise<Delivery> {
  const workDir = await mkdtemp(join(tmpdir(), 'alertmanager-delivery-'));
  const sink = await startWebhookSink();
  const secrets = join(workDir, 'secrets');
  await mkdir(secrets, { mode: 0o700 });
  const routingKeyFile = join(secrets, 'pagerduty-routing-key');
  const apiUrlFile = join(secrets, 'slack-api-url');
  await writeFile(routingKeyFile, 'delivery-test-routing-key\n', { mode: 0o600 });
  await writeFile(apiUrlFile, `${sink.slackUrl('T0/B0/delivery')}\n`, { mode: 0o600 });
  const config = parseAlertsConfigOverride(
    {
      alertmanager: {
        groupWait: '1s',
        groupInterval: '2s',
        repeatInterval: '1h',
        pagerduty: { routingKeyFile, url: sink.pagerDutyUrl },
        slack: { apiUrlFile },
        openingHours: openingHours(open),
      },
    },
    defaultAlertsConfig,
  );
  const source = alertmanagerSource(config);
  const configFile = join(workDir, 'alertmanager.yml');
  await writeFile(configFile, renderAlertmanagerConfig(source.module, source.config));
  try {
    const alertmanager = await startAlertmanager({ workDir, port: await freePort(), configFile });
    return {
      alertmanager,
      sink,
      dispose: async () => {
        await alertmanager.process.stop();
        await sink.close();
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sink.close();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

const queue = (name: string, id: string) => ({ cluster: 'test', job: 'genesys-cloud-exporter', queue_id: id, queue_name: name });
const exporter = { cluster: 'test', job: 'genesys-cloud-exporter', instance: 'exporter:9464' };

function alert(alertname: string, severity: 'critical' | 'warning', labels: Record<string, string>) {
  return { labels: { alertname, severity, ...labels }, annotations: { summary: `${alertname} summary`, description: `${alertname} description` } };
}

async function post(alertmanager: RunningAlertmanager, alerts: readonly ReturnType<typeof alert>[]): Promise<void> {
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts.map((a) => ({ ...a, startsAt: new Date().toISOString() }))),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The notification's headline: PagerDuty's summary or the Slack attachment's title. */
function headline(notification: Notification): string {
  if (notification.kind === 'pagerduty') return notification.event.payload?.summary ?? '';
  return notification.message.attachments?.[0]?.title ?? notification.message.text ?? '';
}

const mentions = (names: readonly string[]) => (n: Notification) => names.some((name) => headline(n).includes(name));

/** Waits for the alerts' own notifications, then lets two more group intervals pass for any extra one. */
async function settle(sink: WebhookSink, expected: (n: Notification) => boolean, count: number): Promise<readonly Notification[]> {
  await waitFor(`${count} notifications`, () => sink.notifications.filter(expected).length >= count || undefined, { timeoutMs: 30_000, intervalMs: 100 });
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  return sink.notifications;
}

describe('the generated alertmanager.yml under a real Alertmanager', () => {
  let closed: Delivery;
  let open: Delivery;

  before(async () => {
    // Both start at once; if one fails, the other is stopped here (after() never sees it), so no Alertmanager outlives the test.
    const started = await Promise.allSettled([startDelivery(false), startDelivery(true)]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.dispose() : undefined)));
      throw failed.reason;
    }
    [closed, open] = started.map((result) => (result as PromiseFulfilledResult<Delivery>).value) as [Delivery, Delivery];
  });
  after(async () => {
    await Promise.all([closed?.dispose(), open?.dispose()]);
  });

  test('one incident on one queue (a critical and three warnings over two media types) → one page and one Slack post naming the critical', async () => {
    const support = queue('Support', 'q-support');
    const incident = [
      alert('QueueDepthCritical', 'critical', support),
      alert('WaitTimeDegradation', 'warning', { ...support, media_type: 'voice' }),
      alert('QueueNoAvailableAgents', 'warning', { ...support, media_type: 'voice' }),
      alert('QueueSlaBelowTarget', 'warning', { ...support, media_type: 'chat' }),
    ];
    await post(open.alertmanager, incident);
    const all = await settle(open.sink, mentions(['Support']), 2);
    const about = all.filter(mentions(['Support']));
    assert.deepEqual(
      about.map((n) => n.kind).sort(),
      ['pagerduty', 'slack'],
      `one PagerDuty page and the team's Slack channel, nothing else: ${about.map((n) => `${n.kind}: ${headline(n)}`).join(' | ')}`,
    );
    for (const n of about) assert.match(headline(n), /Queue Support: QueueDepthCritical/);
    // The queue-wide critical inhibits the queue's warnings of every media type.
    for (const n of about) assert.doesNotMatch(headline(n), /WaitTimeDegradation|QueueNoAvailableAgents|QueueSlaBelowTarget/);
    assert.deepEqual(open.sink.rejected, []);
  });

  test('all warnings of one queue and media type arrive as one notification listing every alert name', async () => {
    const billing = queue('Billing', 'q-billing');
    await post(open.alertmanager, [
      alert('WaitTimeDegradation', 'warning', { ...billing, media_type: 'voice' }),
      alert('QueueNoAvailableAgents', 'warning', { ...billing, media_type: 'voice' }),
      alert('QueueSlaBelowTarget', 'warning', { ...billing, media_type: 'email' }),
    ]);
    const about = (await settle(open.sink, mentions(['Billing']), 1)).filter(mentions(['Billing']));
    assert.equal(about.length, 1, about.map(headline).join(' | '));
    const [only] = about;
    assert.ok(only);
    for (const name of ['WaitTimeDegradation (voice)', 'QueueNoAvailableAgents (voice)', 'QueueSlaBelowTarget (email)'])
      assert.ok(headline(only).includes(name), `${name} in ${headline(only)}`);
  });

  test('a media-specific critical inhibits warnings of that media type only', async () => {
    const sales = queue('Sales', 'q-sales');
    await post(open.alertmanager, [
      alert('SalesVoiceCritical', 'critical', { ...sales, media_type: 'voice' }),
      alert('WaitTimeDegradation', 'warning', { ...sales, media_type: 'voice' }),
      alert('QueueNoAvailableAgents', 'warning', { ...sales, media_type: 'email' }),
    ]);
    const about = (await settle(open.sink, mentions(['Sales']), 3)).filter(mentions(['Sales']));
    const warnings = about.filter((n) => n.kind === 'slack' && !headline(n).includes('SalesVoiceCritical'));
    assert.equal(warnings.length, 1, about.map(headline).join(' | '));
    assert.match(headline(warnings[0] as Notification), /QueueNoAvailableAgents \(email\)/);
    assert.doesNotMatch(headline(warnings[0] as Notification), /WaitTimeDegradation/);
  });

  test('outside opening hours a queue warning is muted while a critical and the exporter’s own alerts are delivered', async () => {
    const late = [
      alert('WaitTimeDegradation', 'warning', { ...queue('Night', 'q-night'), media_type: 'email' }),
      alert('QueueDepthCritical', 'critical', queue('Overflow', 'q-overflow')),
      alert('GenesysApiRateLimited', 'warning', { ...exporter, endpoint: 'analytics' }),
    ];
    // The same alerts to both: the open Alertmanager shows the warning is deliverable, so its absence
    // from the closed one is the opening hours' doing.
    await Promise.all([post(closed.alertmanager, late), post(open.alertmanager, late)]);
    const closedAll = await settle(closed.sink, mentions(['Overflow', 'GenesysApiRateLimited']), 3);
    await settle(open.sink, mentions(['Night']), 1);
    assert.equal(closedAll.filter(mentions(['Night'])).length, 0, closedAll.map(headline).join(' | '));
    assert.deepEqual(
      closedAll
        .filter(mentions(['Overflow']))
        .map((n) => n.kind)
        .sort(),
      ['pagerduty', 'slack'],
    );
    assert.equal(closedAll.filter(mentions(['GenesysApiRateLimited'])).length, 1);
  });
});
