// A query whose filter names queues (the exporter's batches of 100) reads those queues' contacts and
// states only, so an aggregates query costs the batch, not the whole org (at 10,000 queues the scan of every
// contact took ~0.85 s a query and stalled the simulator's answers). The answer must be exactly what the
// whole org's answer holds for those queues, in the same order, for every filter shape and after old
// contacts have been pruned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { AGGREGATES, ALL_OBSERVATION_METRICS, OBSERVATIONS, api, login, queueFilter, startManual } from './support/helpers.ts';

interface Result {
  group: Record<string, string>;
  data: unknown[];
}

const predicate = (dimension: string, value: string) => ({ type: 'dimension', dimension, operator: 'matches', value });

describe('simulator: queries whose filter names queues', () => {
  let sim: SimulatorHandle;
  let post: (path: string, body: unknown) => ReturnType<ReturnType<typeof api>['post']>;
  before(async () => {
    // Many contacts and a short retention: pruning compacts the store (it does so past 4,096 dropped contacts).
    sim = await startManual({ orgSize: { queues: 12, divisions: 2, arrivalsPerMinute: 600 }, warmupSeconds: 600, truthRetentionHours: 0.25 });
    post = api(sim, await login(sim)).post;
    sim.advanceBy(20 * 60_000); // pruned and compacted
    sim.advanceBy(2 * 60_000); // pruned again, not compacted: the per-queue lists still hold what was dropped
  });
  after(() => sim.close());

  /** The whole org's answer, grouped by queue and media, then narrowed to `keep` (in its own order). */
  async function wholeOrg(body: Record<string, unknown>, keep: (group: Record<string, string>) => boolean): Promise<Result[]> {
    const reply = await post(AGGREGATES, body);
    assert.equal(reply.status, 200, reply.text);
    return ((reply.json.results ?? []) as Result[]).filter((r) => keep(r.group));
  }

  test('aggregates: every filter shape answers what the whole org holds for the queues it names, after pruning too', async () => {
    const ids = sim.queues().map((q) => q.id);
    const chosen = [ids[1]!, ids[4]!, ids[7]!, ids[10]!];
    const end = sim.now().getTime();
    // Reaches back past the retention: what was pruned must stay out of the per-queue reading as well.
    const interval = `${new Date(end - 60 * 60_000).toISOString()}/${new Date(end).toISOString()}`;
    const base = { interval, granularity: 'PT5M', groupBy: ['queueId', 'mediaType'], metrics: ['nOffered', 'tAnswered', 'tWait'] };
    const all = await wholeOrg(base, () => true);
    assert.ok(all.length >= ids.length, `every queue has contacts (${all.length} groups)`);

    const shapes: { name: string; filter: unknown; keep: (group: Record<string, string>) => boolean }[] = [
      { name: 'or of queueIds', filter: queueFilter(chosen), keep: (g) => chosen.includes(g.queueId!) },
      {
        name: 'and: queueIds clause and a media type',
        filter: { type: 'and', predicates: [predicate('mediaType', 'voice')], clauses: [queueFilter(chosen)] },
        keep: (g) => chosen.includes(g.queueId!) && g.mediaType === 'voice',
      },
      {
        name: 'or of clauses that each name queues',
        filter: {
          type: 'or',
          clauses: [
            { type: 'and', predicates: [predicate('queueId', chosen[0]!), predicate('mediaType', 'voice')] },
            { type: 'or', predicates: [predicate('queueId', chosen[1]!)] },
          ],
        },
        keep: (g) => (g.queueId === chosen[0] && g.mediaType === 'voice') || g.queueId === chosen[1],
      },
      // Not bounded by queue: an 'or' with a media type matches other queues too (read from the whole org).
      {
        name: 'or of a queueId and a media type',
        filter: { type: 'or', predicates: [predicate('queueId', chosen[0]!), predicate('mediaType', 'chat')] },
        keep: (g) => g.queueId === chosen[0] || g.mediaType === 'chat',
      },
    ];
    for (const shape of shapes) {
      const reply = await post(AGGREGATES, { ...base, filter: shape.filter });
      assert.equal(reply.status, 200, `${shape.name}: ${reply.text}`);
      const expected = all.filter((r) => shape.keep(r.group));
      assert.ok(expected.length > 0, `${shape.name}: the comparison has groups`);
      assert.deepEqual(reply.json.results, expected, shape.name);
    }
  });

  test('observations: a batch of queue ids answers exactly those queues, as the whole org answer has them', async () => {
    const ids = sim.queues().map((q) => q.id);
    const chosen = [ids[0]!, ids[5]!, ids[9]!];
    const query = (queueIds: readonly string[]) => post(OBSERVATIONS, { filter: queueFilter(queueIds), metrics: ALL_OBSERVATION_METRICS });
    const [some, every] = await Promise.all([query(chosen), query(ids)]);
    assert.equal(some.status, 200, some.text);
    const expected = (every.json.results as Result[]).filter((r) => chosen.includes(r.group.queueId!));
    assert.deepEqual(new Set((some.json.results as Result[]).map((r) => r.group.queueId)), new Set(chosen));
    assert.deepEqual(some.json.results, expected);
  });
});
