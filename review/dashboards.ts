// Dashboards compared by uid, panels by id within their dashboard (the project's PANEL tables keep ids
// stable; a panel that kept its title and type under a new id is reported as renumbered, not as one
// removed and one added), queries by refId, variables by name. Array position never identifies anything.

import type { DashboardChange, PanelChange, Status, ValueChange } from './model.ts';
import { type LaidOutPanel, layOut, movedPanels, panelTitle } from './layout.ts';
import { diffEntities } from './entities.ts';
import { diffValues, type ElementKeys, isObject, keyedElements, without } from './value-diff.ts';

export interface DashboardFile {
  readonly file: string;
  readonly json: Record<string, unknown>;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

/** Overrides are matched by their matcher, transformations by id, annotations and links by name/title. */
const panelKeys: ElementKeys = (path) => {
  if (path === 'fieldConfig.overrides') return (o) => (isObject(o) && isObject(o.matcher) ? `${str(o.matcher.id)}=${str(o.matcher.options)}` : '?');
  if (path === 'transformations') return (t) => (isObject(t) ? str(t.id) : '?');
  return undefined;
};
const dashboardKeys: ElementKeys = (path) => (path === 'annotations.list' ? (a) => (isObject(a) ? str(a.name) : '?') : undefined);

const asList = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);

const targets = (panel: Record<string, unknown>): Record<string, unknown>[] => asList(panel.targets);

/**
 * Pairs after-id → before-id, most certain first: the same id and title; then the same title and type
 * where that pair is unique on both sides (a renumbered panel, even when ids were swapped); then the
 * same id (a retitled panel). Whatever is left was added or removed.
 */
function pairPanels(before: readonly LaidOutPanel[], after: readonly LaidOutPanel[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const pairedBefore = new Set<number>();
  const pair = (now: LaidOutPanel, old: LaidOutPanel | undefined): void => {
    if (old === undefined || pairs.has(now.id) || pairedBefore.has(old.id)) return;
    pairs.set(now.id, old.id);
    pairedBefore.add(old.id);
  };
  const open = <T extends LaidOutPanel>(list: readonly T[], taken: (p: T) => boolean): T[] => list.filter((p) => !taken(p));
  for (const now of after)
    pair(
      now,
      before.find((old) => old.id === now.id && panelTitle(old.panel) === panelTitle(now.panel)),
    );
  const signature = (p: LaidOutPanel): string => `${str(p.panel.type)}\u0000${panelTitle(p.panel)}`;
  for (const now of open(after, (p) => pairs.has(p.id))) {
    const candidates = open(before, (p) => pairedBefore.has(p.id)).filter((old) => signature(old) === signature(now));
    const rivals = open(after, (p) => pairs.has(p.id)).filter((other) => signature(other) === signature(now));
    if (candidates.length === 1 && rivals.length === 1) pair(now, candidates[0]);
  }
  for (const now of open(after, (p) => pairs.has(p.id)))
    pair(
      now,
      open(before, (p) => pairedBefore.has(p.id)).find((old) => old.id === now.id),
    );
  return pairs;
}

function wholePanel(entry: LaidOutPanel, status: Status): PanelChange {
  return {
    id: entry.id,
    title: panelTitle(entry.panel),
    type: str(entry.panel.type),
    status,
    place: entry.place,
    queries: targets(entry.panel).map((t) => ({
      key: str(t.refId),
      status,
      changes: [status === 'added' ? { path: '', after: t } : { path: '', before: t }],
    })),
    changes: [],
  };
}

const THRESHOLDS = 'fieldConfig.defaults.thresholds';

/** Threshold steps read as one scale ("red, yellow ≥ 0.6, green ≥ 0.8"), so they change as one value. */
function wholeThresholds(changes: ValueChange[], before: Record<string, unknown>, after: Record<string, unknown>): ValueChange[] {
  if (!changes.some((c) => c.path.startsWith(THRESHOLDS))) return changes;
  const thresholds = (panel: Record<string, unknown>): unknown =>
    isObject(panel.fieldConfig) && isObject(panel.fieldConfig.defaults) ? panel.fieldConfig.defaults.thresholds : undefined;
  const rest = changes.filter((c) => !c.path.startsWith(THRESHOLDS));
  const index = changes.findIndex((c) => c.path.startsWith(THRESHOLDS));
  const whole: ValueChange = { path: THRESHOLDS, before: thresholds(before), after: thresholds(after) };
  return [...rest.slice(0, index), whole, ...rest.slice(index)];
}

function diffPanels(beforeDashboard: unknown, afterDashboard: unknown): PanelChange[] {
  const before = layOut(beforeDashboard);
  const after = layOut(afterDashboard);
  const pairs = pairPanels(before, after);
  const moved = movedPanels(before, after, pairs);
  const beforeById = new Map(before.map((p) => [p.id, p]));
  const result: PanelChange[] = [];
  for (const now of after) {
    const beforeId = pairs.get(now.id);
    const old = beforeId === undefined ? undefined : beforeById.get(beforeId);
    if (old === undefined) {
      result.push(wholePanel(now, 'added'));
      continue;
    }
    const ignore = ['id', 'gridPos', 'targets', 'panels'];
    const changes = wholeThresholds(diffValues(without(old.panel, ...ignore), without(now.panel, ...ignore), '', panelKeys), old.panel, now.panel);
    const queries = diffEntities(targets(old.panel), targets(now.panel), (t) => str(t.refId), ['refId']);
    const isMoved = moved.has(now.id);
    const isResized = old.place.w !== now.place.w || old.place.h !== now.place.h;
    if (changes.length === 0 && queries.length === 0 && !isMoved && !isResized && old.id === now.id) continue;
    result.push({
      id: now.id,
      ...(old.id === now.id ? {} : { previousId: old.id }),
      title: panelTitle(now.panel),
      type: str(now.panel.type),
      status: 'changed',
      place: now.place,
      ...(isMoved ? { moved: { from: old.place, to: now.place } } : {}),
      ...(isResized ? { resized: { from: old.place, to: now.place } } : {}),
      queries,
      changes,
    });
  }
  const pairedBefore = new Set(pairs.values());
  for (const old of before) if (!pairedBefore.has(old.id)) result.push(wholePanel(old, 'removed'));
  return result;
}

function diffDashboard(old: DashboardFile | undefined, now: DashboardFile | undefined, uid: string): DashboardChange | undefined {
  const title = (d: DashboardFile | undefined): string => str(d?.json.title);
  if (old === undefined || now === undefined) {
    const only = (old ?? now) as DashboardFile;
    const status: Status = old === undefined ? 'added' : 'removed';
    return {
      uid,
      status,
      title: title(only),
      file: only.file,
      settings: [],
      variables: [],
      panels: layOut(only.json).map((p) => wholePanel(p, status)),
    };
  }
  const ignore = ['panels', 'templating', 'id', 'version', 'iteration', 'uid', 'title'];
  const settings = diffValues(without(old.json, ...ignore), without(now.json, ...ignore), '', dashboardKeys);
  const variableList = (d: DashboardFile): Record<string, unknown>[] => asList(isObject(d.json.templating) ? d.json.templating.list : []);
  const variables = diffEntities(variableList(old), variableList(now), (v) => str(v.name), ['name']);
  const panels = diffPanels(old.json, now.json);
  const renamed = title(old) !== title(now);
  if (settings.length + variables.length + panels.length === 0 && !renamed) return undefined;
  return {
    uid,
    status: 'changed',
    title: title(now),
    ...(renamed ? { previousTitle: title(old) } : {}),
    file: now.file,
    settings,
    variables,
    panels,
  };
}

/** Dashboards by uid (the file name may change without the dashboard changing). */
export function diffDashboards(before: readonly DashboardFile[], after: readonly DashboardFile[]): DashboardChange[] {
  const byUid = (list: readonly DashboardFile[]): Map<string, DashboardFile> => keyedElements(list, (d) => str(d.json.uid) || d.file);
  const a = byUid(before);
  const b = byUid(after);
  const uids = [...new Set([...a.keys(), ...b.keys()])].sort();
  return uids.map((uid) => diffDashboard(a.get(uid), b.get(uid), uid)).filter((d): d is DashboardChange => d !== undefined);
}
