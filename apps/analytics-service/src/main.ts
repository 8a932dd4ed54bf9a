import './telemetry';
import { runOrExit } from '@careloop/config';
import { bootstrapService } from '@careloop/runtime';
import { analyticsService } from './analytics-service.definition';

runOrExit('analytics-service', () => bootstrapService(analyticsService));
