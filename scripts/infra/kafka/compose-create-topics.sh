#!/bin/sh
# docker-compose "kafka-init" one-shot container: creates every topic of topics.txt and its ".dlq"
# (6 partitions, replication 1) on the compose Kafka. Same list as scripts/infra/infra.sh uses.
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP:-kafka:9092}"
TOPICS_FILE="${TOPICS_FILE:-/careloop/topics.txt}"
PARTITIONS="${PARTITIONS:-6}"
KAFKA_TOPICS=/opt/kafka/bin/kafka-topics.sh

existing=$("$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --list)
sed -e 's/#.*//' -e 's/[[:space:]]//g' "$TOPICS_FILE" | grep -v '^$' | while read -r base; do
  for topic in "$base" "$base.dlq"; do
    if printf '%s\n' "$existing" | grep -qxF "$topic"; then
      continue
    fi
    "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "$topic" --partitions "$PARTITIONS" --replication-factor 1
  done
done
echo "kafka-init: topics ready ($(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$TOPICS_FILE" | grep -vc '^$') x 2)"
