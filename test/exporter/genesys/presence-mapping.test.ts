// oUserPresences qualifiers are org presence ids; the answer's systemToOrganizationMappings say which system
// presence each belongs to. The parser turns the mappings around onto the user groups, and the collector
// sums members per system presence, counting what it cannot place as `other` (never dropping it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseObservationResponse } from '../../../exporter/genesys/queue-observations.ts';
import { ShapeError } from '../../../exporter/genesys/response-shape.ts';
import { membersByPresence, observationSnapshot, observationsByQueue } from '../../../exporter/collectors/observations.ts';
import { PRESENCE_LABELS } from '../../../metrics/vocabulary.ts';

const QUEUE = 'q-1';
const presences = (counts: Record<string, number>) =>
  Object.entries(counts).map(([qualifier, count]) => ({ metric: 'oUserPresences', qualifier, stats: { count } }));

function answer(mappings: unknown, counts: Record<string, number>) {
  return parseObservationResponse(
    {
      ...(mappings === undefined ? {} : { systemToOrganizationMappings: mappings }),
      results: [
        { group: { queueId: QUEUE, mediaType: 'voice' }, data: [{ metric: 'oWaiting', stats: { count: 1 } }] },
        { group: { queueId: QUEUE }, data: [{ metric: 'oMemberUsers', stats: { count: 9 } }, ...presences(counts)] },
      ],
    },
    new Set([QUEUE]),
  );
}

describe('members by presence', () => {
  test('org ids are summed per system presence; unmapped ids and unknown system presences count as other', () => {
    const parsed = answer(
      { BREAK: ['break-id', 'coffee-id'], ON_QUEUE: ['on-queue-id'], MEAL: ['meal-id'], FOCUS_TIME: ['focus-id'] },
      { 'break-id': 2, 'coffee-id': 1, 'on-queue-id': 3, 'focus-id': 1, 'new-presence-id': 2 },
    );
    const users = parsed.results.find((r) => r.group.mediaType === undefined)!;
    assert.equal(parsed.results.find((r) => r.group.mediaType === 'voice')!.systemPresenceOf, undefined, 'only user groups carry the mappings');
    const counts = membersByPresence(users.data, users.systemPresenceOf);
    assert.deepEqual(Object.fromEntries(counts), { break: 3, on_queue: 3, other: 3 });

    const snapshot = observationSnapshot([{ id: QUEUE, name: 'Sales' }], observationsByQueue(parsed.results), new Map(), 0);
    const series = snapshot.genesys_queue_members_by_presence ?? [];
    assert.deepEqual(
      series.map((s) => s.labels.presence),
      [...PRESENCE_LABELS],
      'one series per label, zeros included',
    );
    assert.equal(
      series.reduce((sum, s) => sum + s.value, 0),
      9,
      'the presences add up to the members',
    );
    assert.equal(series.find((s) => s.labels.presence === 'meal')!.value, 0);
  });

  test('an answer without mappings counts every member as other, never as a made-up presence', () => {
    const parsed = answer(undefined, { 'a-id': 4, 'b-id': 1 });
    const users = parsed.results.find((r) => r.group.mediaType === undefined)!;
    assert.deepEqual(Object.fromEntries(membersByPresence(users.data, users.systemPresenceOf)), { other: 5 });
  });

  test('mappings that are not lists of ids are refused with their path', () => {
    assert.throws(
      () => answer({ BREAK: 'break-id' }, {}),
      (error: unknown) => error instanceof ShapeError && /systemToOrganizationMappings\.BREAK/.test(error.message),
    );
    assert.throws(
      () => answer({ BREAK: [7] }, {}),
      (error: unknown) => error instanceof ShapeError && /systemToOrganizationMappings\.BREAK\[0\]/.test(error.message),
    );
    assert.throws(() => answer(['BREAK'], {}), ShapeError);
  });
});
