import './telemetry';
import { runOrExit } from '@careloop/config';
import { bootstrapService } from '@careloop/runtime';
import { authService } from './auth-service.definition';

runOrExit('auth-service', () => bootstrapService(authService));
