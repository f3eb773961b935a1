// Alerting and recording rules from every rule file, matched by name: an alert by its `alert` name, a
// recording rule by its `record` name. The same name twice (e.g. a warning and a critical variant of
// one alert) is told apart by its severity label, then by `#2`. Moving a rule to another group or file
// shows as a `group` change of that rule, not as one removed and one added.

import type { RuleChange, RuleGroupChange, ValueChange } from './model.ts';
import { diffValues, isObject, keyedElements, without } from './value-diff.ts';

export interface RuleFile {
  readonly file: string;
  readonly parsed: unknown;
}

interface Rule {
  readonly kind: 'alert' | 'record';
  readonly name: string;
  readonly group: string;
  readonly body: Record<string, unknown>;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function groupsOf(files: readonly RuleFile[]): { name: string; body: Record<string, unknown> }[] {
  return files.flatMap((f) =>
    (isObject(f.parsed) && Array.isArray(f.parsed.groups) ? f.parsed.groups : []).filter(isObject).map((g) => ({ name: str(g.name), body: g })),
  );
}

function rulesOf(files: readonly RuleFile[]): Rule[] {
  return groupsOf(files).flatMap((group) =>
    (Array.isArray(group.body.rules) ? group.body.rules : []).filter(isObject).map((body): Rule => {
      const kind = typeof body.alert === 'string' ? 'alert' : 'record';
      return { kind, name: str(kind === 'alert' ? body.alert : body.record), group: group.name, body };
    }),
  );
}

const identity = (rules: readonly Rule[]) => {
  const names = new Map<string, number>();
  for (const r of rules) names.set(r.name, (names.get(r.name) ?? 0) + 1);
  return (r: Rule): string => {
    if ((names.get(r.name) ?? 0) < 2) return r.name;
    const labels = isObject(r.body.labels) ? r.body.labels : {};
    return `${r.name} (severity ${str(labels.severity) || 'none'})`;
  };
};

/** Reading order of a rule's fields: the query, how long, how bad, then the rest. */
const FIELD_ORDER = ['group', 'expr', 'for', 'keep_firing_for', 'labels.severity', 'labels', 'annotations'];
const rank = (path: string): number => {
  const i = FIELD_ORDER.findIndex((f) => path === f || path.startsWith(`${f}.`));
  return i === -1 ? FIELD_ORDER.length : i;
};
const inReadingOrder = (changes: ValueChange[]): ValueChange[] => [...changes].sort((a, b) => rank(a.path) - rank(b.path));

/** A rule's fields one by one (each label and annotation on its own), for rules added or removed. */
function fields(rule: Rule, side: 'before' | 'after'): ValueChange[] {
  const flat: ValueChange[] = [];
  for (const [name, value] of Object.entries(without(rule.body, 'alert', 'record'))) {
    const entries =
      isObject(value) && (name === 'labels' || name === 'annotations')
        ? Object.entries(value).map(([k, v]) => [`${name}.${k}`, v] as const)
        : [[name, value] as const];
    for (const [path, v] of entries) flat.push(side === 'before' ? { path, before: v } : { path, after: v });
  }
  return inReadingOrder(flat);
}

function diffKind(before: readonly Rule[], after: readonly Rule[], kind: 'alert' | 'record'): RuleChange[] {
  const mine = (rules: readonly Rule[]): Rule[] => rules.filter((r) => r.kind === kind);
  const a = keyedElements(mine(before), identity(mine(before)));
  const b = keyedElements(mine(after), identity(mine(after)));
  const result: RuleChange[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])]) {
    const old = a.get(name);
    const now = b.get(name);
    if (old === undefined && now !== undefined) result.push({ kind, name, group: now.group, status: 'added', changes: fields(now, 'after') });
    else if (now === undefined && old !== undefined) result.push({ kind, name, group: old.group, status: 'removed', changes: fields(old, 'before') });
    else if (old !== undefined && now !== undefined) {
      const changes = [
        ...(old.group === now.group ? [] : [{ path: 'group', before: old.group, after: now.group }]),
        ...inReadingOrder(diffValues(without(old.body, 'alert', 'record'), without(now.body, 'alert', 'record'))),
      ];
      if (changes.length > 0) result.push({ kind, name, group: now.group, status: 'changed', changes });
    }
  }
  return result;
}

export function diffRules(
  before: readonly RuleFile[],
  after: readonly RuleFile[],
): {
  alerts: RuleChange[];
  recordingRules: RuleChange[];
  ruleGroups: RuleGroupChange[];
} {
  const a = rulesOf(before);
  const b = rulesOf(after);
  const groupsBefore = keyedElements(groupsOf(before), (g) => g.name);
  const groupsAfter = keyedElements(groupsOf(after), (g) => g.name);
  const ruleGroups: RuleGroupChange[] = [];
  for (const name of [...new Set([...groupsBefore.keys(), ...groupsAfter.keys()])]) {
    const old = groupsBefore.get(name);
    const now = groupsAfter.get(name);
    const settings = (g: typeof old): Record<string, unknown> | undefined => (g === undefined ? undefined : without(g.body, 'name', 'rules'));
    if (old === undefined) ruleGroups.push({ name, status: 'added', changes: diffValues({}, settings(now)) });
    else if (now === undefined) ruleGroups.push({ name, status: 'removed', changes: diffValues(settings(old), {}) });
    else {
      const changes = diffValues(settings(old), settings(now));
      if (changes.length > 0) ruleGroups.push({ name, status: 'changed', changes });
    }
  }
  return { alerts: diffKind(a, b, 'alert'), recordingRules: diffKind(a, b, 'record'), ruleGroups };
}
