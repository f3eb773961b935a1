import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionUrls } from '../../../exporter/genesys/regions.ts';
import { createGenesysClient } from '../../../exporter/genesys/client.ts';

test('regionUrls maps a region to its api and login hosts', () => {
  assert.deepEqual(regionUrls('eu_west_1'), { apiUrl: 'https://api.mypurecloud.ie', loginUrl: 'https://login.mypurecloud.ie' });
  assert.deepEqual(regionUrls('us_west_2'), { apiUrl: 'https://api.usw2.pure.cloud', loginUrl: 'https://login.usw2.pure.cloud' });
});

test('an unknown region is refused with the list of valid ones', () => {
  assert.throws(() => regionUrls('eu-west-1'), /Unknown Genesys Cloud region "eu-west-1"\. Valid regions: us_east_1, eu_west_1, .*eusc_de_east_1/);
  assert.throws(() => regionUrls('toString'), /Unknown Genesys Cloud region/);
});

test('bad client options are refused with the key and the fix', () => {
  const base = { apiUrl: 'https://api.mypurecloud.ie', loginUrl: 'https://login.mypurecloud.ie', credentials: { clientId: 'id', clientSecret: 's3cr3t' } };
  assert.throws(() => createGenesysClient({ ...base, apiUrl: 'api.mypurecloud.ie' }), /option apiUrl: "api\.mypurecloud\.ie" is not an absolute URL/);
  assert.throws(() => createGenesysClient({ ...base, loginUrl: 'https://login.mypurecloud.ie/oauth/token' }), /option loginUrl: .* must be a bare origin/);
  assert.throws(
    () => createGenesysClient({ ...base, credentials: { clientId: 'id', clientSecret: '' } }),
    /credentials\.clientSecret is empty: set GENESYS_CLIENT_SECRET/,
  );
  assert.throws(() => createGenesysClient({ ...base, requestsPerMinute: 0 }), /requestsPerMinute must be a number ≥ 1, got 0/);
  assert.throws(() => createGenesysClient({ ...base, maxRetries: -1 }), /maxRetries must be an integer ≥ 0, got -1/);
  const client = createGenesysClient({ ...base, requestsPerMinute: 120 });
  assert.equal(client.requestsPerMinute, 120);
  void client.close();
});
