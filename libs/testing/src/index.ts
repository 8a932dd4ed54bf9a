export * from './free-port';
export * from './infrastructure';
export * from './intake-corpus';
export * from './test-token-issuer';
export * from './wait-for';
export * from './service-process';
