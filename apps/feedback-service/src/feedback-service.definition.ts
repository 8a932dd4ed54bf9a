import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { AlertsModule } from './alerts/alerts.module';
import { ErasureModule } from './erasure/erasure.module';
import { FeedbackEnvironment } from './feedback.environment';
import { IntakeModule } from './intake/intake.module';
import { migrations } from './migrations';
import { ProjectionsModule } from './projections/projections.module';
import { RespondentModule } from './respondent/respondent.module';
import { FeedbackKeysModule } from './sessions/feedback-keys.module';
import { SessionsModule } from './sessions/sessions.module';
import { StaffModule } from './staff/staff.module';

export const feedbackService: ServiceBootstrapOptions<FeedbackEnvironment> = {
  name: 'feedback-service',
  description:
    'Appointment intake, feedback sessions, respondent tokens, drafts, responses, opt-outs and alert rules',
  environmentClass: FeedbackEnvironment,
  migrations,
  features: (environment) => [
    IntakeModule,
    FeedbackKeysModule.forRoot(environment),
    ProjectionsModule,
    SessionsModule,
    RespondentModule,
    AlertsModule,
    StaffModule,
    ErasureModule,
  ],
  // Intake batches (1,000 appointments, FHIR Bundles) are large; the edge allows 10 MB on /api/intake.
  bodyLimitBytes: 10 * 1024 * 1024,
};
