// The one duration grammar of the project (rule `for`, Alertmanager intervals, scrape settings, exporter
// flags): Prometheus' own, so what passes here is what promtool, amtool and Prometheus accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDurationMs, parseDurationMs } from '../../config/duration.ts';

test('Prometheus durations parse to milliseconds', () => {
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('10s'), 10_000);
  assert.equal(parseDurationMs('1h30m'), 5_400_000);
  assert.equal(parseDurationMs('1w2d'), 9 * 86_400_000);
  assert.equal(parseDurationMs('0s'), 0);
});

test('what Prometheus rejects is rejected: decimals, spaces, wrong unit order, bare numbers, empty', () => {
  for (const text of ['0.5s', '15 s', '30m1h', '10', '', '5 minutes', '1s1s']) {
    assert.equal(parseDurationMs(text), undefined, text);
  }
});

test('formatting gives the shortest form, which parses back to the same value', () => {
  for (const [ms, text] of [
    [90_000, '1m30s'],
    [500, '500ms'],
    [7_200_000, '2h'],
    [0, '0s'],
    [666, '666ms'],
  ] as const) {
    assert.equal(formatDurationMs(ms), text);
    assert.equal(parseDurationMs(text), ms);
  }
});
