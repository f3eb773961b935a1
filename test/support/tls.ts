// A real self-signed certificate made by openssl, for tests of TLS on loopback.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Writes `<name>-key.pem` and `<name>-cert.pem` (or `key.pem`/`cert.pem` when `name` is omitted) into `dir`,
 * for `commonName`, valid for a day; with `ipAddress` the certificate also names that IP, so clients verify it.
 */
export function selfSignedCertificate(dir: string, options: { name?: string; commonName: string; ipAddress?: string }): { keyFile: string; certFile: string } {
  const prefix = options.name === undefined ? '' : `${options.name}-`;
  const keyFile = join(dir, `${prefix}key.pem`);
  const certFile = join(dir, `${prefix}cert.pem`);
  const san = options.ipAddress === undefined ? [] : ['-addext', `subjectAltName=IP:${options.ipAddress}`];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', `/CN=${options.commonName}`, ...san],
    { stdio: 'ignore' },
  );
  return { keyFile, certFile };
}
