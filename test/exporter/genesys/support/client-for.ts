// A client pointed at a fake, with short backoffs and a large budget so that tests about other things
// do not wait for them (the budget tests set their own).

import { createGenesysClient, type GenesysClient, type GenesysClientOptions } from '../../../../exporter/genesys/client.ts';
import { FAST_RETRIES } from '../../../support/simulator-target.ts';
import type { FakeGenesys } from './fake-genesys.ts';

export function clientFor(fake: FakeGenesys, overrides: Partial<GenesysClientOptions> = {}): GenesysClient {
  return createGenesysClient({
    apiUrl: fake.url,
    loginUrl: fake.url,
    credentials: { clientId: fake.clientId, clientSecret: fake.clientSecret },
    requestTimeoutMs: 5_000,
    requestsPerMinute: 6_000,
    backoff: FAST_RETRIES,
    loginCircuit: { failureThreshold: 3, openBaseMs: 300, openMaxMs: 2_000 },
    ...overrides,
  });
}
