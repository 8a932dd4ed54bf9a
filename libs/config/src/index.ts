import 'reflect-metadata';

export * from './environment.loader';
export * from './run-or-exit';
export * from './service-environment';
