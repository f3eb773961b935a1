// The Prometheus text exposition format, version 0.0.4 (what Prometheus, promtool and every official client
// library speak): `# HELP`/`# TYPE` once per family, then one `name{label="value",...} value` line per series.
// Escaping rules of the format: label values escape backslash, double quote and line feed; HELP text
// escapes backslash and line feed; values are Go-parsable floats with NaN, +Inf and -Inf spelled that way.

/** The Content-Type Prometheus expects for this format (prom-client's `prometheusContentType`). */
export { prometheusContentType as EXPOSITION_CONTENT_TYPE } from 'prom-client';

const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const HELP_SPECIAL = /[\\\n]/;

function escapeLabelValue(value: string): string {
  if (!LABEL_VALUE_SPECIAL.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(help: string): string {
  if (!HELP_SPECIAL.test(help)) return help;
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(name: string, help: string, type: 'counter' | 'gauge' | 'histogram' | 'summary'): string {
  return `# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`;
}

/**
 * Renders the `{a="x",b="y"}` part of series lines for one fixed list of label names (the catalog's order,
 * so output is deterministic whatever order a collector built its label object in); '' without labels.
 */
export class LabelSetWriter {
  readonly #names: readonly string[];
  readonly #prefixes: readonly string[];

  constructor(names: readonly string[]) {
    this.#names = names;
    this.#prefixes = names.map((name, index) => `${index === 0 ? '{' : '",'}${name}="`);
  }

  write(labels: Readonly<Record<string, string>>): string {
    const names = this.#names;
    if (names.length === 0) return '';
    let out = '';
    for (let i = 0; i < names.length; i++) out += this.#prefixes[i]! + escapeLabelValue(labels[names[i]!] ?? '');
    return `${out}"}`;
  }
}
