import { KafkaHealthProbe } from './kafka.probe';
import type { ClusterAdmin } from './kafka.probe';

function fakeAdmin(
  behaviour: { connect?: () => Promise<void>; describe?: () => Promise<number> } = {},
): jest.Mocked<ClusterAdmin> {
  return {
    connect: jest.fn(behaviour.connect ?? (() => Promise.resolve())),
    disconnect: jest.fn(() => Promise.resolve()),
    describeCluster: jest.fn(async () => {
      const brokers = behaviour.describe ? await behaviour.describe() : 1;
      return {
        brokers: Array.from({ length: brokers }, (_, nodeId) => ({
          nodeId,
          host: 'h',
          port: 9092,
        })),
        controller: 0,
        clusterId: 'c',
      };
    }),
  };
}

describe(KafkaHealthProbe.name, () => {
  it('should keep one connected admin across probes', async () => {
    const admin = fakeAdmin();
    const create = jest.fn(() => admin);
    const sut = new KafkaHealthProbe(create);
    await sut.probe();
    await sut.probe();
    expect(create).toHaveBeenCalledTimes(1);
    expect(admin.connect).toHaveBeenCalledTimes(1);
    expect(admin.describeCluster).toHaveBeenCalledTimes(2);
  });

  it('should replace an admin whose connection died and pass with the new one', async () => {
    let alive = true;
    const old = fakeAdmin({
      describe: () => (alive ? Promise.resolve(1) : Promise.reject(new Error('Connection closed'))),
    });
    const fresh = fakeAdmin();
    const create = jest.fn<ClusterAdmin, []>().mockReturnValueOnce(old).mockReturnValueOnce(fresh);
    const sut = new KafkaHealthProbe(create);
    await sut.probe();
    alive = false; // Kafka restarted under the open connection
    await expect(sut.probe()).resolves.toBeUndefined();
    expect(old.disconnect).toHaveBeenCalled();
    expect(fresh.describeCluster).toHaveBeenCalledTimes(1);
  });

  it('should fail when Kafka cannot be reached and try again on the next probe', async () => {
    const create = jest.fn(() =>
      fakeAdmin({ connect: () => Promise.reject(new Error('ECONNREFUSED')) }),
    );
    const sut = new KafkaHealthProbe(create);
    await expect(sut.probe()).rejects.toThrow('ECONNREFUSED');
    await expect(sut.probe()).rejects.toThrow('ECONNREFUSED');
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('should let probes share a connect still in progress', async () => {
    let finishConnect: () => void = () => undefined;
    const admin = fakeAdmin({
      connect: () => new Promise<void>((resolve) => (finishConnect = resolve)),
    });
    const create = jest.fn(() => admin);
    const sut = new KafkaHealthProbe(create);
    const probes = [sut.probe(), sut.probe()];
    finishConnect();
    await Promise.all(probes);
    expect(create).toHaveBeenCalledTimes(1);
  });

  it('should fail when the cluster reports no brokers', async () => {
    const sut = new KafkaHealthProbe(() => fakeAdmin({ describe: () => Promise.resolve(0) }));
    await expect(sut.probe()).rejects.toThrow('no brokers');
  });
});
