import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { EventActivityModule } from './event-activity/event-activity.module';
import { migrations } from './migrations';
import { PatientErasureModule } from './patient-erasure/patient-erasure.module';

export const analyticsService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'analytics-service',
  description: 'Projections and rollups of every domain event',
  environmentClass: ServiceEnvironment,
  migrations,
  features: () => [EventActivityModule, PatientErasureModule],
};
