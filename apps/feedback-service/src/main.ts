import './telemetry';
import { runOrExit } from '@careloop/config';
import { bootstrapService } from '@careloop/runtime';
import { feedbackService } from './feedback-service.definition';

runOrExit('feedback-service', () => bootstrapService(feedbackService));
