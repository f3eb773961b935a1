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
  [
    /(access_token|refresh_token|id_token|client_secret|secret|password|passwd|api_?key|authorization)(["']?\s*[:=]\s*["']?)(?!(?:bearer|basic)\s)[^"'\s,&}]+/gi,
    '$1$2[REDACTED]',
  ],
  // A bare "token" key only with a credential-length value, and not as a path ("/oauth/token: the …").
  [/(?<![/\w])(token)(["']?\s*[:=]\s*["']?)(?!(?:bearer|basic)\s)[^"'\s,&}]{8,}/gi, '$1$2[REDACTED]'],
  // A JWT anywhere.
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[REDACTED]'],
];

/** Any long opaque run of letters and digits (an access token echoed without "Bearer", a secret): 40+
 * characters with both letters and digits. UUIDs (36) such as correlation ids stay readable. Matched
 * run by run (linear), the letter-and-digit test done on each run. */
const OPAQUE_RUN = /[A-Za-z0-9_-]{40,}/g;
const maskOpaque = (run: string): string => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? '[REDACTED]' : run);

// Credentials this process holds: the configured client secret (and its Basic encoding) for the life of
// the process, and the most recent access tokens. Redacted wherever they appear, whatever their shape.
const MIN_PROTECTED_LENGTH = 6;
const RECENT_TOKENS = 8;
const protectedSecrets = new Set<string>();
const recentTokens: string[] = [];

/** Redact `value` wherever it appears in any log line or error message, for the life of the process. */
export function protectSecret(value: string): void {
  if (value.length >= MIN_PROTECTED_LENGTH) protectedSecrets.add(value);
}

/** Redact an access token wherever it appears; the last few tokens are kept (current and previous). */
export function protectToken(value: string): void {
  if (value.length < MIN_PROTECTED_LENGTH || recentTokens.includes(value)) return;
  recentTokens.push(value);
  if (recentTokens.length > RECENT_TOKENS) recentTokens.shift();
}

/** Masks the credentials this process holds, bearer/basic credentials, `key=value` secrets, JWTs and long
 * opaque tokens in free text. */
export function redact(text: string): string {
  let out = text;
  for (const known of [...protectedSecrets, ...recentTokens]) if (out.includes(known)) out = out.replaceAll(known, '[REDACTED]');
  return SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), out).replace(OPAQUE_RUN, maskOpaque);
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where lines go; stderr by default. Tests pass an array sink. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = LEVEL_ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
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
