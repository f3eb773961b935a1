// The webhook sink speaks the protocols Alertmanager's PagerDuty and Slack notifiers speak: a real
// Alertmanager 0.25, configured by hand here (independent of the generator), delivers to it, and the
// sink refuses what PagerDuty and Slack would refuse.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager, type RunningAlertmanager } from '../../stack/alertmanager.ts';
import { freePort } from '../../stack/ports.ts';
import { processRegistry } from '../../stack/processes.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { pagerDutyProblems, slackProblem, startWebhookSink, type WebhookSink } from '../../stack/webhook-sink.ts';

describe('webhook sink behind a real Alertmanager', () => {
  let dir: string;
  let sink: WebhookSink;
  let alertmanager: RunningAlertmanager;
  const routingKey = 'routing-key-from-a-file-0123456789';

  before(async () => {
    processRegistry.exitOnSignals();
    dir = mkdtempSync(join(tmpdir(), 'sink-test-'));
    sink = await startWebhookSink();
    writeFileSync(join(dir, 'pagerduty-key'), `${routingKey}\n`);
    writeFileSync(join(dir, 'slack-url'), `${sink.slackUrl('T000/B000/secret')}\n`);
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: slack',
        '  group_by: [alertname, queue_name]',
        '  group_wait: 0s',
        '  routes:',
        '    - matchers: [\'severity="critical"\']',
        '      receiver: pagerduty',
        'receivers:',
        '  - name: pagerduty',
        '    pagerduty_configs:',
        `      - routing_key_file: ${join(dir, 'pagerduty-key')}`,
        `        url: ${sink.pagerDutyUrl}`,
        '  - name: slack',
        '    slack_configs:',
        `      - api_url_file: ${join(dir, 'slack-url')}`,
        "        channel: '#contact-center'",
        '',
      ].join('\n'),
    );
    alertmanager = await startAlertmanager({ workDir: dir, port: await freePort(), configFile: join(dir, 'alertmanager.yml') });
  });

  after(async () => {
    await alertmanager?.process.stop();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function postAlert(labels: Record<string, string>): Promise<void> {
    const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels, annotations: { summary: `test ${labels.alertname}` } }]),
    });
    assert.equal(response.status, 200, await response.text());
  }

  test('a critical alert arrives as a PagerDuty Events v2 trigger with the key read from the file', async () => {
    await postAlert({ alertname: 'SinkTestCritical', severity: 'critical', queue_name: 'Sales' });
    const event = await waitFor('a PagerDuty event', async () => sink.pagerDutyEvents.find((e) => e.payload?.summary.includes('SinkTestCritical')), {
      timeoutMs: 30_000,
    });
    assert.equal(event.routing_key, routingKey);
    assert.equal(event.event_action, 'trigger');
    assert.match(event.payload?.summary ?? '', /Sales/);
    assert.deepEqual(sink.rejected, []);
  });

  test('a warning arrives as a Slack message on the webhook path read from the file', async () => {
    await postAlert({ alertname: 'SinkTestWarning', severity: 'warning', queue_name: 'Support' });
    const notification = await waitFor(
      'a Slack message',
      async () => sink.notifications.find((n) => n.kind === 'slack' && JSON.stringify(n.message).includes('SinkTestWarning')),
      { timeoutMs: 30_000 },
    );
    assert.equal(notification.path, '/slack/T000%2FB000%2Fsecret');
    assert.equal(notification.kind === 'slack' ? notification.message.channel : undefined, '#contact-center');
    assert.deepEqual(sink.rejected, []);
  });
});

describe('request shapes the real services refuse', () => {
  test('PagerDuty: missing routing key, bad action, trigger without payload fields', () => {
    assert.deepEqual(pagerDutyProblems({ event_action: 'trigger', payload: { summary: 's', source: 'x', severity: 'critical' } }), [
      "'routing_key' is missing or empty",
    ]);
    assert.deepEqual(pagerDutyProblems({ routing_key: 'k', event_action: 'fire' }), [
      "'event_action' must be trigger, acknowledge or resolve",
      "'dedup_key' is required for fire events",
    ]);
    assert.deepEqual(pagerDutyProblems({ routing_key: 'k', event_action: 'trigger', payload: { summary: 's', source: 'x', severity: 'page' } }), [
      "'payload.severity' must be critical, error, warning or info",
    ]);
    assert.deepEqual(pagerDutyProblems({ routing_key: 'k', event_action: 'resolve' }), ["'dedup_key' is required for resolve events"]);
  });

  test('Slack: a message needs text or attachments', () => {
    assert.equal(slackProblem({ channel: '#x' }), 'no_text');
    assert.equal(slackProblem('nope'), 'invalid_payload');
    assert.equal(slackProblem({ attachments: [{ title: 't' }] }), undefined);
  });

  test('the HTTP answers match the services: 400 with the reasons, 202 for a valid event', async () => {
    const sink = await startWebhookSink();
    try {
      const bad = await fetch(sink.pagerDutyUrl, { method: 'POST', body: '{"event_action":"trigger"}' });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { status: string }).status, 'invalid event');
      const good = await fetch(sink.pagerDutyUrl, { method: 'POST', body: JSON.stringify({ routing_key: 'k', event_action: 'resolve', dedup_key: 'd' }) });
      assert.equal(good.status, 202);
      assert.equal(sink.pagerDutyEvents.length, 1);
      assert.equal(sink.rejected.length, 1);
    } finally {
      await sink.close();
    }
  });
});
