// The review as Markdown for a pull-request comment: a summary line, then one section per kind of
// output. Every change is one bullet line (sub-bullets for the details of one panel, rule or route),
// so a reviewer scans it and a test asserts it line by line. Long values go into <details> blocks.

import type { AlertmanagerChange, DashboardChange, EntityChange, FileChange, PanelChange, Place, Review, RuleChange, ValueChange } from './model.ts';
import { hasChanges } from './model.ts';
import { isObject } from './value-diff.ts';

/** Hidden marker the workflow uses to find and update its one comment. */
export const COMMENT_MARKER = '<!-- genesys-review -->';
/** Longest value shown inline; longer ones go into a <details> block. */
const INLINE_LIMIT = 100;

export interface MarkdownOptions {
  /** Relative path of the layout picture of a dashboard, when one was written. */
  readonly svgFor?: (uid: string) => string | undefined;
}

/** Markdown-escaped text; an underscore inside a word (queue_name) is left alone, GitHub does not emphasise it. */
const escapeText = (text: string): string => text.replace(/([\\`*{}[\]<>|])/g, '\\$1').replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');

function code(text: string): string {
  if (!text.includes('`')) return `\`${text}\``;
  return `\`\` ${text} \`\``;
}

/** One value as inline text (strings as they are, anything else as compact JSON). */
function plain(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'undefined';
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? 'undefined';
}

function thresholdText(value: unknown): string | undefined {
  if (!isObject(value) || !Array.isArray(value.steps)) return undefined;
  const steps = value.steps.filter(isObject).map((s) => (s.value === null || s.value === undefined ? plain(s.color) : `${plain(s.color)} ≥ ${plain(s.value)}`));
  return `${steps.join(', ')}${value.mode === 'percentage' ? ' (percentage)' : ''}`;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A fenced block, indented under a list item. */
function block(indent: string, language: string, lines: readonly string[]): string[] {
  const fence = lines.some((l) => l.includes('```')) ? '````' : '```';
  return [`${indent}${fence}${language}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

function details(indent: string, summary: string, body: readonly string[]): string[] {
  return [`${indent}<details><summary>${summary}</summary>`, '', ...body, '', `${indent}</details>`];
}

/** Before/after as a diff block: red and green in a GitHub comment. */
function beforeAfterBlock(indent: string, before: unknown, after: unknown, language = 'diff'): string[] {
  const lines = [
    ...(before === undefined
      ? []
      : pretty(before)
          .split('\n')
          .map((l) => `- ${l}`)),
    ...(after === undefined
      ? []
      : pretty(after)
          .split('\n')
          .map((l) => `+ ${l}`)),
  ];
  return block(indent, language, lines);
}

/** The part of a PromQL expression that changed: common leading and trailing tokens dropped. */
function changedPart(before: string, after: string): { before: string; after: string } {
  const tokenize = (s: string): string[] =>
    s.match(/\s+|[A-Za-z_:][A-Za-z0-9_:]*|\d+(?:\.\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?|"(?:[^"\\]|\\.)*"|\$\w+|./g) ?? [];
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return {
    before: a
      .slice(start, a.length - end)
      .join('')
      .trim(),
    after: b
      .slice(start, b.length - end)
      .join('')
      .trim(),
  };
}

/** `label`: what changed, as one line (or a line plus a block for long values). */
function valueLines(indent: string, label: string, change: ValueChange, format: (v: unknown) => string = plain, listing = false): string[] {
  const { before, after } = change;
  const text = (v: unknown): string => (v === undefined ? '' : format(v));
  const long = text(before).length > INLINE_LIMIT || text(after).length > INLINE_LIMIT || text(before).includes('\n') || text(after).includes('\n');
  if (!long) {
    if (listing) return [`${indent}- ${label}: ${code(text(after ?? before))}`];
    if (before === undefined) return [`${indent}- ${label}: added ${code(text(after))}`];
    if (after === undefined) return [`${indent}- ${label}: removed (was ${code(text(before))})`];
    return [`${indent}- ${label}: ${code(text(before))} → ${code(text(after))}`];
  }
  if (listing) return [`${indent}- ${label}:`, ...block(`${indent}  `, '', pretty(after ?? before).split('\n'))];
  const verb = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
  return [`${indent}- ${label}: ${verb}`, ...details(`${indent}  `, 'before and after', beforeAfterBlock(`${indent}  `, before, after))];
}

/** A PromQL change: the changed part on the bullet line, the whole expressions in a diff block. */
function promqlLines(indent: string, label: string, before: unknown, after: unknown): string[] {
  const a = typeof before === 'string' ? before : undefined;
  const b = typeof after === 'string' ? after : undefined;
  let head: string;
  if (a === undefined) head = `${indent}- ${label}: added`;
  else if (b === undefined) head = `${indent}- ${label}: removed`;
  else {
    const part = changedPart(a, b);
    if (part.before.length > 60 || part.after.length > 60) head = `${indent}- ${label}: changed`;
    else if (part.before === '') head = `${indent}- ${label}: adds ${code(part.after)}`;
    else if (part.after === '') head = `${indent}- ${label}: removes ${code(part.before)}`;
    else head = `${indent}- ${label}: ${code(part.before)} → ${code(part.after)}`;
  }
  const body = beforeAfterBlock(`${indent}  `, a, b);
  const long = (a?.length ?? 0) > 2 * INLINE_LIMIT || (b?.length ?? 0) > 2 * INLINE_LIMIT;
  return [head, ...(long ? details(`${indent}  `, 'PromQL before and after', body) : body)];
}

function placeText(place: Place): string {
  return `${place.row === null ? '' : `row “${place.row}”, `}x ${place.x}, y ${place.y}`;
}

const PANEL_LABELS: Readonly<Record<string, string>> = {
  title: 'title',
  type: 'type',
  description: 'description',
  'fieldConfig.defaults.unit': 'unit',
  'fieldConfig.defaults.thresholds': 'thresholds',
};

function panelLabel(path: string): string {
  const named = PANEL_LABELS[path];
  if (named !== undefined) return named;
  if (path.startsWith('fieldConfig.overrides')) return `override ${code(path.slice('fieldConfig.overrides'.length))}`;
  if (path.startsWith('transformations')) return `transformation ${code(path.slice('transformations'.length))}`;
  if (path.startsWith('fieldConfig.defaults.links') || path.startsWith('links')) return `link ${code(path.replace('fieldConfig.defaults.', ''))}`;
  return code(path);
}

function entityFields(indent: string, entity: EntityChange): string[] {
  return entity.changes.flatMap((c) => valueLines(indent, code(c.path), c));
}

function queryLines(indent: string, query: EntityChange): string[] {
  const label = `query ${code(query.key)}`;
  const target = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
  if (query.status !== 'changed') {
    const whole = query.changes[0];
    const expr = target(query.status === 'added' ? whole?.after : whole?.before).expr;
    return query.status === 'added' ? promqlLines(indent, label, undefined, expr) : promqlLines(indent, label, expr, undefined);
  }
  return query.changes.flatMap((c) => (c.path === 'expr' ? promqlLines(indent, label, c.before, c.after) : valueLines(indent, `${label} ${code(c.path)}`, c)));
}

function panelLines(panel: PanelChange): string[] {
  const head = `- **${escapeText(panel.title || '(untitled)')}** (${panel.type}, id ${panel.id})`;
  const size = `${panel.place.w}×${panel.place.h}`;
  if (panel.status === 'removed') return [`${head}: removed (was at ${placeText(panel.place)}, ${size})`];
  if (panel.status === 'added') return [`${head}: added at ${placeText(panel.place)}, ${size}`, ...panel.queries.flatMap((q) => queryLines('  ', q))];
  const lines = [head];
  if (panel.previousId !== undefined) lines.push(`  - id: ${code(String(panel.previousId))} → ${code(String(panel.id))} (links to the old id break)`);
  if (panel.moved) lines.push(`  - moved: ${placeText(panel.moved.from)} → ${placeText(panel.moved.to)}`);
  if (panel.resized) lines.push(`  - resized: ${panel.resized.from.w}×${panel.resized.from.h} → ${panel.resized.to.w}×${panel.resized.to.h}`);
  for (const change of panel.changes) {
    const format = change.path === 'fieldConfig.defaults.thresholds' ? (v: unknown) => thresholdText(v) ?? plain(v) : plain;
    lines.push(...valueLines('  ', panelLabel(change.path), change, format));
  }
  for (const query of panel.queries) lines.push(...queryLines('  ', query));
  return lines;
}

function dashboardLines(dashboard: DashboardChange, options: MarkdownOptions): string[] {
  const name = `${escapeText(dashboard.title)} (${code(dashboard.uid)})`;
  if (dashboard.status === 'removed') return [`#### ${name}: removed`, ''];
  const svg = options.svgFor?.(dashboard.uid);
  const picture = svg === undefined ? [] : [`![Layout of ${dashboard.uid} before and after](${svg})`, ''];
  if (dashboard.status === 'added') {
    const panels = details('', `${plural(dashboard.panels.length, 'panel')} and their queries`, dashboard.panels.flatMap(panelLines));
    return [`#### ${name}: added, ${plural(dashboard.panels.length, 'panel')}`, '', ...picture, ...panels, ''];
  }
  const lines = [`#### ${name}${dashboard.previousTitle === undefined ? '' : `: renamed from “${escapeText(dashboard.previousTitle)}”`}`, '', ...picture];
  for (const s of dashboard.settings) lines.push(...valueLines('', `dashboard ${code(s.path)}`, s));
  for (const v of dashboard.variables) {
    if (v.status === 'changed') lines.push(`- variable ${code(v.key)}`, ...entityFields('  ', v));
    else lines.push(`- variable ${code(v.key)}: ${v.status}`);
  }
  for (const panel of dashboard.panels) lines.push(...panelLines(panel));
  return [...lines, ''];
}

const RULE_LABELS: Readonly<Record<string, string>> = { for: '`for`', keep_firing_for: '`keep_firing_for`', 'labels.severity': 'severity', group: 'group' };

function ruleFieldLines(indent: string, change: ValueChange, listing = false): string[] {
  if (change.path === 'expr')
    return listing ? [`${indent}- expr:`, ...block(`${indent}  `, 'promql', [plain(change.after)])] : promqlLines(indent, 'expr', change.before, change.after);
  const label =
    RULE_LABELS[change.path] ??
    (change.path.startsWith('labels.')
      ? `label ${code(change.path.slice(7))}`
      : change.path.startsWith('annotations.')
        ? `annotation ${code(change.path.slice(12))}`
        : code(change.path));
  return valueLines(indent, label, change, plain, listing);
}

function ruleLines(rule: RuleChange): string[] {
  const head = `- **${escapeText(rule.name)}**`;
  if (rule.status === 'removed') return [`${head}: removed (group ${code(rule.group)})`];
  if (rule.status === 'added') {
    return [`${head}: added (group ${code(rule.group)})`, ...rule.changes.flatMap((c) => ruleFieldLines('  ', c, true))];
  }
  return [head, ...rule.changes.flatMap((c) => ruleFieldLines('  ', c))];
}

const routeName = (path: readonly string[]): string => code(path.join(' › '));

function alertmanagerLines(change: AlertmanagerChange): string[] {
  const lines: string[] = [];
  for (const route of change.routes) {
    lines.push(`- route ${routeName(route.path)}${route.status === 'changed' ? '' : `: ${route.status}`}`);
    if (route.status !== 'removed') lines.push(...route.changes.flatMap((c) => valueLines('  ', code(c.path), c, plain, route.status === 'added')));
  }
  for (const order of change.routeOrder) {
    lines.push(
      `- routes under ${routeName(order.parent)} reordered (first match wins): ${order.before.map(code).join(', ')} → ${order.after.map(code).join(', ')}`,
    );
  }
  const entities = (noun: string, list: readonly EntityChange[]): void => {
    for (const e of list) {
      if (e.status === 'changed') lines.push(`- ${noun} ${code(e.key)}`, ...entityFields('  ', e));
      else lines.push(`- ${noun} ${code(e.key)}: ${e.status}`);
    }
  };
  entities('receiver', change.receivers);
  for (const inhibition of change.inhibitions) lines.push(`- inhibition ${inhibition.status}: ${code(inhibition.key)}`);
  entities('time interval', change.timeIntervals);
  for (const c of change.other) lines.push(...valueLines('', code(c.path), c));
  return lines;
}

function fileLines(file: FileChange): string[] {
  if (file.status !== 'changed') return [`- ${code(file.path)}: ${file.status}`];
  if (file.unifiedDiff !== undefined) return [`- ${code(file.path)}`, ...details('  ', 'unified diff', block('  ', 'diff', file.unifiedDiff.split('\n')))];
  return [`- ${code(file.path)}`, ...(file.changes ?? []).flatMap((c) => valueLines('  ', code(c.path), c))];
}

function countByStatus(items: readonly { status: string }[], noun: string): string[] {
  return (['added', 'removed', 'changed'] as const)
    .map((status) => ({ status, n: items.filter((i) => i.status === status).length }))
    .filter(({ n }) => n > 0)
    .map(({ status, n }) => `${plural(n, noun)} ${status}`);
}

function alertmanagerCount(change: AlertmanagerChange | null): number {
  if (change === null) return 0;
  return (
    change.routes.length + change.routeOrder.length + change.receivers.length + change.inhibitions.length + change.timeIntervals.length + change.other.length
  );
}

/** "1 dashboard changed, 1 alert changed, 2 Alertmanager changes" (or "No changes"). */
function summaryLine(review: Review): string {
  if (!hasChanges(review)) {
    return '**No changes.** Both sides generate the same dashboards, rules, Alertmanager configuration and deployment files.';
  }
  const am = alertmanagerCount(review.alertmanager);
  const changed = review.dashboards.filter((d) => d.status === 'changed');
  const count = (f: (d: DashboardChange) => number): number => changed.reduce((n, d) => n + f(d), 0);
  const what = [
    ...(count((d) => d.panels.length) > 0
      ? [
          plural(
            count((d) => d.panels.length),
            'panel',
          ),
        ]
      : []),
    ...(count((d) => d.variables.length) > 0
      ? [
          plural(
            count((d) => d.variables.length),
            'variable',
          ),
        ]
      : []),
    ...(count((d) => d.settings.length) > 0
      ? [
          plural(
            count((d) => d.settings.length),
            'setting',
          ),
        ]
      : []),
    ...(count((d) => (d.previousTitle === undefined ? 0 : 1)) > 0 ? ['renamed'] : []),
  ].join(', ');
  const parts = [
    ...countByStatus(review.dashboards, 'dashboard').map((part) => (part.endsWith('changed') ? `${part} (${what})` : part)),
    ...countByStatus(review.alerts, 'alert'),
    ...countByStatus(review.recordingRules, 'recording rule'),
    ...countByStatus(review.ruleGroups, 'rule group'),
    ...(am > 0 ? [plural(am, 'Alertmanager change')] : []),
    ...countByStatus(review.files, 'file'),
  ];
  return `**Summary:** ${parts.join(', ')}.`;
}

export function renderMarkdown(review: Review, options: MarkdownOptions = {}): string {
  const side = (s: Review['base']): string => `${code(s.ref)}${s.commit === '' ? '' : ` (${s.commit.slice(0, 7)})`}`;
  const lines = [COMMENT_MARKER, `## Review of generated output: ${side(review.base)} → ${side(review.head)}`, '', summaryLine(review), ''];
  if (review.dashboards.length > 0) {
    lines.push('### Dashboards', '');
    for (const d of review.dashboards) lines.push(...dashboardLines(d, options));
  }
  if (review.alerts.length > 0) lines.push('### Alerts', '', ...review.alerts.flatMap(ruleLines), '');
  if (review.recordingRules.length > 0) lines.push('### Recording rules', '', ...review.recordingRules.flatMap(ruleLines), '');
  if (review.ruleGroups.length > 0) {
    lines.push('### Rule groups', '');
    for (const g of review.ruleGroups) {
      lines.push(`- group ${code(g.name)}${g.status === 'changed' ? '' : `: ${g.status}`}`, ...g.changes.flatMap((c) => valueLines('  ', code(c.path), c)));
    }
    lines.push('');
  }
  if (review.alertmanager !== null) lines.push('### Alertmanager', '', ...alertmanagerLines(review.alertmanager), '');
  if (review.files.length > 0) lines.push('### Deployment and provisioning files', '', ...review.files.flatMap(fileLines), '');
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
