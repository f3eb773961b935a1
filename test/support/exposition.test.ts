// valueIn, the probe the waits use, reads the same value a full parse does: only the lines of the metric asked
// for, never a metric whose name merely starts with it, with its labels matched as sampleValue matches them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExposition, sampleValue, valueIn } from './exposition.ts';

const TEXT = [
  'genesys_up 1',
  '# HELP genesys_up_since_seconds A metric whose name starts with another one.',
  '# TYPE genesys_up_since_seconds gauge',
  'genesys_up_since_seconds 1700000000',
  'genesys_exporter_collector_success{collector="queues"} 0',
  'genesys_exporter_collector_success{collector="aggregates"} 1',
  'genesys_queue_depth{queue_id="q1",queue_name="Front \\"Desk\\"\\\\A",media_type="voice"} 4',
  'genesys_queue_depth{queue_id="q2",queue_name="Back",media_type="voice"} 7',
  'genesys_exporter_scrape_seconds 0.25',
].join('\n');

test('valueIn gives what sampleValue over the whole parse gives, for first, middle and last lines, labels and escapes', () => {
  const cases: [string, Record<string, string>][] = [
    ['genesys_up', {}],
    ['genesys_up_since_seconds', {}],
    ['genesys_exporter_collector_success', { collector: 'queues' }],
    ['genesys_exporter_collector_success', { collector: 'aggregates' }],
    ['genesys_exporter_collector_success', { collector: 'observations' }],
    ['genesys_queue_depth', { queue_name: 'Front "Desk"\\A' }],
    ['genesys_queue_depth', { queue_id: 'q2' }],
    ['genesys_exporter_scrape_seconds', {}],
    ['genesys_absent', {}],
  ];
  const samples = parseExposition(TEXT);
  for (const [name, where] of cases) assert.equal(valueIn(TEXT, name, where), sampleValue(samples, name, where), `${name} ${JSON.stringify(where)}`);
  assert.equal(valueIn(TEXT, 'genesys_up'), 1, 'not the value of genesys_up_since_seconds');
  assert.equal(valueIn(TEXT, 'genesys_queue_depth', { queue_id: 'q2' }), 7);
  assert.equal(valueIn(TEXT, 'genesys_exporter_collector_success', { collector: 'observations' }), undefined);
});

test('valueIn refuses an ambiguous probe as sampleValue does', () => {
  assert.throws(() => valueIn(TEXT, 'genesys_queue_depth'), /2 series of genesys_queue_depth match/);
});
