import { RedisHealthProbe } from './redis.probe';
import type { PingableRedis } from './redis.probe';

describe(RedisHealthProbe.name, () => {
  it('should pass when PING answers PONG', async () => {
    const redis = {
      status: 'ready',
      ping: jest.fn(() => Promise.resolve('PONG')),
    } as unknown as PingableRedis;
    await expect(new RedisHealthProbe(redis).probe()).resolves.toBeUndefined();
  });

  it.each(['connecting', 'reconnecting', 'end'])(
    'should fail at once without a PING while %s',
    async (status) => {
      const ping = jest.fn();
      const sut = new RedisHealthProbe({ status, ping } as unknown as PingableRedis);
      await expect(sut.probe()).rejects.toThrow(`connection is ${status}`);
      expect(ping).not.toHaveBeenCalled();
    },
  );
});
