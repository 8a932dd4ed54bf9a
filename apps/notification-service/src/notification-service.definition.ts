import { ServiceEnvironment } from '@careloop/config';
import type { ServiceBootstrapOptions } from '@careloop/runtime';
import { migrations } from './migrations';

export const notificationService: ServiceBootstrapOptions<ServiceEnvironment> = {
  name: 'notification-service',
  description: 'Scheduled deliveries, message templates, delivery attempts and channel providers',
  environmentClass: ServiceEnvironment,
  migrations,
};
