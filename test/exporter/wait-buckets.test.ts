// The wait histogram's bounds (metrics/catalog.ts WAIT_TIME_BUCKETS_SECONDS) and what they were chosen for:
// within Genesys' 10 rangeBound views per aggregate query, at the service-level targets (so "answered within
// target" is exact from the buckets), and reaching past every default alert limit (a p95 beyond the top bound
// reads as the bound). The cost: the aggregate query still carries 10 views and one request per batch.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultAlertsConfig } from '../../alerts/index.ts';
import { aggregateQuery } from '../../exporter/collectors/aggregates.ts';
import { WAIT_TIME_BUCKETS_SECONDS } from '../../metrics/catalog.ts';
import { MEDIA_TYPES } from '../../metrics/vocabulary.ts';
import { MEDIA_DEFAULTS } from '../../simulator/org/model.ts';

/** Genesys accepts at most this many views in one aggregate query (docs/genesys-api.md). */
const MAX_VIEWS = 10;

describe('wait histogram bounds', () => {
  test('at most 10, ascending: one rangeBound view each', () => {
    assert.ok(WAIT_TIME_BUCKETS_SECONDS.length <= MAX_VIEWS);
    for (let i = 1; i < WAIT_TIME_BUCKETS_SECONDS.length; i += 1) assert.ok((WAIT_TIME_BUCKETS_SECONDS[i] ?? 0) > (WAIT_TIME_BUCKETS_SECONDS[i - 1] ?? 0));
  });

  test("every media type's default Genesys target time is a bound (exact within-target counts)", () => {
    for (const media of MEDIA_TYPES) {
      const target = MEDIA_DEFAULTS[media].serviceLevel.durationMs / 1000;
      assert.ok((WAIT_TIME_BUCKETS_SECONDS as readonly number[]).includes(target), `${media}: ${target} s is not a bound`);
    }
  });

  test('the top bound lies past every default p95 limit: 2 × the longest default target, and each no-target default', () => {
    const top = WAIT_TIME_BUCKETS_SECONDS[WAIT_TIME_BUCKETS_SECONDS.length - 1] ?? 0;
    const { slaTargetFactor, maxP95WaitSeconds } = defaultAlertsConfig.rules.WaitTimeDegradation;
    for (const media of MEDIA_TYPES) {
      assert.ok(slaTargetFactor * (MEDIA_DEFAULTS[media].serviceLevel.durationMs / 1000) < top, `${media}: factor × target`);
      assert.ok(maxP95WaitSeconds[media] < top, `${media}: maxP95WaitSeconds`);
    }
  });

  test('the aggregate query asks one rangeBound view per bound, in milliseconds, for a whole batch in one request', () => {
    const query = aggregateQuery(['q1', 'q2', 'q3'], 0, 3_600_000, 'PT15M');
    assert.deepEqual(
      query.views?.map((view) => [view.function, view.target, view.range.lt]),
      WAIT_TIME_BUCKETS_SECONDS.map((bound) => ['rangeBound', 'tWait', bound * 1000]),
    );
    assert.ok((query.views?.length ?? 0) <= MAX_VIEWS);
  });
});
