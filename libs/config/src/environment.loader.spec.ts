import { InvalidEnvironmentError, loadEnvironment } from './environment.loader';
import { ServiceEnvironment } from './service-environment';

const valid = {
  PORT: '3004',
  DATABASE_URL: 'postgres://careloop_feedback:secret@127.0.0.1:5432/careloop_feedback',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
  AUTH_JWKS_URL: 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json',
  AUTH_ISSUER: 'http://127.0.0.1:8080/api/auth',
};

describe(loadEnvironment.name, () => {
  it('should convert variables to their declared types and apply defaults', () => {
    const sut = loadEnvironment(ServiceEnvironment, valid);
    expect(sut.PORT).toBe(3004);
    expect(sut.LOG_LEVEL).toBe('info');
    expect(sut.HOST).toBe('127.0.0.1');
  });

  it.each([
    ['DATABASE_URL', { ...valid, DATABASE_URL: undefined }],
    ['DATABASE_URL', { ...valid, DATABASE_URL: 'mysql://x@y/z' }],
    ['PORT', { ...valid, PORT: 'seventy' }],
    ['PORT', { ...valid, PORT: '70000' }],
    ['KAFKA_BROKERS', { ...valid, KAFKA_BROKERS: 'localhost' }],
    ['LOG_LEVEL', { ...valid, LOG_LEVEL: 'loud' }],
  ])('should name %s when it is missing or invalid', (variable, source) => {
    let caught: unknown;
    try {
      loadEnvironment(ServiceEnvironment, source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEnvironmentError);
    expect((caught as InvalidEnvironmentError).problems.map((p) => p.variable)).toContain(variable);
    expect((caught as Error).message).toContain(variable);
  });
});
