import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { IntakeModule } from './intake/intake.module';
import { migrations } from './migrations';

export const feedbackService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'feedback-service',
  description:
    'Appointment intake, feedback sessions, respondent tokens, drafts, responses, opt-outs and alert rules',
  environmentClass: ServiceEnvironment,
  migrations,
  features: () => [IntakeModule],
  // Intake batches (1,000 appointments, FHIR Bundles) are large; the edge allows 10 MB on /api/intake.
  bodyLimitBytes: 10 * 1024 * 1024,
};
