// Imported first by main.ts: instrumentation must patch http, pg and kafkajs before they load.
import { startTelemetry } from '@careloop/observability';

startTelemetry('user-org-service');
