export * from './data-source.factory';
export * from './tenant-scope';
export * from './tenant-transactions';
export * from './persistence.module';
export * from './redis.module';
export * from './group-commit';
export * from './cache/local-cache';
export * from './cache/cache-invalidation.channel';
