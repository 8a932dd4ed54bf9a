export * from './data-source.factory';
export * from './tenant-scope';
export * from './persistence.module';
export * from './redis.module';
