// Prometheus durations ('500ms', '10s', '5m', '1h30m'): the syntax of rule `for`, Alertmanager intervals,
// scrape settings and the exporter's flags, so one grammar (Prometheus' own: whole numbers, units largest
// first, each at most once) serves them all.

const UNIT_MS = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = Object.keys(UNIT_MS) as Unit[];

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds in a Prometheus duration, or undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (text === '') return undefined;
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  return UNITS.reduce((total, unit, index) => total + Number(match[index + 1] ?? 0) * UNIT_MS[unit], 0);
}

/** The shortest Prometheus duration for ms: 90000 → "1m30s", 500 → "500ms", 0 → "0s". */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const unit of UNITS) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * UNIT_MS[unit];
  }
  return text;
}
