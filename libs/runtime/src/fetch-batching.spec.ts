import { resolveFetchBatching } from './fetch-batching';

describe('resolveFetchBatching', () => {
  const declared = { minBytes: 65_536, maxWaitMs: 100 };

  it("should keep the service's own choice when the deployment sets nothing", () => {
    expect(resolveFetchBatching(declared, {})).toEqual(declared);
    expect(resolveFetchBatching(undefined, {})).toBeUndefined();
  });

  it('should let the deployment override either value and keep the other', () => {
    expect(resolveFetchBatching(declared, { KAFKA_FETCH_MAX_WAIT_MS: 250 })).toEqual({
      minBytes: 65_536,
      maxWaitMs: 250,
    });
    expect(resolveFetchBatching(declared, { KAFKA_FETCH_MIN_BYTES: 1 })).toEqual({
      minBytes: 1,
      maxWaitMs: 100,
    });
  });

  it("should fill what neither sets with Kafka's defaults", () => {
    expect(resolveFetchBatching(undefined, { KAFKA_FETCH_MIN_BYTES: 4_096 })).toEqual({
      minBytes: 4_096,
      maxWaitMs: 5_000,
    });
  });
});
