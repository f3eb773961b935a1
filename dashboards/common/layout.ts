// Grid layout and dashboard assembly. A dashboard module lists its panels line by line in one place;
// positions are computed here, ids stay with the panels, so moving a panel changes its gridPos only.

import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TAG, DASHBOARD_UIDS } from '../../config/project.ts';
import type { DashboardKey } from '../../config/project.ts';
import { familyLink } from './links.ts';

/** Grafana's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

export interface PositionablePanel extends cog.Builder<dashboard.Panel> {
  gridPos(gridPos: dashboard.GridPos): unknown;
}

/** A panel and its size in grid units. */
export interface Cell {
  readonly panel: PositionablePanel;
  readonly w: number;
  readonly h: number;
}

/** Panels side by side, left to right; the next line starts below the tallest. */
export type Line = readonly Cell[];
export type Layout = readonly Line[];

export function cell(panel: PositionablePanel, w: number, h: number): Cell {
  return { panel, w, h };
}

export interface DashboardSpec {
  readonly key: DashboardKey;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly cog.Builder<dashboard.VariableModel>[];
  readonly layout: Layout;
}

/** Sets every panel's gridPos from the layout; throws (naming the dashboard and line) when a line overflows. */
export function placePanels(dashboardTitle: string, layout: Layout): PositionablePanel[] {
  const placed: PositionablePanel[] = [];
  let y = 0;
  layout.forEach((line, lineIndex) => {
    const width = line.reduce((total, c) => total + c.w, 0);
    if (line.length === 0 || width > GRID_COLUMNS) {
      throw new Error(
        `dashboard "${dashboardTitle}": layout line ${lineIndex + 1} is ${width} columns wide with ${line.length} panels; ` +
          `a line needs 1 or more panels and at most ${GRID_COLUMNS} columns`,
      );
    }
    let x = 0;
    for (const c of line) {
      c.panel.gridPos({ x, y, w: c.w, h: c.h });
      placed.push(c.panel);
      x += c.w;
    }
    y += Math.max(...line.map((c) => c.h));
  });
  return placed;
}

export function composeDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(DASHBOARD_UIDS[spec.key])
    .description(spec.description)
    .tags([DASHBOARD_TAG])
    .timezone('browser')
    .time({ from: 'now-3h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables([...spec.variables])
    .link(familyLink());
  // Every panel has an explicit gridPos, so the SDK's own auto-placement (which only fills in panels
  // placed at 0,0) keeps ours: the first panel is the only one at 0,0 and the SDK puts it there too.
  for (const panel of placePanels(spec.title, spec.layout)) builder.withPanel(panel);
  return builder.build();
}
