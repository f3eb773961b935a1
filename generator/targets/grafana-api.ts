// Grafana HTTP API: per dashboard, the body of POST /api/dashboards/db that creates or replaces it in the
// folder GRAFANA_FOLDER_UID. The dashboard inside is the exact generated model.

import { DELIVERY_TARGET_FOLDERS } from '../../config/delivery-targets.ts';
import { GRAFANA_FOLDER } from '../../config/project.ts';
import type { Artifact } from '../contract.ts';
import { renderJson } from '../stable-render.ts';
import type { GeneratedDashboard } from './generated-documents.ts';

/** Uid of the Grafana folder the payloads import into; create it once (README: Grafana HTTP API). */
export const GRAFANA_FOLDER_UID = 'genesys-cloud';

export interface DashboardImportPayload {
  readonly dashboard: Readonly<Record<string, unknown>>;
  readonly folderUid: string;
  /** Replace the dashboard with the same uid: the generated file is the source of truth. */
  readonly overwrite: true;
  readonly message: string;
}

export function grafanaApiPayload(dashboard: GeneratedDashboard): Artifact {
  const payload: DashboardImportPayload = {
    dashboard: dashboard.model,
    folderUid: GRAFANA_FOLDER_UID,
    overwrite: true,
    message: `npm run generate: out/dashboards/${dashboard.fileName} (folder "${GRAFANA_FOLDER}")`,
  };
  return { path: `${DELIVERY_TARGET_FOLDERS.grafanaApi}/${dashboard.fileName}`, content: renderJson(payload) };
}
