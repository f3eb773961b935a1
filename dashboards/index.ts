// The dashboards `npm run generate` renders: one module per dashboard.

import type { DashboardSource } from '../generator/contract.ts';
import { exporterHealthSource } from './exporter-health.ts';
import { queueDetailSource } from './queue-detail.ts';
import { queueOverviewSource } from './queue-overview.ts';

export function dashboardSources(): DashboardSource[] {
  return [queueOverviewSource, queueDetailSource, exporterHealthSource];
}
