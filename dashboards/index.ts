// The dashboards `npm run generate` renders: one module per dashboard, each a function of the same config
// object the alerts are built from.

import type { AlertsConfig } from '../alerts/config.ts';
import type { DashboardSource } from '../generator/contract.ts';
import { exporterHealthSource } from './exporter-health.ts';
import { queueDetailSource } from './queue-detail.ts';
import { queueOverviewSource } from './queue-overview.ts';

export function dashboardSources(config: AlertsConfig): DashboardSource[] {
  return [queueOverviewSource(config), queueDetailSource(config), exporterHealthSource(config)];
}
