// Reads the Prometheus text format back into samples, for assertions on /metrics.

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): ParsedSample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = LINE.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = unescapeLabelValue(value!);
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** One left-to-right pass: `\\n` is a backslash then `n`, not a line feed. */
function unescapeLabelValue(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** The samples of one series name whose labels include `where`. */
export function select(samples: readonly ParsedSample[], name: string, where: Readonly<Record<string, string>> = {}): ParsedSample[] {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([key, value]) => s.labels[key] === value));
}

/** The value of the single matching series, or undefined when there is none. */
export function sampleValue(samples: readonly ParsedSample[], name: string, where: Readonly<Record<string, string>> = {}): number | undefined {
  const matching = select(samples, name, where);
  if (matching.length > 1) throw new Error(`${matching.length} series of ${name} match ${JSON.stringify(where)}`);
  return matching[0]?.value;
}

/**
 * The value of the single series of `name` whose labels include `where`, read from exposition text without
 * parsing the rest of it: for probes that poll /metrics many times while they wait (a 24-queue exporter's page
 * is ~340 KB, and parsing all of it on every probe cost the fast lane seconds of CPU). The lines of `name` are
 * parsed by parseExposition, so a probe reads exactly what a full parse would.
 */
export function valueIn(text: string, name: string, where: Readonly<Record<string, string>> = {}): number | undefined {
  const lines: string[] = [];
  const needle = `\n${name}`;
  for (let at = text.startsWith(name) ? 0 : text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const start = text[at] === '\n' ? at + 1 : at;
    const end = text.indexOf('\n', start);
    const line = end === -1 ? text.slice(start) : text.slice(start, end);
    const next = line[name.length];
    if (next === '{' || next === ' ') lines.push(line);
  }
  return sampleValue(parseExposition(lines.join('\n')), name, where);
}
