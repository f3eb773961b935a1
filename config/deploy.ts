// Deployment settings: what out/deploy/ (Dockerfile, Kubernetes manifests, systemd unit) is generated
// from, next to the names in project.ts that the dashboards and alerts use. Change a value here and run
// `npm run generate`.

import { BIN_NAME } from '../deploy/package-layout.ts';

/**
 * Environment variables the exporter reads its credentials and region from: the names the Genesys Cloud
 * CLI and CX-as-Code use, so an operator's existing secrets fit. (The exporter also accepts each with a
 * `_FILE` suffix: a path to a file holding the value.)
 */
export const CREDENTIAL_ENV = {
  clientId: 'GENESYSCLOUD_OAUTHCLIENT_ID',
  clientSecret: 'GENESYSCLOUD_OAUTHCLIENT_SECRET',
  region: 'GENESYSCLOUD_REGION',
} as const;
export type CredentialKey = keyof typeof CREDENTIAL_ENV;

export const DEPLOY = {
  /** Image name the Dockerfile is built as and the Deployment runs; tag = package.json version. Prefix it
   * with your registry (e.g. registry.example.com/observability/genesys-cloud-exporter). */
  image: BIN_NAME,
  /** Node.js base image of the build and runtime stages (Debian slim: glibc, small, security updates). */
  nodeImage: 'node:20-bookworm-slim',
  /** Numeric uid/gid the container runs as (the `node` user of the official image). Numeric, so
   * Kubernetes' runAsNonRoot can verify it without reading /etc/passwd. */
  uid: 1000,
  gid: 1000,
  kubernetes: {
    /** Name of the Deployment, Service, ServiceMonitor and the Secret holding the credentials. */
    name: BIN_NAME,
    /** Keys in the Secret: one per credential (the region travels with the client it belongs to). */
    secretKeys: { clientId: 'client-id', clientSecret: 'client-secret', region: 'region' } satisfies Record<CredentialKey, string>,
    /** Sized from the 1,000-queue benchmark (a scrape ~0.2 s CPU, 7 MiB body); raise memory for larger orgs. */
    resources: {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
  },
  systemd: {
    /** Where `npm install -g <tarball>` puts the bin with Debian's or nodesource's Node.js. */
    execStart: `/usr/local/bin/${BIN_NAME}`,
    /** Holds the credential files (root-only) and exporter.env (the region and other settings). */
    configDir: `/etc/${BIN_NAME}`,
  },
} as const;
