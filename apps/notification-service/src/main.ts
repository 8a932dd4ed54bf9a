import './telemetry';
import { runOrExit } from '@careloop/config';
import { bootstrapService } from '@careloop/runtime';
import { notificationService } from './notification-service.definition';

runOrExit('notification-service', () => bootstrapService(notificationService));
