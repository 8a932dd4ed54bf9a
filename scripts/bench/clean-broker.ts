import { pruneThrowawayTopics } from '@careloop/testing';

/**
 * Benchmarks meet the broker as a deployment has it: topics that earlier tests left behind (thousands
 * of partitions on a developer's machine) are deleted first. Run only while no test is running.
 */
export async function cleanBroker(): Promise<void> {
  const deleted = await pruneThrowawayTopics();
  if (deleted > 0) console.log(`deleted ${deleted} topics that earlier tests left on the broker`);
}
