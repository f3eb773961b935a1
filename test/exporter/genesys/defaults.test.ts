// One set of defaults: the API client (used as a library) and the command line agree, because the
// command line takes its defaults from the client's module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../exporter/config.ts';
import { resolveClientOptions } from '../../../exporter/genesys/client-options.ts';

test('the client and the command line default to the same budget and request timeout', () => {
  const env = { GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret' };
  const config = parseConfig(['--genesys.region=eu_west_1'], env);
  const client = resolveClientOptions({
    apiUrl: 'https://api.mypurecloud.ie',
    loginUrl: 'https://login.mypurecloud.ie',
    credentials: { clientId: 'id', clientSecret: 'secret' },
  });
  assert.equal(config.genesys.requestsPerMinute, client.requestsPerMinute);
  assert.equal(config.genesys.requestTimeoutMs, client.requestTimeoutMs);
});
