// The incremental /metrics render: after any sequence of changes its text is byte for byte what a render
// from nothing gives, while a small change renders only a small part again; the gzip body assembled from
// cached segments is one gzip member that decompresses (CRC and length checked) to the plain body, also
// for curl; concurrent scrapes get one body; health checks are answered while a scrape is being sent.
import { execFile } from 'node:child_process';
import { type IncomingMessage, request } from 'node:http';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { catalog } from '../../metrics/catalog.ts';
import { FragmentCache, renderSnapshots } from '../../exporter/exposition/render-snapshots.ts';
import { createLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder, type Snapshot } from '../../exporter/samples.ts';
import { startServer } from '../../exporter/server.ts';
import type { SnapshotStore } from '../../exporter/snapshot-store.ts';
import { NO_WEB_CONFIG } from '../../exporter/web-config.ts';

const BUCKETS = catalog.genesys_queue_wait_time_seconds.buckets.length;
const HOUR_MS = 3_600_000;
/** Many runs (the unit of re-rendering, a fixed size) per metric: a change of one queue re-renders some 5 % of the samples here; every sample without the cache. */
const QUEUES = 2000;

interface Queue {
  readonly id: string;
  readonly name: string;
  readonly media: readonly string[];
  /** Shifts every value of the queue: a change of this number is a change of the queue's data. */
  readonly level: number;
}

function queues(count: number): Queue[] {
  return Array.from({ length: count }, (_, i) => ({ id: `q${String(i).padStart(5, '0')}`, name: `Queue ${i}`, media: ['voice', 'chat'], level: 0 }));
}

/** Observations as the streaming collector publishes them: every object new, every time. */
function observations(list: readonly Queue[], without: ReadonlySet<string> = new Set()): Snapshot {
  const snapshot = new SnapshotBuilder();
  list.forEach((queue, i) => {
    for (const media of queue.media) {
      const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
      snapshot.add('genesys_queue_depth', { labels: { ...labels }, value: (i % 7) + queue.level });
      if (!without.has('genesys_queue_interacting')) snapshot.add('genesys_queue_interacting', { labels: { ...labels }, value: (i % 3) + queue.level });
      snapshot.add('genesys_queue_longest_wait_seconds', { labels: { ...labels }, value: queue.level === 0 ? Number.NaN : queue.level * 1.5 });
    }
  });
  return snapshot.build();
}

function aggregates(list: readonly Queue[]): Snapshot {
  const snapshot = new SnapshotBuilder();
  list.forEach((queue, i) => {
    for (const media of queue.media) {
      const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
      snapshot.add('genesys_queue_offer_total', { labels, value: i + queue.level });
      const counts = Array.from({ length: BUCKETS }, (_, b) => b + queue.level);
      snapshot.add('genesys_queue_wait_time_seconds', { labels, bucketCounts: counts, sum: 12.5 * (i + 1) + queue.level, count: BUCKETS + queue.level });
      snapshot.add('genesys_queue_handle_time_seconds', { labels, sum: 300 + i + queue.level, count: 3 + queue.level });
    }
  });
  return snapshot.build();
}

// Bodies are compared as bytes: the text format is UTF-8 and the renderer writes bytes, so two bodies are the same
// text exactly when their bytes are equal. Decoding multi-megabyte bodies to strings for every comparison was most
// of this file's CPU; a body is decoded only around its first difference, to say where it differs. Bodies in
// pieces are compared piece by piece, not concatenated first (copying them was the next largest share).

type Body = Buffer | readonly Buffer[];

async function fullRender(store: SnapshotStore): Promise<Buffer[]> {
  return plainOf(await renderSnapshots(store, new FragmentCache(), { sliceMs: 4, gzipLevel: undefined }));
}

function plainOf(rendered: { readonly pieces: readonly { readonly plain: Buffer }[] }): Buffer[] {
  return rendered.pieces.map((piece) => piece.plain);
}

function bytesOf(body: Body): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.concat(body);
}

/** Whether `actual` holds the bytes of `expected`: exactly, or (`prefix`) followed by any others. */
function holds(actual: Body, expected: Body, prefix: boolean): boolean {
  const a = Buffer.isBuffer(actual) ? [actual] : actual;
  const b = Buffer.isBuffer(expected) ? [expected] : expected;
  let ia = 0;
  let oa = 0;
  let ib = 0;
  let ob = 0;
  for (;;) {
    while (ia < a.length && oa === a[ia]!.length) [ia, oa] = [ia + 1, 0];
    while (ib < b.length && ob === b[ib]!.length) [ib, ob] = [ib + 1, 0];
    if (ib === b.length) return prefix || ia === a.length;
    if (ia === a.length) return false;
    const n = Math.min(a[ia]!.length - oa, b[ib]!.length - ob);
    if (a[ia]!.compare(b[ib]!, ob, ob + n, oa, oa + n) !== 0) return false;
    oa += n;
    ob += n;
  }
}

/** The line (1-based) and the text of both lines where `actual` first differs from `expected`. */
function firstDifference(actual: Buffer, expected: Buffer): string {
  const shorter = Math.min(actual.length, expected.length);
  let at = 0;
  while (at < shorter && actual[at] === expected[at]) at++;
  const lineStart = at === 0 ? 0 : actual.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = actual.indexOf(0x0a); i !== -1 && i < lineStart; i = actual.indexOf(0x0a, i + 1)) line++;
  const lineOf = (body: Buffer): string => {
    if (lineStart >= body.length) return '(end of body)';
    const end = body.indexOf(0x0a, lineStart);
    return JSON.stringify(body.subarray(lineStart, end === -1 ? body.length : end).toString('utf8'));
  };
  return `${actual.length} vs ${expected.length} bytes, first difference at byte ${at} on line ${line}: ${lineOf(actual)} vs ${lineOf(expected)}`;
}

function assertSameBytes(actual: Body, expected: Body, message: string): void {
  if (!holds(actual, expected, false)) assert.fail(`${message}: ${firstDifference(bytesOf(actual), bytesOf(expected))}`);
}

function assertStartsWith(actual: Body, prefix: Body, message: string): void {
  if (!holds(actual, prefix, true)) {
    const expected = bytesOf(prefix);
    assert.fail(`${message}: ${firstDifference(bytesOf(actual).subarray(0, expected.length), expected)}`);
  }
}

/** The bytes before the first `marker` (all of them without one), as `text.split(marker)[0]`. */
function before(body: Buffer, marker: string): Buffer {
  const at = body.indexOf(marker);
  return at === -1 ? body : body.subarray(0, at);
}

describe('incremental /metrics render', () => {
  test('after every change of a sequence the text is byte-identical to a render from nothing, and a small change renders a small part', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    const exported = new Map<string, string>();
    let list = queues(QUEUES);
    for (const queue of list) exported.set(queue.id, queue.name);
    store.setQueueFilter((id, name) => exported.get(id) === name);

    const cache = new FragmentCache();
    const steps: { readonly name: string; readonly change: () => void; readonly smallChange?: number }[] = [
      { name: 'first publish', change: () => store.publish('observations', observations(list), HOUR_MS) },
      { name: 'aggregates published', change: () => store.publish('aggregates', aggregates(list), HOUR_MS) },
      {
        name: 'one queue changed, all objects new',
        smallChange: 0.1,
        change: () => {
          list = list.map((q, i) => (i === 750 ? { ...q, level: 1 } : q));
          store.publish('observations', observations(list), HOUR_MS);
        },
      },
      {
        name: 'three queues changed',
        smallChange: 0.25,
        change: () => {
          list = list.map((q, i) => (i === 10 || i === 1100 || i === QUEUES - 1 ? { ...q, level: q.level + 2 } : q));
          store.publish('observations', observations(list), HOUR_MS);
        },
      },
      {
        // The four queues changed above, and one more: counters, histograms and summaries of five queues.
        name: 'aggregates of five queues changed',
        smallChange: 0.2,
        change: () => store.publish('aggregates', aggregates(list.map((q, i) => (i === 500 ? { ...q, level: 7 } : q))), HOUR_MS),
      },
      {
        name: 'queues removed from the middle and the start',
        change: () => {
          list = list.filter((_, i) => i !== 0 && (i < 700 || i > 705));
          store.publish('observations', observations(list), HOUR_MS);
        },
      },
      {
        name: 'one series removed (a media type of one queue)',
        smallChange: 0.1,
        change: () => {
          list = list.map((q, i) => (i === 1200 ? { ...q, media: ['voice'] } : q));
          store.publish('observations', observations(list), HOUR_MS);
        },
      },
      {
        name: 'queues added in the middle and at the end',
        change: () => {
          const added = queues(QUEUES + 10).slice(QUEUES);
          for (const queue of added) exported.set(queue.id, queue.name);
          list = [...list.slice(0, 900), ...added.slice(0, 5), ...list.slice(900), ...added.slice(5)];
          store.publish('observations', observations(list), HOUR_MS);
        },
      },
      {
        name: 'a queue renamed in the directory (its old series hidden), another no longer exported',
        smallChange: 0.1,
        change: () => {
          exported.set('q00020', 'Queue 20 renamed');
          exported.delete('q00030');
          store.setQueueFilter((id, name) => exported.get(id) === name);
        },
      },
      {
        name: 'the renamed queue published under its new name',
        smallChange: 0.1,
        change: () => {
          list = list.map((q) => (q.id === 'q00020' ? { ...q, name: 'Queue 20 renamed' } : q));
          store.publish('observations', observations(list), HOUR_MS);
        },
      },
      {
        name: 'a batch of queues published as a part (moves last)',
        change: () => {
          const batch = list.slice(100, 200).map((q) => ({ ...q, level: 5 }));
          store.publishPart(
            'aggregates',
            batch.map((q) => q.id),
            aggregates(batch),
            HOUR_MS,
          );
        },
      },
      {
        name: 'a whole metric left out',
        change: () => store.publish('observations', observations(list, new Set(['genesys_queue_interacting'])), HOUR_MS),
      },
      {
        name: 'a collector gone (expired)',
        // Published with a 1 ms limit, then expired below (the registry's store runs on the real clock).
        change: () => store.publish('aggregates', aggregates(list), 1),
      },
    ];
    let full: Buffer[] = [];
    for (const step of steps) {
      step.change();
      if (step.name === 'a collector gone (expired)') {
        await new Promise((resolve) => setTimeout(resolve, 5));
        assert.deepEqual(store.expire(), ['aggregates']);
      }
      const incremental = await renderSnapshots(store, cache, { sliceMs: 4, gzipLevel: 1 });
      full = await fullRender(store);
      assert.ok(
        full.some((piece) => piece.length > 0),
        `${step.name}: an empty render`,
      );
      assertSameBytes(plainOf(incremental), full, `${step.name}: the incremental text differs from a full render`);
      if (step.smallChange) {
        assert.ok(
          incremental.renderedSamples <= incremental.totalSamples * step.smallChange,
          `${step.name}: rendered ${incremental.renderedSamples} of ${incremental.totalSamples} samples again`,
        );
      }
      // The cached segments, old and new, make one gzip stream of exactly this text.
      await exposition.refresh();
      const plain = (await exposition.scrape('identity')).chunks;
      const gzipped = await exposition.scrape('gzip');
      assertSameBytes(gunzipSync(Buffer.concat(gzipped.chunks)), plain, `${step.name}: the gzip body decompressed`);
      assertStartsWith(plain, full, `${step.name}: the served body`);
    }
    // The last step's render from nothing: nothing changed since.
    const last = bytesOf(full);
    assert.ok(last.includes('genesys_queue_depth{queue_id="q00020",queue_name="Queue 20 renamed",media_type="voice"}'), 'the renamed queue under its new name');
    assert.ok(!last.includes('q00030'), 'the queue no longer exported');
    exposition.close();
  });

  test('a run whose series stay and whose values change is patched: only the changed samples are formatted, byte for byte as a render from nothing', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    // Names with multi-byte characters (the run's text is patched by byte offsets), and hidden queues inside runs.
    // 500 queues: several runs per family still (a run is ~32 KiB), at a quarter of the CPU of QUEUES.
    let list = queues(500).map((q, i) => (i % 97 === 5 ? { ...q, name: `Wartezimmer Zürich ☎ ${i}` } : q));
    const hidden = new Set(['q00040', 'q00041', 'q00403']);
    store.setQueueFilter((id) => !hidden.has(id));
    const cache = new FragmentCache();
    const render = async (): Promise<{ body: Buffer[]; rendered: number }> => {
      const incremental = await renderSnapshots(store, cache, { sliceMs: 4, gzipLevel: 1 });
      return { body: plainOf(incremental), rendered: incremental.renderedSamples };
    };
    store.publish('observations', observations(list), HOUR_MS);
    store.publish('aggregates', aggregates(list), HOUR_MS);
    await render();
    const level = (ids: readonly number[], to: (level: number) => number): void => {
      list = list.map((q, i) => (ids.includes(i) ? { ...q, level: to(q.level) } : q));
    };
    const steps: { readonly name: string; readonly change: () => void; readonly rendered: number }[] = [
      // depth, interacting and longest wait of both media: 6 samples, every object of the org new.
      { name: 'one queue changed', change: () => level([42], () => 1), rendered: 6 },
      { name: 'the same queue again, longer values', change: () => level([42], () => 123_456), rendered: 6 },
      { name: 'a queue with a multi-byte name, then one after it in the same run', change: () => level([5, 43], (l) => l + 1), rendered: 12 },
      { name: 'a hidden queue (no text either way) and its neighbour', change: () => level([40, 39], (l) => l + 1), rendered: 12 },
      { name: 'the first queue of the org', change: () => level([0], (l) => l + 3), rendered: 6 },
    ];
    for (const step of steps) {
      step.change();
      store.publish('observations', observations(list), HOUR_MS);
      const { body, rendered } = await render();
      assertSameBytes(body, await fullRender(store), `${step.name}: the patched text differs from a full render`);
      assert.equal(rendered, step.rendered, `${step.name}: samples formatted again`);
      await exposition.refresh();
      const plain = (await exposition.scrape('identity')).chunks;
      const gzipped = await exposition.scrape('gzip');
      assertSameBytes(gunzipSync(Buffer.concat(gzipped.chunks)), plain, `${step.name}: the gzip body decompressed`);
    }
    // Histograms and summaries: offers, wait-time histogram and handle-time summary of the 6 queues changed
    // above, then of 2 more queues, × 2 media.
    store.publish('aggregates', aggregates(list), HOUR_MS);
    assert.equal((await render()).rendered, 36);
    store.publish('aggregates', aggregates(list.map((q, i) => (i === 7 || i === 450 ? { ...q, level: q.level + 5 } : q))), HOUR_MS);
    const { body, rendered } = await render();
    assertSameBytes(body, await fullRender(store), 'the patched histograms and summaries differ from a full render');
    assert.equal(rendered, 12);
    const text = bytesOf(body).toString('utf8');
    assert.match(text, /queue_name="Wartezimmer Zürich ☎ 5"/);
    assert.doesNotMatch(text, /q00040/);
    exposition.close();
  });

  test('an array published again as the same object is re-used without rendering; a filter change still hides its queue', async () => {
    const { store, exposition } = createExporterRegistry({ processMetrics: false });
    const exported = new Set(queues(QUEUES).map((q) => q.id));
    store.setQueueFilter((id) => exported.has(id));
    const snapshot = observations(queues(QUEUES));
    store.publish('observations', snapshot, HOUR_MS);
    const cache = new FragmentCache();
    const first = await renderSnapshots(store, cache, { sliceMs: 4, gzipLevel: undefined });
    assert.equal(first.renderedSamples, first.totalSamples);
    store.publish('observations', snapshot, HOUR_MS);
    const again = await renderSnapshots(store, cache, { sliceMs: 4, gzipLevel: undefined });
    assert.equal(again.renderedSamples, 0);
    exported.delete('q01250');
    store.setQueueFilter((id) => exported.has(id));
    const filtered = await renderSnapshots(store, cache, { sliceMs: 4, gzipLevel: undefined });
    const body = bytesOf(plainOf(filtered));
    assert.ok(!body.includes('q01250'), 'the queue no longer exported');
    assertSameBytes(body, await fullRender(store), 'the filtered text differs from a full render');
    assert.ok(filtered.renderedSamples > 0 && filtered.renderedSamples < filtered.totalSamples / 5, `${filtered.renderedSamples} of ${filtered.totalSamples}`);
    exposition.close();
  });
});

describe('/metrics over HTTP with the cached bodies', () => {
  test('curl --compressed and concurrent scrapers read the same body; /-/healthy is answered while a scrape is still being sent', async () => {
    const { exposition, store } = createExporterRegistry({ processMetrics: false });
    store.publish('observations', observations(queues(20_000)), HOUR_MS);
    store.publish('aggregates', aggregates(queues(2_000)), HOUR_MS);
    await exposition.refresh();
    const server = await startServer({
      listen: { host: '127.0.0.1', port: 0 },
      telemetryPath: '/metrics',
      webConfig: NO_WEB_CONFIG,
      exposition,
      readiness: () => ({ ready: true }),
      logger: createLogger({ write: () => {} }),
      dataSource: 'test data',
    });
    try {
      const fetchBody = (encoding: string): Promise<{ headers: Record<string, unknown>; body: Buffer }> =>
        new Promise((resolve, reject) => {
          request(`${server.url}/metrics`, { headers: { 'accept-encoding': encoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            res.on('error', reject);
          })
            .on('error', reject)
            .end();
        });
      const plain = await fetchBody('identity');
      // Lines found as bytes, then matched as text: the body is some 10 MB.
      const lastDepth = plain.body.indexOf('\ngenesys_queue_depth{queue_id="q19999",');
      assert.notEqual(lastDepth, -1, 'the last queue is in the body');
      assert.match(
        plain.body.subarray(lastDepth + 1, plain.body.indexOf('\n', lastDepth + 1)).toString('utf8'),
        /^genesys_queue_depth\{queue_id="q19999",[^}]*\} \d+$/,
      );
      assert.ok(plain.body.includes('\ngenesys_up '), 'genesys_up is in the body');
      const snapshotPart = before(plain.body, '# HELP genesys_up ');
      const gzipped = await Promise.all(Array.from({ length: 4 }, () => fetchBody('gzip')));
      for (const reply of gzipped) {
        assert.equal(reply.headers['content-encoding'], 'gzip');
        assert.equal(Number(reply.headers['content-length']), reply.body.length);
        // The instrument part (API telemetry) may differ between scrapes; the snapshot part may not.
        assertSameBytes(before(gunzipSync(reply.body), '# HELP genesys_up '), snapshotPart, 'a concurrent gzip scrape');
      }
      const { stdout } = await promisify(execFile)('curl', ['-sS', '--compressed', '--fail', `${server.url}/metrics`], {
        maxBuffer: 1 << 30,
        encoding: 'buffer',
      });
      assertSameBytes(before(stdout, '# HELP genesys_up '), snapshotPart, 'curl decodes the whole gzip body');

      // A scraper that reads nothing: its response stays unfinished while the health check is answered. The
      // scrape is held paused until the health reply is in (no timer decides the order, so a starved machine
      // cannot reorder it); a server that answered health only after finishing the scrape never replies, and
      // the health request's deadline fails the test.
      const scrape = await new Promise<IncomingMessage>((resolve, reject) => {
        request(`${server.url}/metrics`, (res) => {
          res.pause();
          resolve(res);
        })
          .on('error', reject)
          .end();
      });
      const healthy = await new Promise<number>((resolve, reject) => {
        request(`${server.url}/-/healthy`, { timeout: 30_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('timeout', () => reject(new Error('/-/healthy was not answered within 30 s while a scrape was unread')))
          .on('error', reject)
          .end();
      });
      assert.equal(healthy, 200);
      const scrapeEnded = new Promise<void>((resolve, reject) => {
        scrape.on('end', resolve).on('error', reject);
      });
      scrape.resume();
      await scrapeEnded;
      assert.equal(scrape.statusCode, 200);
    } finally {
      await server.close();
      exposition.close();
    }
  });
});
