#!/usr/bin/env node
// Small Kafka admin helper for scripts/infra/infra.sh (kafkajs from the repo's node_modules).
// One Node process instead of one JVM per topic keeps `infra.sh up` quick.
//
//   node kafka-admin.cjs ping <brokers>                          metadata request works? exit 0/1
//   node kafka-admin.cjs ensure-topics <brokers> <topics.txt> <partitions>
//        creates each missing topic and its "<topic>.dlq" (replication 1), grows topics that have
//        fewer partitions, prints one summary line; exit 1 on failure.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

function loadKafkajs() {
  const root = path.resolve(__dirname, '..', '..');
  try {
    return require(require.resolve('kafkajs', { paths: [root] }));
  } catch {
    process.stderr.write('kafkajs not found in node_modules (run npm ci)\n');
    process.exit(2);
  }
}

function readTopics(file) {
  const base = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const all = [];
  for (const t of base) all.push(t, `${t}.dlq`);
  return [...new Set(all)];
}

async function main() {
  const [cmd, brokers, ...rest] = process.argv.slice(2);
  if (!cmd || !brokers) {
    process.stderr.write('usage: kafka-admin.cjs ping|ensure-topics <brokers> [...]\n');
    process.exit(64);
  }
  const { Kafka, logLevel } = loadKafkajs();
  const kafka = new Kafka({
    clientId: 'careloop-infra',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: cmd === 'ping' ? 0 : 5, initialRetryTime: 300 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (cmd === 'ping') {
      const cluster = await admin.describeCluster();
      if (!cluster.brokers.length) throw new Error('no brokers in metadata');
      process.stdout.write(`cluster ${cluster.clusterId}, controller ${cluster.controller}\n`);
      return;
    }
    if (cmd === 'ensure-topics') {
      const [file, partitionsArg] = rest;
      const partitions = Number(partitionsArg || 6);
      const wanted = readTopics(file);
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            replicationFactor: 1,
          })),
        });
      }
      const present = wanted.filter((t) => existing.has(t));
      const grown = [];
      const tooMany = [];
      if (present.length) {
        const meta = await admin.fetchTopicMetadata({ topics: present });
        for (const t of meta.topics) {
          if (t.partitions.length < partitions) grown.push(t.name);
          else if (t.partitions.length > partitions)
            tooMany.push(`${t.name}(${t.partitions.length})`);
        }
        if (grown.length) {
          await admin.createPartitions({
            topicPartitions: grown.map((topic) => ({ topic, count: partitions })),
          });
        }
      }
      const parts = [`${wanted.length} topics (${partitions} partitions each)`];
      parts.push(
        missing.length ? `created ${missing.length}: ${missing.join(' ')}` : 'all existed',
      );
      if (grown.length) parts.push(`grew to ${partitions} partitions: ${grown.join(' ')}`);
      if (tooMany.length)
        parts.push(`WARNING more partitions than ${partitions}: ${tooMany.join(' ')}`);
      process.stdout.write(parts.join('; ') + '\n');
      return;
    }
    process.stderr.write(`unknown command ${cmd}\n`);
    process.exitCode = 64;
  } finally {
    await admin.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.message ? err.message : err}\n`);
  process.exit(1);
});
