// SLA compliance has one definition (metrics/kpis.ts): every generated expression that reads the breach
// counter, in the recording rules and on every dashboard, is that builder's output around its own inputs.
// A panel or rule that spells the arithmetic out by hand (even equivalently) fails here.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultAlertsConfig } from '../../alerts/config.ts';
import { RECORDED } from '../../alerts/recording-rules.ts';
import { generatorInputs } from '../../generator/load-sources.ts';
import { breachesOrZero, slaCompliance } from '../../metrics/kpis.ts';
import { raw } from '../../metrics/promql.ts';
import { toJson } from '../support/built-dashboards.ts';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Placeholders for the builder's two inputs: text no PromQL expression contains. */
const BREACHES = '⟪breaches⟫';
const OFFERS = '⟪offers⟫';

/** The builder's output with its two inputs as placeholders, turned into a pattern: B and O are any text,
 * and every O must be the same text (the offers the breaches fall back to are the offers divided by). */
function shapeOf(build: (b: ReturnType<typeof raw>, o: ReturnType<typeof raw>) => { text: string }): RegExp {
  const template = build(raw(BREACHES), raw(OFFERS)).text;
  let seenOffers = false;
  const pattern = template
    .split(new RegExp(`(${BREACHES}|${OFFERS})`))
    .map((part) => {
      if (part === BREACHES) return '(.+?)';
      if (part === OFFERS) {
        const group = seenOffers ? '\\k<offers>' : '(?<offers>.+?)';
        seenOffers = true;
        return group;
      }
      return escapeRegExp(part);
    })
    .join('');
  return new RegExp(pattern, 'g');
}

const COMPLIANCE = shapeOf(slaCompliance);
const BREACHES_OR_ZERO = shapeOf(breachesOrZero);
const BREACH_SERIES = new RegExp(`genesys_queue_sla_breach_total|${escapeRegExp(RECORDED.slaBreaches15m.name)}`);

interface Located {
  readonly where: string;
  readonly expr: string;
}

function generatedExpressions(): Located[] {
  const inputs = generatorInputs(defaultAlertsConfig);
  const rules = inputs.ruleSources.flatMap((source) =>
    source.groups.flatMap((group) =>
      group.rules.map((rule) => ({ where: `${source.module} ${'record' in rule ? rule.record : rule.alert}`, expr: rule.expr })),
    ),
  );
  const panels = inputs.dashboards.flatMap((source) =>
    toJson(source.build()).panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ where: `${source.fileName} "${panel.title}" ${target.refId}`, expr: target.expr })),
    ),
  );
  return [...rules, ...panels];
}

/** Whether parentheses balance: a builder's input is one whole expression, never a fragment. */
function balanced(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    depth += char === '(' ? 1 : char === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

function cut(expr: string, shape: RegExp, marker: string): string {
  return expr.replace(shape, (match: string, ...rest: unknown[]) => {
    const inputs = rest.filter((part): part is string => typeof part === 'string').slice(0, 2);
    return inputs.every(balanced) ? marker : match;
  });
}

/** The expression with every instance of the builders' output (around whole expressions) cut out. */
const withoutBuilderOutput = (expr: string): string => cut(cut(expr, COMPLIANCE, '⟨compliance⟩'), BREACHES_OR_ZERO, '⟨breaches⟩');

describe('SLA compliance is defined once', () => {
  const all = generatedExpressions();
  const readingBreaches = all.filter((e) => BREACH_SERIES.test(e.expr));
  // The one place breaches are counted without the builder: the recorded breach count itself.
  const counting = readingBreaches.filter((e) => e.where.endsWith(` ${RECORDED.slaBreaches15m.name}`));
  const uses = readingBreaches.filter((e) => !counting.includes(e));

  test('recording rules and panels of all three kinds read the breaches (the check is not vacuous)', () => {
    assert.equal(counting.length, 1);
    const places = uses.map((e) => e.where);
    assert.ok(
      places.some((w) => w.includes(RECORDED.slaCompliance15m.name)),
      places.join('\n'),
    );
    assert.ok(
      places.some((w) => w.startsWith('queue-overview.json')),
      places.join('\n'),
    );
    assert.ok(
      places.some((w) => w.startsWith('queue-detail.json')),
      places.join('\n'),
    );
  });

  test('every expression that reads the breach counter does so through the builder', () => {
    const byHand = uses.filter((e) => BREACH_SERIES.test(withoutBuilderOutput(e.expr)));
    assert.deepEqual(
      byHand.map((e) => `${e.where}: ${e.expr}`),
      [],
    );
  });

  test('a compliance written by hand, even an equivalent one, is caught', () => {
    const offers = 'sum(increase(genesys_queue_offer_total[15m]))';
    const breaches = 'sum(increase(genesys_queue_sla_breach_total[15m]))';
    const byHand = `1 - ((${breaches} or (${offers} * 0)) / (${offers} > 0))`;
    assert.match(withoutBuilderOutput(byHand), BREACH_SERIES);
    const built = slaCompliance(raw(breaches), raw(offers)).text;
    assert.doesNotMatch(withoutBuilderOutput(built), BREACH_SERIES);
  });
});
