/**
 * bench:auth — what authentication costs. Starts the whole mesh (as the E2E tests do: real processes,
 * throwaway databases) and prints:
 *  - login latency (argon2id is slow on purpose) p50/p95/p99 at auth-service, sequential and with 4 in flight,
 *    and a few through the gateway;
 *  - JWT verification alone (libs/security JwtVerifier against auth-service's JWKS), per call p50/p95/p99;
 *  - protected-request throughput and latency with autocannon, straight to a service and through the gateway
 *    (which verifies the token at the edge too), next to the same service's unauthenticated /health/live; the
 *    gateway runs a copy of kong.yml with raised rate limits (one load-generator address stands for many clients).
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { JwtVerifier } from '@careloop/security';
import { CareLoopClient } from '../../test/e2e/support/careloop-client';
import {
  stackAudience,
  stackIssuer,
  startCareLoopStack,
} from '../../test/e2e/support/careloop-stack';
import { benchKongConfig } from './bench-kong-config';
import { cleanBroker } from './clean-broker';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (value: number) => value.toFixed(value < 10 ? 2 : 0);
  return `p50 ${f(percentile(sorted, 50))} ms, p95 ${f(percentile(sorted, 95))} ms, p99 ${f(percentile(sorted, 99))} ms (n=${sorted.length})`;
}

async function timeLogins(
  client: CareLoopClient,
  credentials: { email: string; password: string },
  count: number,
  concurrency: number,
): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const started = performance.now();
        const response = await client.login(credentials);
        if (response.status !== 200) throw new Error(`login answered ${response.status}`);
        samples.push(performance.now() - started);
      }
    }),
  );
  return samples;
}

function load(url: string, token?: string): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: 16,
    duration: 10,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
}

function describeLoad(label: string, result: autocannon.Result): string {
  const errors = result.errors + result.timeouts;
  return `${label.padEnd(44)} ${Math.round(result.requests.average)} req/s, latency p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx} (429 from rate limits count here), errors ${errors}`;
}

async function main(): Promise<void> {
  console.log('bench:auth  starting the mesh (throwaway databases, own topics, free ports)...');
  await cleanBroker();
  const stack = await startCareLoopStack({
    environment: { gateway: { KONG_CONFIG_PATH: benchKongConfig('auth'), LOG_LEVEL: 'warn' } },
  });
  try {
    const client = new CareLoopClient(stack.gatewayUrl);
    const founder = await client.signup({ organizationName: 'Bench clinic' });
    await client.waitUntilOrgReadable(founder.orgId!, founder.accessToken);
    const credentials = { email: founder.email, password: founder.password };

    // Straight at auth-service (argon2id's cost alone), then a few through the gateway.
    const auth = new CareLoopClient(stack.services['auth-service']!.url);
    await timeLogins(auth, credentials, 3, 1); // warm-up
    const sequential = await timeLogins(auth, credentials, 30, 1);
    console.log(`login, sequential:        ${summary(sequential)}`);
    const parallel = await timeLogins(auth, credentials, 40, 4);
    console.log(`login, 4 in flight:       ${summary(parallel)}`);
    const viaGateway = await timeLogins(client, credentials, 10, 1);
    console.log(`login via the gateway:    ${summary(viaGateway)}`);

    const verifier = JwtVerifier.fromJwksUrl(
      `${stack.services['auth-service']!.url}/api/auth/.well-known/jwks.json`,
      { issuer: stackIssuer, audience: stackAudience },
    );
    const token = founder.accessToken;
    for (let i = 0; i < 200; i += 1) await verifier.verify(token); // key fetch + JIT warm-up
    const verifications: number[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const started = performance.now();
      await verifier.verify(token);
      verifications.push(performance.now() - started);
    }
    console.log(`JWT verification alone:   ${summary(verifications)}`);

    const userOrg = stack.services['user-org-service']!.url;
    const settingsPath = `/api/orgs/${founder.orgId}/settings`;
    console.log(
      describeLoad('service /health/live (no token)', await load(`${userOrg}/health/live`)),
    );
    console.log(
      describeLoad(
        'service GET settings (token verified)',
        await load(`${userOrg}${settingsPath}`, token),
      ),
    );
    console.log(
      describeLoad(
        'gateway GET settings (edge + service verify)',
        await load(`${stack.gatewayUrl}${settingsPath}`, token),
      ),
    );
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
