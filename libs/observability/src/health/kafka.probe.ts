import type { Admin } from 'kafkajs';
import type { HealthProbe } from './readiness-check';

export type ClusterAdmin = Pick<Admin, 'connect' | 'disconnect' | 'describeCluster'>;

interface Connection {
  admin: ClusterAdmin;
  ready: Promise<void>;
}

/**
 * Keeps one admin connection open between probes (a connect per probe would cost a round of
 * broker handshakes every few seconds). When a call fails (Kafka restarted, broker moved) the
 * admin is dropped and the probe tries once more with a fresh one, so a restarted cluster reads
 * ready on the next probe instead of being reported down by a dead connection.
 *
 * A connect still retrying (kafkajs retries per the client's `retry` settings) is shared by the
 * probes that arrive meanwhile; each of them gives up at its own timeout, none starts another.
 */
export class KafkaHealthProbe implements HealthProbe {
  private connection: Connection | undefined;

  constructor(private readonly createAdmin: () => ClusterAdmin) {}

  async probe(): Promise<void> {
    const reused = this.connection !== undefined;
    try {
      await this.describe();
    } catch (error) {
      // A fresh connection only helps when the failure came from an old one.
      if (!reused) throw error;
      await this.describe();
    }
  }

  async close(): Promise<void> {
    await this.drop(this.connection);
  }

  private async describe(): Promise<void> {
    const connection = this.connect();
    try {
      await connection.ready;
      const cluster = await connection.admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('cluster reports no brokers');
    } catch (error) {
      await this.drop(connection);
      throw error;
    }
  }

  private connect(): Connection {
    if (!this.connection) {
      const admin = this.createAdmin();
      this.connection = { admin, ready: admin.connect() };
    }
    return this.connection;
  }

  /** Disconnecting does not wait for a connect still in progress; kafkajs stops it. */
  private async drop(connection: Connection | undefined): Promise<void> {
    if (!connection) return;
    if (this.connection === connection) this.connection = undefined;
    connection.ready.catch(() => undefined);
    await connection.admin.disconnect().catch(() => undefined);
  }
}
