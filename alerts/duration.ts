// Prometheus and Alertmanager durations ('30s', '5m', '1h30m'), checked before they reach a rule file:
// promtool would reject a bad one too, but only after generation and without naming the config key.

const UNIT_SECONDS = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 } as const;

/** Prometheus' own grammar: units largest first, each at most once, e.g. '1h30m', '90s', '500ms'. */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Seconds in a Prometheus duration, or undefined when the text is not one. */
export function durationSeconds(text: string): number | undefined {
  if (text === '') return undefined;
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const units = Object.values(UNIT_SECONDS);
  return match.slice(1).reduce((total, amount, index) => total + Number(amount ?? 0) * (units[index] ?? 0), 0);
}
