import './telemetry';
import { runOrExit } from '@careloop/config';
import { bootstrapService } from '@careloop/runtime';
import { surveyService } from './survey-service.definition';

runOrExit('survey-service', () => bootstrapService(surveyService));
