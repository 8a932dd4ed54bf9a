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
  // A projection: dashboards can be 100 ms behind, and one fetch then carries a stream's worth of
  // events instead of waking the service (and costing the broker a fetch of every topic) per event.
  fetchBatching: { minBytes: 65_536, maxWaitMs: 100 },
  features: () => [EventActivityModule, PatientErasureModule],
};
