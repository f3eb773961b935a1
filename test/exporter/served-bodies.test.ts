// The bodies the serving thread holds (exporter/serving/served-bodies.ts) are the exposition's bodies, byte
// for byte, after they crossed a real MessageChannel (structured clone, transferred ArrayBuffers) as
// deltas; and a held body past its staleness limit is not served.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import type { BodyEncoding } from '../../exporter/exposition/exposition.ts';
import { createExporterRegistry, type ExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';
import { startBodyFeed } from '../../exporter/serving/body-feed.ts';
import type { CollectorMessage } from '../../exporter/serving/protocol.ts';
import { ServedBodies } from '../../exporter/serving/served-bodies.ts';
import { waitFor } from '../../stack/wait-for.ts';

const QUEUES = 2_000;
const HOUR_MS = 3_600_000;

function publish(registry: ExporterRegistry, depthOf: (queue: number) => number, staleAfterMs = HOUR_MS): void {
  const snapshot = new SnapshotBuilder();
  for (let i = 0; i < QUEUES; i++) {
    for (const media of ['voice', 'chat']) {
      snapshot.add('genesys_queue_depth', { labels: { queue_id: `q${i}`, queue_name: `Queue ${i}`, media_type: media }, value: depthOf(i) });
    }
  }
  registry.store.publish('observations', snapshot.build(), staleAfterMs);
}

/** The feed on one end of a real MessageChannel, ServedBodies on the other; counts what crossed. */
function channel(registry: ExporterRegistry, now?: () => number) {
  const { port1, port2 } = new MessageChannel();
  const received: CollectorMessage[] = [];
  const feed = startBodyFeed({
    exposition: registry.exposition,
    readiness: () => ({ ready: true }),
    post: (message, transfer = []) => port1.postMessage(message, [...transfer]),
    instrumentsIntervalMs: 50,
  });
  const bodies = new ServedBodies((encoding) => feed.want(encoding), { now, waitMs: 300 });
  port2.on('message', (message: CollectorMessage) => {
    received.push(message);
    bodies.receive(message);
  });
  return {
    bodies,
    received,
    close: () => {
      feed.close();
      port1.close();
      port2.close();
      registry.exposition.close();
    },
  };
}

const bytesOf = async (
  source: { scrape(encoding: BodyEncoding): Promise<{ chunks: readonly Buffer[]; bytes: number }> },
  encoding: BodyEncoding,
): Promise<Buffer> => {
  const body = await source.scrape(encoding);
  const bytes = Buffer.concat(body.chunks);
  assert.equal(bytes.length, body.bytes);
  return bytes;
};

describe('served bodies', () => {
  test('every render arrives byte-identical in both encodings, and a change of one queue sends a small part of the body', async () => {
    const registry = createExporterRegistry({ processMetrics: false });
    const { bodies, received, close } = channel(registry);
    try {
      publish(registry, () => 1);
      for (let round = 2; round <= 6; round++) {
        for (const encoding of ['identity', 'gzip'] as const) {
          const expected = await bytesOf(registry.exposition, encoding);
          await waitFor(`the ${encoding} body of round ${round}`, async () => (await bytesOf(bodies, encoding)).equals(expected) || undefined, {
            timeoutMs: 30_000,
          });
        }
        const served = await bytesOf(bodies, 'gzip');
        assert.equal(gunzipSync(served).toString('utf8'), (await bytesOf(bodies, 'identity')).toString('utf8'));
        // One queue changes: the next body crosses as a delta.
        const before = received.length;
        publish(registry, (queue) => (queue === round * 7 ? round : 1));
        await registry.exposition.refresh();
        const body = await waitFor('the next body', () => received.slice(before).find((message) => message.type === 'body'), { timeoutMs: 30_000 });
        assert.equal(body.type, 'body');
        const sentBytes = Object.values(body.snapshot).reduce((sum, delta) => sum + delta.added.reduce((s, chunk) => s + chunk.bytes.byteLength, 0), 0);
        const identityBytes = (await bytesOf(registry.exposition, 'identity')).length;
        assert.ok(sentBytes < identityBytes / 5, `a change of one queue sent ${sentBytes} bytes of a ${identityBytes}-byte body`);
      }
    } finally {
      close();
    }
  });

  test('a held body whose data went stale is not served: the scrape waits for a newer one, then fails', async () => {
    const registry = createExporterRegistry({ processMetrics: false });
    let skewMs = 0;
    const { bodies, close } = channel(registry, () => Date.now() + skewMs);
    try {
      publish(registry, () => 3, 60_000);
      assert.match((await bytesOf(bodies, 'identity')).toString('utf8'), /^genesys_queue_depth\{.*\} 3$/m);
      skewMs = 120_000; // the serving thread's clock is past the snapshot's staleness limit; no newer body comes
      await assert.rejects(bodies.scrape('identity'), /no current \/metrics body/);
    } finally {
      close();
    }
  });
});
