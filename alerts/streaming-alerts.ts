// Alerts about streaming observations (--collector.observations.mode=streaming|auto): the exporter falls back
// to polling the queues streaming does not cover, so values keep coming, but they come at the poll interval
// (not within seconds) and cost request budget the aggregates need. A fallback that lasts is worth a look.

import type { AlertingRule } from '../generator/contract.ts';
import { aggregateBy, raw, series } from '../metrics/promql.ts';
import type { AlertsConfig } from './config.ts';
import { alertingRule, EXPORTER_KEY, on } from './conventions.ts';

/** The streaming alerts, in the exporter-health group (alerts/exporter-alerts.ts): they are about the exporter. */
export function streamingAlerts(config: AlertsConfig): AlertingRule[] {
  const { job } = config.selectors;
  const { rules: r } = config;
  // 1 on an exporter that was asked to stream; polling mode reports 0 for these modes and never fires.
  const streamingAsked = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_observations_mode', { job, mode: { re: 'streaming|auto' } }));
  const exported = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_queues', { job }));
  const streamed = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_streaming_queues', { job }));
  return [
    alertingRule(config, {
      alert: 'GenesysStreamingFallback',
      // The number of exported queues polled instead of streamed.
      expr: raw(`(${exported} - ${on(EXPORTER_KEY)} ${streamed}) > 0 and ${on(EXPORTER_KEY)} ${streamingAsked} == 1`),
      severity: 'warning',
      summary: 'The Genesys Cloud exporter {{ $labels.instance }} polls queues it should stream',
      description:
        '{{ $value }} exported queues of {{ $labels.instance }} have been polled instead of streamed through the notification ' +
        `service for at least ${r.GenesysStreamingFallback.for}: their real-time values are up to a poll interval old ` +
        'instead of seconds, and the polls use request budget.',
      dashboard: { key: 'exporterHealth', perQueue: false },
    }),
  ];
}
