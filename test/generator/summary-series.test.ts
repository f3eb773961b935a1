// The 'summary' metric type (a Genesys timer's sum and count, no quantiles) through the typed PromQL
// builder and the generator's PromQL validation: `_sum` and `_count` exist, the bare name does not, and
// both are counters to the validator (only meaningful through rate()).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { range, rate, series, sumBy } from '../../metrics/promql.ts';
import { fixtureDashboard } from './fixtures/dashboard.ts';
import { generateArtifacts } from '../../generator/generate-artifacts.ts';
import { fixtureInputs, problemsOf } from './support/helpers.ts';

const OVERVIEW = 'test/fixtures/overview.ts › panel "Depth" (id 1) target A : ';
const AHT =
  'sum by (queue_name) (rate(genesys_queue_handle_time_seconds_sum[$__rate_interval])) / sum by (queue_name) (rate(genesys_queue_handle_time_seconds_count[$__rate_interval]))';

describe('summary metrics', () => {
  test('the PromQL builder selects a summary as its _sum and _count series, with the catalog labels', () => {
    const sumSeries = series('genesys_queue_handle_time_seconds_sum', { media_type: 'voice' });
    const average = sumBy(['queue_name'], rate(range(sumSeries, '5m')));
    assert.equal(average.text, 'sum by (queue_name) (rate(genesys_queue_handle_time_seconds_sum{media_type="voice"}[5m]))');
    assert.equal(series('genesys_queue_answer_time_seconds_count').text, 'genesys_queue_answer_time_seconds_count');
    // @ts-expect-error a summary has no bare series
    series('genesys_queue_handle_time_seconds');
    // @ts-expect-error nor buckets
    series('genesys_queue_handle_time_seconds_bucket');
    // @ts-expect-error nor an le label
    series('genesys_queue_handle_time_seconds_sum', { le: '1' });
  });

  test('an average handle time from _sum and _count passes validation', () => {
    const result = generateArtifacts(fixtureInputs({ dashboards: [fixtureDashboard({ depthExpr: AHT })] }));
    assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.problems, null, 2));
  });

  test('the bare summary name is reported with the series that exist', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum(genesys_queue_handle_time_seconds)' })] });
    assert.deepEqual(problems, [
      `${OVERVIEW}"genesys_queue_handle_time_seconds" is a summary (without quantiles), which Prometheus stores as two series (select genesys_queue_handle_time_seconds_sum or genesys_queue_handle_time_seconds_count; rate(genesys_queue_handle_time_seconds_sum[5m]) / rate(genesys_queue_handle_time_seconds_count[5m]) is the average)`,
    ]);
  });

  test('a summary series without rate() is reported like a counter', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (queue_name) (genesys_queue_talk_time_seconds_count)' })] });
    assert.match(problems.join('\n'), /summary series genesys_queue_talk_time_seconds_count is used without rate/);
  });
});
