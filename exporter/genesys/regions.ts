// Genesys Cloud regions: the API host is `api.<domain>`, the login host `login.<domain>`.
// The table follows the region tables of Genesys' official platform SDKs (see docs/genesys-api.md,
// "Regions and hosts").

const REGION_DOMAINS = {
  us_east_1: 'mypurecloud.com',
  eu_west_1: 'mypurecloud.ie',
  ap_southeast_2: 'mypurecloud.com.au',
  ap_northeast_1: 'mypurecloud.jp',
  eu_central_1: 'mypurecloud.de',
  us_west_2: 'usw2.pure.cloud',
  ca_central_1: 'cac1.pure.cloud',
  ap_northeast_2: 'apne2.pure.cloud',
  eu_west_2: 'euw2.pure.cloud',
  ap_south_1: 'aps1.pure.cloud',
  us_east_2: 'use2.us-gov-pure.cloud',
  sa_east_1: 'sae1.pure.cloud',
  me_central_1: 'mec1.pure.cloud',
  ap_northeast_3: 'apne3.pure.cloud',
  eu_central_2: 'euc2.pure.cloud',
  mx_central_1: 'mxc1.pure.cloud',
  ap_southeast_1: 'apse1.pure.cloud',
  eusc_de_east_1: 'edee1.eusc-pure.cloud',
} as const;

export type GenesysRegion = keyof typeof REGION_DOMAINS;

export const GENESYS_REGIONS = Object.keys(REGION_DOMAINS) as readonly GenesysRegion[];

export function isGenesysRegion(region: string): region is GenesysRegion {
  return Object.hasOwn(REGION_DOMAINS, region);
}

/** Base URLs of a region, e.g. `eu_west_1` → https://api.mypurecloud.ie and https://login.mypurecloud.ie. */
export function regionUrls(region: string): { apiUrl: string; loginUrl: string } {
  if (!isGenesysRegion(region)) {
    throw new Error(
      `Unknown Genesys Cloud region "${region}". Valid regions: ${GENESYS_REGIONS.join(', ')}. ` +
        'For a private gateway or the simulator, pass --genesys.api-url and --genesys.login-url instead.',
    );
  }
  const domain = REGION_DOMAINS[region];
  return { apiUrl: `https://api.${domain}`, loginUrl: `https://login.${domain}` };
}

/**
 * A region as Genesys users write it, to its canonical name: `eu_west_1`, `eu-west-1` (the CLI and
 * CX-as-Code spelling), `mypurecloud.ie`, `api.mypurecloud.ie`, `login.mypurecloud.ie`,
 * `apps.mypurecloud.ie` (the browser address), with or without `https://` and a trailing `/`, any case.
 * undefined when it is none of these.
 */
export function normaliseRegion(text: string): GenesysRegion | undefined {
  const trimmed = text.trim().toLowerCase();
  const asName = trimmed.replace(/-/g, '_');
  if (isGenesysRegion(asName)) return asName;
  const host = trimmed
    .replace(/^https?:\/\//, '')
    .replace(/\/$/, '')
    .replace(/^(?:api|login|apps)\./, '');
  return GENESYS_REGIONS.find((region) => REGION_DOMAINS[region] === host);
}

/** The accepted spellings, for error messages. */
export const REGION_SPELLINGS = 'a region name (eu_west_1 or eu-west-1) or its domain (mypurecloud.ie, api.mypurecloud.ie)';
