// --web.config.file in Prometheus exporter-toolkit format (the same file node_exporter takes):
//   tls_server_config: {cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version}
//   http_server_config: {headers: {Name: value}}
//   basic_auth_users: {username: <bcrypt hash>}
// Relative file paths are resolved against the config file's directory, as exporter-toolkit does.
// Unknown keys are errors (a typo must not silently turn TLS or auth off).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { SecureVersion } from 'node:tls';
import { load as parseYaml } from 'js-yaml';

export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
}

export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';

export interface TlsSettings {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientAuth: ClientAuthType;
  readonly clientCa: Buffer | undefined;
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion | undefined;
}

export interface WebConfig {
  readonly tls: TlsSettings | undefined;
  /** username → bcrypt hash. Empty: no authentication. */
  readonly basicAuthUsers: ReadonlyMap<string, string>;
  readonly headers: Readonly<Record<string, string>>;
}

export const NO_WEB_CONFIG: WebConfig = { tls: undefined, basicAuthUsers: new Map(), headers: {} };

const TOP_KEYS = ['tls_server_config', 'http_server_config', 'basic_auth_users'];
const TLS_KEYS = ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version'];
const CLIENT_AUTH_TYPES: readonly ClientAuthType[] = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
];
const TLS_VERSIONS: Readonly<Record<string, SecureVersion>> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
/** bcrypt variants bcryptjs verifies ($2y$ is PHP's/htpasswd's name for $2b$). */
const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
/**
 * Accepted bcrypt costs. 4 is bcrypt's own minimum (`htpasswd -B` defaults to 5, exporter-toolkit's docs
 * use 10). Each step doubles the work: one check costs ~70 ms of CPU at 10 and ~1.1 s at 14 in this
 * exporter's bcrypt (pure JavaScript); above 14 a single uncached check would stall the exporter for
 * seconds, and cost 31 for days, so such a hash is refused rather than accepted as a denial of service.
 */
const BCRYPT_COST = { min: 4, max: 14 } as const;

export function loadWebConfig(path: string): WebConfig {
  const fail = (key: string, problem: string): never => {
    throw new WebConfigError(`--web.config.file ${path}: ${key === '' ? '' : `${key}: `}${problem}`);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail('', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return fail('', `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = mapping(document ?? {}, '', fail);
  rejectUnknown(root, TOP_KEYS, '', fail);
  const baseDir = dirname(resolve(path));
  const readFile = (key: string, file: unknown): Buffer => {
    if (typeof file !== 'string' || file === '') return fail(key, 'must be a file path');
    try {
      return readFileSync(resolve(baseDir, file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const resolved = resolve(baseDir, file);
      return fail(key, `${file} cannot be read (${code}${resolved === file ? '' : `; resolved to ${resolved}`})`);
    }
  };
  /** A configured file as written, and where it resolved to when that differs. */
  const pathOf = (file: unknown): string => {
    const resolved = resolve(baseDir, String(file));
    return resolved === String(file) ? resolved : `${String(file)} (${resolved})`;
  };

  let tls: TlsSettings | undefined;
  if (root['tls_server_config'] !== undefined && root['tls_server_config'] !== null) {
    const section = mapping(root['tls_server_config'], 'tls_server_config', fail);
    rejectUnknown(section, TLS_KEYS, 'tls_server_config', fail);
    if (section['cert_file'] === undefined) fail('tls_server_config.cert_file', 'is required when tls_server_config is set');
    if (section['key_file'] === undefined) fail('tls_server_config.key_file', 'is required when tls_server_config is set');
    const clientAuth = (section['client_auth_type'] ?? 'NoClientCert') as ClientAuthType;
    if (!CLIENT_AUTH_TYPES.includes(clientAuth)) fail('tls_server_config.client_auth_type', `must be one of ${CLIENT_AUTH_TYPES.join(', ')}`);
    const needsCa = clientAuth === 'VerifyClientCertIfGiven' || clientAuth === 'RequireAndVerifyClientCert';
    if (needsCa && section['client_ca_file'] === undefined) fail('tls_server_config.client_ca_file', `is required with client_auth_type ${clientAuth}`);
    const version = (key: string, fallback: SecureVersion | undefined): SecureVersion | undefined => {
      const value = section[key];
      if (value === undefined) return fallback;
      return TLS_VERSIONS[String(value)] ?? fail(`tls_server_config.${key}`, `must be one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
    };
    tls = {
      cert: readFile('tls_server_config.cert_file', section['cert_file']),
      key: readFile('tls_server_config.key_file', section['key_file']),
      clientAuth,
      clientCa: section['client_ca_file'] === undefined ? undefined : readFile('tls_server_config.client_ca_file', section['client_ca_file']),
      minVersion: version('min_version', 'TLSv1.2')!,
      maxVersion: version('max_version', undefined),
    };
    checkTls(tls, { cert: pathOf(section['cert_file']), key: pathOf(section['key_file']), ca: pathOf(section['client_ca_file']) }, fail);
  }

  const basicAuthUsers = new Map<string, string>();
  if (root['basic_auth_users'] !== undefined && root['basic_auth_users'] !== null) {
    for (const [user, hash] of Object.entries(mapping(root['basic_auth_users'], 'basic_auth_users', fail))) {
      const match = typeof hash === 'string' ? BCRYPT_HASH.exec(hash) : null;
      if (match === null) {
        return fail(`basic_auth_users.${user}`, 'must be a bcrypt hash (e.g. from `htpasswd -nBC 10 "" | tr -d \':\\n\'`), never a plain password');
      }
      const cost = Number(match[1]);
      if (cost < BCRYPT_COST.min || cost > BCRYPT_COST.max) {
        fail(
          `basic_auth_users.${user}`,
          `bcrypt cost ${cost} is outside ${BCRYPT_COST.min}..${BCRYPT_COST.max} (each step doubles the CPU of a check; use e.g. \`htpasswd -nBC 10\`)`,
        );
      }
      basicAuthUsers.set(user, hash as string);
    }
  }

  const headers: Record<string, string> = {};
  if (root['http_server_config'] !== undefined && root['http_server_config'] !== null) {
    const section = mapping(root['http_server_config'], 'http_server_config', fail);
    rejectUnknown(section, ['headers', 'http2'], 'http_server_config', fail);
    for (const [name, value] of Object.entries(mapping(section['headers'] ?? {}, 'http_server_config.headers', fail))) {
      if (typeof value !== 'string') fail(`http_server_config.headers.${name}`, 'must be a string');
      headers[name] = value as string;
    }
  }
  return { tls, basicAuthUsers, headers };
}

/**
 * Builds the TLS context once at load, so a certificate that does not match its key, or a file that is not
 * PEM, fails here with the files named, instead of OpenSSL's bare "key values mismatch" at listen time.
 */
function checkTls(tls: TlsSettings, files: { cert: string; key: string; ca: string }, fail: (key: string, problem: string) => never): void {
  const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  try {
    createSecureContext({ cert: tls.cert });
  } catch (error) {
    fail('tls_server_config.cert_file', `${files.cert} is not a PEM certificate (${reason(error)})`);
  }
  try {
    createSecureContext({ key: tls.key });
  } catch (error) {
    fail('tls_server_config.key_file', `${files.key} is not a PEM private key, or is encrypted (${reason(error)})`);
  }
  try {
    createSecureContext({ cert: tls.cert, key: tls.key });
  } catch (error) {
    fail('tls_server_config', `the certificate in ${files.cert} does not match the private key in ${files.key} (${reason(error)})`);
  }
  if (tls.clientCa === undefined) return;
  try {
    // createSecureContext skips what is not PEM in a CA bundle without a word; X509Certificate does not.
    new X509Certificate(tls.clientCa);
  } catch (error) {
    fail('tls_server_config.client_ca_file', `${files.ca} is not a PEM CA certificate bundle (${reason(error)})`);
  }
}

function mapping(value: unknown, key: string, fail: (key: string, problem: string) => never): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(key, 'must be a mapping');
  return value as Record<string, unknown>;
}

function rejectUnknown(section: Record<string, unknown>, known: readonly string[], key: string, fail: (key: string, problem: string) => never): void {
  for (const name of Object.keys(section)) {
    if (!known.includes(name)) fail(key === '' ? name : `${key}.${name}`, `unknown key (known: ${known.join(', ')})`);
  }
}
