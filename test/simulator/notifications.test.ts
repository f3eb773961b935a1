// The simulator's notification service over real HTTP and a real WebSocket client (ws): channels,
// subscriptions and their refusals, the message envelope, observations that follow the model, heartbeats,
// the limits, and the four notification faults.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import type { SimulatorHandle } from '../../simulator/index.ts';
import type { ChannelTopic } from '../../simulator/notifications/service.ts';
import { assertErrorBody, call, login, startManual } from './support/helpers.ts';

const CHANNELS = '/api/v2/notifications/channels';
const topicOf = (queueId: string): string => `v2.analytics.queues.${queueId}.observations`;

interface MetricStats {
  readonly metric: string;
  readonly qualifier?: string;
  readonly stats: { readonly count: number };
}

/** An observations eventBody as the simulator sends it (heartbeats and the closing warning leave group out). */
interface ObservationBody {
  readonly group: { readonly queueId: string; readonly mediaType?: string };
  readonly data: readonly { readonly interval: string; readonly metrics: readonly MetricStats[] }[];
  /** Heartbeat, pong and closing-warning bodies carry only this. */
  readonly message?: string;
}

interface Message {
  readonly topicName: string;
  readonly version?: string;
  readonly eventBody: ObservationBody;
  readonly metadata?: { CorrelationId: string };
}

/** A connected socket that records every message and its close. */
class Client {
  readonly messages: Message[] = [];
  closed: { code: number } | undefined;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as Message);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = { code };
      this.wake();
    });
  }

  static open(uri: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(uri);
      const client = new Client(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Resolves once `predicate` holds (checked on every message and close); fails after 5 s. */
  async until<T>(what: string, predicate: () => T | undefined | false): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const value = predicate();
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

describe('simulator: notification service', () => {
  let sim: SimulatorHandle;
  let headers: Record<string, string>;
  const clients: Client[] = [];
  before(async () => {
    sim = await startManual({ notificationHeartbeatSeconds: 0.3 });
    headers = { Authorization: `Bearer ${await login(sim)}`, 'Content-Type': 'application/json' };
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await sim.close();
  });

  const createChannel = async () => {
    const reply = await call(`${sim.url}${CHANNELS}`, { method: 'POST', headers });
    assert.equal(reply.status, 200, reply.text);
    return reply.json as { id: string; connectUri: string; expires: string };
  };
  const subscribe = (channelId: string, method: 'PUT' | 'POST' | 'GET', topics?: string[]) =>
    call(`${sim.url}${CHANNELS}/${channelId}/subscriptions`, {
      method,
      headers,
      ...(topics === undefined ? {} : { body: JSON.stringify(topics.map((id) => ({ id }))) }),
    });
  const connect = async (uri: string) => {
    const client = await Client.open(uri);
    clients.push(client);
    return client;
  };
  const inject = (body: unknown) => call(`${sim.url}/sim/faults`, { method: 'POST', body: JSON.stringify(body) });

  test('a channel: id, a ws:// connectUri on the simulator host, expires in 24 h; needs a token', async () => {
    const channel = await createChannel();
    assert.equal(channel.connectUri, `${sim.url.replace('http', 'ws')}/channels/${channel.id}`);
    assert.equal(Date.parse(channel.expires) - sim.now().getTime(), 24 * 3_600_000);
    assertErrorBody(await call(`${sim.url}${CHANNELS}`, { method: 'POST' }), 401, 'bad.credentials');
    assertErrorBody(await call(`${sim.url}${CHANNELS}/${channel.id}/subscriptions`, { method: 'DELETE', headers }), 405, 'method.not.allowed');
  });

  test('subscriptions: PUT replaces, POST adds, GET lists; unknown queues and other topics are rejected with a reason', async () => {
    const [q1, q2, q3] = sim.queues();
    const channel = await createChannel();
    const put = await subscribe(channel.id, 'PUT', [topicOf(q1!.id), topicOf('no-such-queue'), 'v2.users.x.presence']);
    assert.equal(put.status, 200, put.text);
    const byId = new Map((put.json.entities as ChannelTopic[]).map((t) => [t.id, t]));
    assert.equal(byId.get(topicOf(q1!.id))?.state, 'Permitted');
    assert.equal(byId.get(topicOf('no-such-queue'))?.state, 'Rejected');
    assert.match(byId.get(topicOf('no-such-queue'))?.rejectionReason ?? '', /no-such-queue was not found/);
    assert.equal(byId.get('v2.users.x.presence')?.state, 'Rejected');
    await subscribe(channel.id, 'POST', [topicOf(q2!.id)]);
    const listed = await subscribe(channel.id, 'GET');
    assert.deepEqual(
      (listed.json.entities as ChannelTopic[])
        .filter((t) => t.state === 'Permitted')
        .map((t) => t.id)
        .sort(),
      [topicOf(q1!.id), topicOf(q2!.id)].sort(),
    );
    await subscribe(channel.id, 'PUT', [topicOf(q3!.id)]);
    assert.deepEqual(
      ((await subscribe(channel.id, 'GET')).json.entities as ChannelTopic[]).map((t) => t.id),
      [topicOf(q3!.id)],
    );
    const notAList = await call(`${sim.url}${CHANNELS}/${channel.id}/subscriptions`, { method: 'PUT', headers, body: JSON.stringify({ id: topicOf(q1!.id) }) });
    assertErrorBody(notAList, 400, 'bad.request');
    assertErrorBody(await subscribe('no-such-channel', 'GET'), 404, 'not.found');
  });

  test('the socket: observations of subscribed queues in the real envelope, on change only, with what changed', async () => {
    const queue = sim.queues()[0]!;
    const channel = await createChannel();
    await subscribe(channel.id, 'PUT', [topicOf(queue.id)]);
    const client = await connect(channel.connectUri);
    // Nothing on connecting or subscribing (Genesys sends a topic only when it changes): heartbeats only.
    await client.until('two heartbeats', () => client.messages.filter((m) => m.topicName === 'channel.metadata').length >= 2);
    assert.deepEqual(
      client.messages.filter((m) => m.topicName !== 'channel.metadata'),
      [],
      'no observation while the org stands still',
    );

    // A surge: a message for the queue's media group with the metrics that changed, equal to the model.
    const media = sim.truthNow().queues.find((q) => q.queueId === queue.id)!.media[0]!;
    sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 50 });
    sim.advanceBy(10 * 60_000);
    const truth = sim.truthNow().queues.find((q) => q.queueId === queue.id)!;
    const now = truth.media.find((m) => m.mediaType === media.mediaType)!;
    assert.notEqual(now.waiting, media.waiting, 'the surge changed the queue');
    const message = await client.until('a message with the new waiting count', () =>
      client.messages.find((m) => m.topicName === topicOf(queue.id) && m.eventBody.group.mediaType === media.mediaType),
    );
    assert.equal(message.version, '2');
    assert.equal(typeof message.metadata?.CorrelationId, 'string');
    assert.deepEqual(message.eventBody.group, { queueId: queue.id, mediaType: media.mediaType });
    assert.equal(message.eventBody.data.length, 1);
    assert.match(message.eventBody.data[0]!.interval, /^(\d{4}-[^/]+Z)\/\1$/, 'an instant interval');
    const sent = new Map(message.eventBody.data[0]!.metrics.map((m) => [m.metric, m.stats.count]));
    assert.equal(sent.get('oWaiting'), now.waiting);
    const expected = { oWaiting: now.waiting, oInteracting: now.interacting, oAlerting: now.alerting };
    const before = { oWaiting: media.waiting, oInteracting: media.interacting, oAlerting: media.alerting };
    for (const [metric, value] of Object.entries(expected)) {
      if (sent.has(metric)) assert.equal(sent.get(metric), value, metric);
      else assert.equal(before[metric as keyof typeof before], value, `${metric} is left out only when it did not change`);
    }
    sim.endScenarios();

    // Every member logs off: the members group (no mediaType) carries the user counts that changed.
    sim.startScenario({ scenario: 'agents-logoff', queueId: queue.id, fraction: 1 });
    sim.advanceBy(10 * 60_000); // each one after finishing the contact in hand
    const offQueue = sim.truthNow().queues.find((q) => q.queueId === queue.id)!.offQueue;
    assert.notEqual(offQueue, truth.offQueue, 'members went off queue');
    const users = await client.until('the members group', () =>
      client.messages.find(
        (m) =>
          m.topicName === topicOf(queue.id) &&
          m.eventBody.group.mediaType === undefined &&
          m.eventBody.data[0]?.metrics.some((x) => x.metric === 'oOffQueueUsers' && x.stats.count === offQueue),
      ),
    );
    assert.deepEqual(users.eventBody.group, { queueId: queue.id });
    sim.endScenarios();
    // Heartbeats on channel.metadata (every 0.3 s here), and pong for a ping.
    assert.ok(client.messages.some((m) => m.topicName === 'channel.metadata' && m.eventBody.message === 'WebSocket Heartbeat'));
    client.ws.send(JSON.stringify({ message: 'ping' }));
    await client.until('a pong', () => client.messages.some((m) => m.topicName === 'channel.metadata' && m.eventBody.message === 'pong'));
  });

  test('a change within a second of its group’s last message is held, then sent by a later tick while the org stands still', async () => {
    const queue = sim.queues()[2]!;
    const channel = await createChannel();
    await subscribe(channel.id, 'PUT', [topicOf(queue.id)]);
    const client = await connect(channel.connectUri);
    const mediaType = sim.truthNow().queues.find((q) => q.queueId === queue.id)!.media[0]!.mediaType;
    const waitingNow = () =>
      sim
        .truthNow()
        .queues.find((q) => q.queueId === queue.id)!
        .media.find((m) => m.mediaType === mediaType)!.waiting;
    const messagesWith = (waiting: number) =>
      client.messages.filter(
        (m) =>
          m.topicName === topicOf(queue.id) &&
          m.eventBody.group.mediaType === mediaType &&
          m.eventBody.data[0]?.metrics.some((x) => x.metric === 'oWaiting' && x.stats.count === waiting),
      );
    sim.startScenario({ scenario: 'agents-logoff', queueId: queue.id, fraction: 1 });
    sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 100, mediaType });
    sim.advanceBy(60_000);
    const first = waitingNow();
    await client.until('the first change', () => messagesWith(first).length > 0);
    const firstAt = Date.now();
    // More arrive at once: the group was sent less than a second ago, so this change is held back.
    sim.advanceBy(30_000);
    const second = waitingNow();
    assert.notEqual(second, first, 'the queue changed again');
    // The clock stands still from here on: only the held topic can bring the new count.
    await client.until('the held change', () => messagesWith(second).length > 0);
    assert.ok(Date.now() - firstAt >= 700, `sent after the spacing (${Date.now() - firstAt} ms after the first)`);
    sim.endScenarios();
  });

  test('one connection per channel: a second one replaces the first; an unknown channel is refused', async () => {
    const channel = await createChannel();
    const first = await connect(channel.connectUri);
    await connect(channel.connectUri);
    await first.until('the first socket closed', () => first.closed);
    assert.equal(first.closed!.code, 4000);
    await assert.rejects(Client.open(`${sim.url.replace('http', 'ws')}/channels/no-such-channel`), /404/);
  });

  test('faults: dropped socket, closing warning, expired channel, rejected topic', async () => {
    const queue = sim.queues()[1]!;
    const channel = await createChannel();
    await subscribe(channel.id, 'PUT', [topicOf(queue.id)]);
    const dropped = await connect(channel.connectUri);
    assert.equal((await inject({ fault: 'notification-socket-drop' })).status, 201);
    await dropped.until('the dropped socket', () => dropped.closed);
    assert.equal(dropped.closed!.code, 1006, 'cut without a close frame');

    const warned = await connect(channel.connectUri);
    await inject({ fault: 'notification-socket-closing', graceSeconds: 0.2 });
    await warned.until('the closing warning', () => warned.messages.some((m) => m.topicName === 'v2.system.socket_closing'));
    await warned.until('the close after the grace period', () => warned.closed);

    const expiring = await connect(channel.connectUri);
    await inject({ fault: 'notification-channel-expire' });
    await expiring.until('the close of the expired channel', () => expiring.closed);
    assertErrorBody(await subscribe(channel.id, 'GET'), 404, 'not.found');
    assert.deepEqual(sim.faults(), [], 'one-shot faults are not kept');

    const other = await createChannel();
    const fault = await inject({ fault: 'notification-topic-reject', queueId: queue.id });
    const refused = await subscribe(other.id, 'PUT', [topicOf(queue.id), topicOf(sim.queues()[2]!.id)]);
    const states = (refused.json.entities as ChannelTopic[]).map((t) => t.state);
    assert.deepEqual(states, ['Rejected', 'Permitted'], 'only the named queue is refused');
    assert.match(refused.json.entities[0].rejectionReason, /notification-topic-reject/);
    await call(`${sim.url}/sim/faults/${fault.json.id}`, { method: 'DELETE' });
    assert.equal(
      (await subscribe(other.id, 'POST', [topicOf(queue.id)])).json.entities.every((t: ChannelTopic) => t.state === 'Permitted'),
      true,
      'retried after the fault: permitted',
    );
    const malformedOn = await connect(other.connectUri);
    await inject({ fault: 'notification-malformed-message' });
    const odd = await malformedOn.until('the malformed message', () =>
      // The malformed message breaks the declared shape on purpose: its count is a string.
      malformedOn.messages.find((m) => String(m.eventBody?.data?.[0]?.metrics?.[0]?.stats?.count) === 'many'),
    );
    assert.equal(odd.topicName, topicOf(queue.id));
    malformedOn.ws.close();
    await malformedOn.until('closed', () => malformedOn.closed);
    const bad = await inject({ fault: 'notification-socket-closing', graceSeconds: -1 });
    assert.equal(bad.status, 400);
  });

  test('20 channels per client: the 21st removes the least recently used unconnected channel', async () => {
    const existing = (await call(`${sim.url}${CHANNELS}`, { headers })).json.entities as { id: string }[];
    const created = [];
    for (let i = existing.length; i < 20; i++) created.push(await createChannel());
    const connected = created.at(-1)!;
    await connect(connected.connectUri);
    const all = ((await call(`${sim.url}${CHANNELS}`, { headers })).json.entities as { id: string }[]).map((c) => c.id);
    assert.equal(all.length, 20);
    await createChannel();
    const after21 = ((await call(`${sim.url}${CHANNELS}`, { headers })).json.entities as { id: string }[]).map((c) => c.id);
    assert.equal(after21.length, 20);
    const removed = all.filter((id) => !after21.includes(id));
    assert.equal(removed.length, 1);
    assert.equal(removed[0], all[0], 'the oldest unused one');
    assert.ok(after21.includes(connected.id));
  });
});

describe('simulator: 1,000 topics per channel', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startManual({ orgSize: { queues: 1001, divisions: 1, arrivalsPerMinute: 0.001, agents: 1 }, warmupSeconds: 0 });
  });
  after(() => sim.close());

  test('topics past the limit are rejected with a reason; the first 1,000 are permitted', async () => {
    const headers = { Authorization: `Bearer ${await login(sim)}`, 'Content-Type': 'application/json' };
    const channel = (await call(`${sim.url}${CHANNELS}`, { method: 'POST', headers })).json;
    const topics = sim.queues().map((q) => ({ id: topicOf(q.id) }));
    assert.equal(topics.length, 1001);
    const reply = await call(`${sim.url}${CHANNELS}/${channel.id}/subscriptions`, { method: 'PUT', headers, body: JSON.stringify(topics) });
    const entities = reply.json.entities as ChannelTopic[];
    assert.equal(entities.filter((t) => t.state === 'Permitted').length, 1000);
    const rejected = entities.filter((t) => t.state === 'Rejected');
    assert.equal(rejected.length, 1);
    assert.match(rejected[0]?.rejectionReason ?? '', /maximum of 1000 topics/);
  });
});
