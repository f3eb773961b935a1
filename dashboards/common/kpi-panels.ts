// The contact-KPI panels both queue dashboards show (the overview as bars per queue and media type, the detail as
// stats per media type): title, description, unit, query and "no value" text declared once, so the two cannot
// disagree about what AHT or the abandon rate means. The KPI definitions themselves are metrics/kpis.ts'.

import { averageHandleTime, averageSpeedOfAnswer, transferRate } from '../../metrics/kpis.ts';
import type { Vector } from '../../metrics/promql.ts';
import type { QueueScope } from './queries.ts';
import { abandonRatioPerQueue, perQueueAndMedia, type QueueMedia } from './queue-queries.ts';

export type ContactKpi = 'averageHandleTime' | 'averageSpeedOfAnswer' | 'abandonRate' | 'transferRate';

export interface ContactKpiPanel {
  readonly title: string;
  readonly description: string;
  readonly unit: 's' | 'percentunit';
  readonly refId: string;
  readonly expr: Vector<QueueMedia>;
  readonly noValue: string;
}

/**
 * The four KPI panels for a scope. `queue` names the queue in the descriptions where there is one (the detail's
 * `$queue`); the overview's queues are the selection and go unnamed.
 */
export function contactKpiPanels(scope: QueueScope, queue?: string): Readonly<Record<ContactKpi, ContactKpiPanel>> {
  const of = queue === undefined ? '' : ` of ${queue}`;
  const inQueue = queue === undefined ? '' : ` in ${queue}`;
  return {
    averageHandleTime: {
      title: 'Average handle time',
      description: `Talk + hold + after-call work per contact${of} handled (AHT, Genesys tHandle).`,
      unit: 's',
      refId: 'aht',
      expr: averageHandleTime(perQueueAndMedia(scope)),
      noValue: 'No contact handled in the window',
    },
    averageSpeedOfAnswer: {
      title: 'Average speed of answer',
      description: `How long answered contacts${of} waited for an agent (ASA, Genesys tAnswered); abandoned contacts are not in it.`,
      unit: 's',
      refId: 'asa',
      expr: averageSpeedOfAnswer(perQueueAndMedia(scope)),
      noValue: 'No contact answered in the window',
    },
    abandonRate: {
      title: 'Abandon rate',
      description: `Abandoned / offered${inQueue}, short abandons (hung up within the org's short-abandon threshold) left out of both.`,
      unit: 'percentunit',
      refId: 'abandonRate',
      expr: abandonRatioPerQueue(scope),
      noValue: 'No contact offered in the window',
    },
    transferRate: {
      title: 'Transfer rate',
      description: `Contacts${of} an agent transferred (blind or consult) / contacts answered.`,
      unit: 'percentunit',
      refId: 'transferRate',
      expr: transferRate(perQueueAndMedia(scope)),
      noValue: 'No contact answered in the window',
    },
  };
}
