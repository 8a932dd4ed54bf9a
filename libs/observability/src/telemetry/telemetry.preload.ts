/**
 * Preload entry: `node --require <build>/libs/observability/src/telemetry/telemetry.preload.js main.js`
 * with `OTEL_SERVICE_NAME` set. Starting the SDK before any application module is loaded also
 * instruments what `@careloop/observability` itself pulls in early (`@nestjs/core`, whose handler
 * spans otherwise stay missing). It imports the bootstrap file alone, not the library's barrel,
 * for that reason. A later `startTelemetry` call in main.ts is then a no-op.
 */
import { startTelemetry } from './telemetry.bootstrap';

const serviceName = process.env['OTEL_SERVICE_NAME'];
if (serviceName) {
  startTelemetry(serviceName);
} else {
  process.emitWarning('telemetry.preload: OTEL_SERVICE_NAME is not set; telemetry not started');
}
