import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { migrations } from './migrations';
import { PatientErasureModule } from './patient-erasure/patient-erasure.module';

export const notificationService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'notification-service',
  description: 'Scheduled deliveries, message templates, delivery attempts and channel providers',
  environmentClass: ServiceEnvironment,
  migrations,
  features: () => [PatientErasureModule],
};
