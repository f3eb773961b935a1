// Structured JSON logs, one object per line on stderr. Secrets never reach a log: callers pass facts
// (endpoint names, status codes, durations), and `redact` masks anything that looks like a credential
// in case an upstream error message echoes one back.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Each pattern with its own replacement: `$1`/`$2` keep the scheme or key and separator, the secret goes. */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  // key=value, key: value, "key":"value". A separator (: or =) is required, so prose that merely names a
  // variable ("GENESYS_CLIENT_SECRET (or …_FILE) is not set") stays readable; a value that is a scheme
  // (Authorization: Bearer …) was handled above.
  [/(access_token|client_secret|password|authorization)(["']?\s*[:=]\s*["']?)(?!(?:bearer|basic)\s)[^"'\s,&}]+/gi, '$1$2[REDACTED]'],
];

/** Masks bearer/basic credentials and `key=value` secrets in free text. */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go; stderr by default. Tests pass an array sink. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (LEVEL_ORDER[level] < threshold) return;
    const record: Record<string, unknown> = { ts: now().toISOString(), level, msg: redact(msg) };
    for (const [key, value] of Object.entries({ ...bound, ...fields })) {
      if (value === undefined) continue;
      record[key] = typeof value === 'string' ? redact(value) : value;
    }
    write(JSON.stringify(record));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (library default when the caller passes none). */
export const silentLogger: Logger = createLogger({ write: () => {} });
