import { loadEnvironment, runOrExit } from '@careloop/config';
import { resolve } from 'node:path';
import { GatewayEnvironment } from './gateway.environment';
import { buildGateway } from './gateway.server';
import { loadKongConfig } from './kong-config.loader';

/**
 * The local edge: where no Kong runs, serves deploy/kong/kong.yml's routes on one address (default
 * 127.0.0.1:8080). A bad environment or a bad kong.yml stops it with a message naming the cause.
 */
async function bootstrap(): Promise<void> {
  const environment = loadEnvironment(GatewayEnvironment);
  // DECK_* variables render kong.yml's decK templates, as `deck gateway sync` does for Kong.
  const kong = loadKongConfig(resolve(environment.KONG_CONFIG_PATH), process.env);
  const app = await buildGateway({
    kong,
    redisUrl: environment.REDIS_URL,
    upstreamHostOverride: environment.GATEWAY_UPSTREAM_HOST_OVERRIDE,
    jwksUrl: environment.GATEWAY_JWKS_URL,
    rateLimitKeyPrefix: environment.GATEWAY_RATE_LIMIT_KEY_PREFIX,
    logLevel: environment.LOG_LEVEL,
  });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'gateway stopping');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'gateway did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen({ port: environment.PORT, host: environment.HOST });
  app.log.info(
    {
      kongConfig: kong.sourcePath,
      routes: kong.routes.length,
      jwtAtEdge: Boolean(environment.GATEWAY_JWKS_URL),
    },
    'gateway ready',
  );
}

runOrExit('gateway', bootstrap);
