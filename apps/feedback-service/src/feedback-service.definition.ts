import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { migrations } from './migrations';

export const feedbackService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'feedback-service',
  description:
    'Appointment intake, feedback sessions, respondent tokens, drafts, responses, opt-outs and alert rules',
  environmentClass: ServiceEnvironment,
  migrations,
};
