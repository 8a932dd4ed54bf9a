export * from './bootstrap-service';
export * from './http/domain.error';
export * from './http/problem-details.filter';
export * from './http/validation.pipe';
export * from './service-core.module';
export * from './http/page-limit';
export * from './periodic-task';
export * from './fetch-batching';
