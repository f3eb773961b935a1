// Alertmanager configuration: the routing tree (each route named by its matchers from the root down,
// since routes have no names; sibling order matters to Alertmanager, so a reorder is reported),
// receivers and time intervals by name, inhibition rules by what they say.

import type { AlertmanagerChange, RouteChange, RouteOrderChange } from './model.ts';
import { diffEntities } from './entities.ts';
import { canonical, diffValues, isObject, keyedElements, without } from './value-diff.ts';

const str = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** `severity="critical", team=~"cc.*"`: the matchers of a route or an inhibition side, legacy forms included. */
function matcherText(matchers: unknown, match: unknown, matchRe: unknown): string {
  const parts = [
    ...(Array.isArray(matchers) ? matchers.map(str) : []),
    ...(isObject(match) ? Object.entries(match).map(([k, v]) => `${k}="${str(v)}"`) : []),
    ...(isObject(matchRe) ? Object.entries(matchRe).map(([k, v]) => `${k}=~"${str(v)}"`) : []),
  ];
  return parts.join(', ');
}

const routeLabel = (route: Record<string, unknown>): string => matcherText(route.matchers, route.match, route.match_re) || '(every alert)';

interface FlatRoute {
  readonly path: readonly string[];
  readonly settings: Record<string, unknown>;
  readonly children: readonly string[];
}

function flatten(route: Record<string, unknown>, path: readonly string[], into: Map<string, FlatRoute>): void {
  const children = keyedElements(list(route.routes), routeLabel);
  into.set(path.join('\u0000'), {
    path,
    settings: without(route, 'routes', 'matchers', 'match', 'match_re'),
    children: [...children.keys()],
  });
  for (const [label, child] of children) flatten(child, [...path, label], into);
}

function routes(config: Record<string, unknown>): Map<string, FlatRoute> {
  const result = new Map<string, FlatRoute>();
  if (isObject(config.route)) flatten(config.route, ['root'], result);
  return result;
}

function inhibitionText(rule: Record<string, unknown>): string {
  const source = matcherText(rule.source_matchers, rule.source_match, rule.source_match_re);
  const target = matcherText(rule.target_matchers, rule.target_match, rule.target_match_re);
  const equal = Array.isArray(rule.equal) ? ` when equal: ${rule.equal.map(str).join(', ')}` : '';
  const rest = without(rule, 'source_matchers', 'source_match', 'source_match_re', 'target_matchers', 'target_match', 'target_match_re', 'equal');
  return `${source} mutes ${target}${equal}${Object.keys(rest).length > 0 ? ` ${canonical(rest)}` : ''}`;
}

export function diffAlertmanager(beforeConfig: unknown, afterConfig: unknown): AlertmanagerChange {
  const before = isObject(beforeConfig) ? beforeConfig : {};
  const after = isObject(afterConfig) ? afterConfig : {};
  const a = routes(before);
  const b = routes(after);
  const routeChanges: RouteChange[] = [];
  const routeOrder: RouteOrderChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])]) {
    const old = a.get(key);
    const now = b.get(key);
    if (old === undefined && now !== undefined) routeChanges.push({ path: now.path, status: 'added', changes: diffValues({}, now.settings) });
    else if (now === undefined && old !== undefined) routeChanges.push({ path: old.path, status: 'removed', changes: diffValues(old.settings, {}) });
    else if (old !== undefined && now !== undefined) {
      const changes = diffValues(old.settings, now.settings);
      if (changes.length > 0) routeChanges.push({ path: now.path, status: 'changed', changes });
      const common = (x: readonly string[], y: readonly string[]): string[] => x.filter((c) => y.includes(c));
      if (common(old.children, now.children).join('\u0000') !== common(now.children, old.children).join('\u0000')) {
        routeOrder.push({ parent: now.path, before: old.children, after: now.children });
      }
    }
  }
  const timeIntervals = (c: Record<string, unknown>): Record<string, unknown>[] => [...list(c.time_intervals), ...list(c.mute_time_intervals)];
  return {
    routes: routeChanges,
    routeOrder,
    receivers: diffEntities(list(before.receivers), list(after.receivers), (r) => str(r.name), ['name']),
    inhibitions: diffEntities(list(before.inhibit_rules), list(after.inhibit_rules), inhibitionText),
    timeIntervals: diffEntities(timeIntervals(before), timeIntervals(after), (t) => str(t.name), ['name']),
    other: diffValues(
      without(before, 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals'),
      without(after, 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals'),
    ),
  };
}
