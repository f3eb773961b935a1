// Grafana's interpolation as the e2e tests rely on it. Expected strings are written out by hand from
// Grafana's documented rules (see stack/grafana-vars.ts), not produced by the code under test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardVariables, interpolate, rateIntervalSeconds, type InterpolationContext, type VariableDefinition } from '../../stack/grafana-vars.ts';

const queue: VariableDefinition = { name: 'queue', multi: true, includeAll: true };
const queueWithAllValue: VariableDefinition = { name: 'queue', multi: true, includeAll: true, allValue: '.*' };
const media: VariableDefinition = { name: 'media_type', multi: false, includeAll: false };

function context(overrides: Partial<InterpolationContext> = {}): InterpolationContext {
  return {
    variables: {
      queue: { definition: queue, selection: { values: ['Sales'] } },
      media_type: { definition: media, selection: { values: ['voice'] } },
    },
    intervalSeconds: 30,
    scrapeIntervalSeconds: 15,
    rangeSeconds: 3600,
    ...overrides,
  };
}

describe('built-in interval variables', () => {
  test('$__rate_interval is four scrape intervals when the step is short', () => {
    // step 30 s, scrape 15 s: max(30 + 15, 4 × 15) = 60
    assert.equal(rateIntervalSeconds(30, 15), 60);
    assert.equal(interpolate('rate(x[$__rate_interval])', context()), 'rate(x[60s])');
  });

  test('$__rate_interval is step + scrape when the step is long', () => {
    // step 120 s, scrape 15 s: max(135, 60) = 135
    assert.equal(interpolate('rate(x[$__rate_interval])', context({ intervalSeconds: 120 })), 'rate(x[135s])');
  });

  test('$__interval, $__range and their _ms/_s forms, in every syntax', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} variable syntax, not a JavaScript template
    const out = interpolate('a[$__interval] b[${__interval}] c[[[__range]]] $__interval_ms $__range_s $__range_ms', context());
    assert.equal(out, 'a[30s] b[30s] c[3600s] 30000 3600 3600000');
  });
});

describe('user variables', () => {
  test('a single-valued variable is inserted as is', () => {
    assert.equal(interpolate('x{media_type="$media_type"}', context()), 'x{media_type="voice"}');
  });

  test('several values of a multi variable become an escaped regex alternation', () => {
    const ctx = context({ variables: { queue: { definition: queue, selection: { values: ['Sales (EU)', 'Support'] } } } });
    // '(' and ')' are regex specials: one backslash for the regex, doubled inside a PromQL string.
    assert.equal(interpolate('x{queue_name=~"$queue"}', ctx), 'x{queue_name=~"(Sales \\\\(EU\\\\)|Support)"}');
  });

  test('All without a custom all value lists every option; with one it inserts it verbatim', () => {
    const all = { all: true, options: ['A', 'B.C'] } as const;
    assert.equal(
      interpolate('x{queue_name=~"$queue"}', context({ variables: { queue: { definition: queue, selection: all } } })),
      'x{queue_name=~"(A|B\\\\.C)"}',
    );
    assert.equal(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} variable syntax, not a JavaScript template
      interpolate('x{queue_name=~"${queue}"}', context({ variables: { queue: { definition: queueWithAllValue, selection: all } } })),
      'x{queue_name=~".*"}',
    );
  });

  test('explicit formats', () => {
    const ctx = context({ variables: { queue: { definition: queue, selection: { values: ['a.b', 'c'] } } } });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} variable syntax, not a JavaScript template
    assert.equal(interpolate('${queue:pipe} ${queue:csv} ${queue:regex}', ctx), 'a.b|c a.b,c (a\\.b|c)');
  });

  test('an unknown variable is an error naming it', () => {
    assert.throws(() => interpolate('x{cluster="$cluster"}', context()), /unknown Grafana variable '\$cluster'/);
  });

  test('several values for a single-valued variable are refused', () => {
    const ctx = context({ variables: { media_type: { definition: media, selection: { values: ['voice', 'chat'] } } } });
    assert.throws(() => interpolate('$media_type', ctx), /'media_type' is not multi-valued/);
  });
});

test('dashboardVariables reads multi, includeAll and allValue from a dashboard model', () => {
  const model = {
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus' },
        { name: 'queue', type: 'query', multi: true, includeAll: true, allValue: '.+', query: { query: 'label_values(x, queue_name)' } },
      ],
    },
  };
  const variables = dashboardVariables(model);
  assert.deepEqual(
    variables.map((v) => [v.name, v.type, v.multi, v.includeAll, v.allValue]),
    [
      ['datasource', 'datasource', false, false, undefined],
      ['queue', 'query', true, true, '.+'],
    ],
  );
});
