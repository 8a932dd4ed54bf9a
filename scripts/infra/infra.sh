#!/usr/bin/env bash
# CareLoop local infrastructure without Docker: PostgreSQL and Redis from Debian's packages, Apache Kafka
# (KRaft, one combined broker+controller node) from its Maven Central artifacts, run on the JDK.
#
#   bash scripts/infra/infra.sh up           install/start what is missing, reuse what runs (idempotent)
#   bash scripts/infra/infra.sh down         stop Kafka, Redis and the PostgreSQL cluster
#   bash scripts/infra/infra.sh status       one line per component; exit 0 only when all are running
#   bash scripts/infra/infra.sh kafka-stop   stop only Kafka (fault tests)
#   bash scripts/infra/infra.sh kafka-start  start only Kafka (and make sure the topics exist)
#
# Everything listens on 127.0.0.1 only: Postgres 5432, Redis 6379, Kafka 9092 (controller 9093).
# Local state lives in <repo>/.cache (gitignored): Kafka jars, data and logs, Redis log.
#
# LOCAL DEVELOPMENT ONLY: each service role's password equals its name (careloop_auth / careloop_auth, ...)
# and careloop_admin / careloop_admin is a SUPERUSER that tests use to create throwaway databases.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA_DIR="$ROOT/scripts/infra"
CACHE="$ROOT/.cache"

HOST=127.0.0.1
PG_PORT=5432
REDIS_PORT=6379
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093

SERVICES=(auth user_org survey feedback notification analytics)
PG_ADMIN=careloop_admin

KAFKA_VERSION=3.9.1
KAFKA_DIR="$CACHE/kafka"
KAFKA_HOME="$KAFKA_DIR/$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_POM="$INFRA_DIR/kafka/pom.xml"
KAFKA_CONFIG="$KAFKA_DIR/config/server.properties"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_PID_FILE="$KAFKA_DIR/kafka.pid"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster.id"
KAFKA_PARTITIONS=6
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
TOPICS_FILE="$INFRA_DIR/topics.txt"

REDIS_DIR="$CACHE/redis"

START_TS=$(date +%s)

# ---------------------------------------------------------------- helpers
say() { printf '%s: %s\n' "$1" "$2"; }
warn() { printf '%s: WARNING %s\n' "$1" "$2" >&2; }
die() {
  printf '%s: ERROR %s\n' "$1" "$2" >&2
  exit "${3:-1}"
}
rel() { printf '%s' "${1#"$ROOT"/}"; }
have() { command -v "$1" >/dev/null 2>&1; }

# need <command> <component> <how to get it>
need() { have "$1" || die "$2" "missing prerequisite '$1' - $3"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif have sudo; then
    sudo -n "$@"
  else
    die infra "'$*' needs root (run as root or install sudo)"
  fi
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then
    (cd / && "$@")
  elif [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && sudo -n -u postgres "$@")
  fi
}

APT_UPDATED=
apt_install() {
  need apt-get infra "this script installs Debian packages ($*) with apt-get; on other systems install them yourself"
  if [ -z "$APT_UPDATED" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq "$@"
}

# port_open <port>: something accepts TCP connections on 127.0.0.1:<port>
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# write_if_changed <file> [root]: replace <file> with stdin when the content differs. Returns 0 if it wrote.
write_if_changed() {
  local file=$1 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$file" ] && cmp -s "$tmp" "$file"; then
    rm -f "$tmp"
    return 1
  fi
  if [ "${2:-}" = root ]; then
    as_root install -m 0644 "$tmp" "$file"
    [ "$(id -u)" -ne 0 ] || chown --reference="$(dirname "$file")" "$file" 2>/dev/null || true
  else
    mkdir -p "$(dirname "$file")"
    install -m 0644 "$tmp" "$file"
  fi
  rm -f "$tmp"
  return 0
}

# Serialise concurrent up/down/kafka-* runs (colleagues and test runs share one box).
# Every daemon we launch gets `9>&-` so it does not inherit (and hold) the lock.
take_lock() {
  mkdir -p "$CACHE"
  if have flock; then
    exec 9>"$CACHE/infra.lock"
    if ! flock -n 9; then
      say infra "another infra.sh run holds $(rel "$CACHE")/infra.lock; waiting (up to 15 min)"
      flock -w 900 9 || die infra "timed out waiting for $(rel "$CACHE")/infra.lock"
    fi
  fi
}

# ---------------------------------------------------------------- PostgreSQL
PG_VER= PG_NAME= PG_STATUS=

pg_find_cluster() {
  local line
  line=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print; exit }')
  if [ -n "$line" ]; then
    read -r PG_VER PG_NAME _ PG_STATUS _ <<<"$line"
    return 0
  fi
  return 1
}

pg_ready() { pg_isready -q -h "$HOST" -p "$PG_PORT" -t 2 2>/dev/null; }

pg_psql() { as_postgres psql -X -q -At -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres "$@"; }

pg_up() {
  local how=reused installed=
  if ! have pg_lsclusters || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    say postgres "not installed; installing Debian package 'postgresql' with apt-get"
    apt_install postgresql
    installed=1
  fi
  need pg_isready postgres "install Debian package postgresql-client (apt-get install -y postgresql-client)"

  if ! pg_find_cluster; then
    local ver name=main
    ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)
    if pg_lsclusters -h 2>/dev/null | awk -v v="$ver" '$1 == v && $2 == "main" { f = 1 } END { exit !f }'; then
      name=careloop # a "main" cluster exists on another port: leave it alone
    fi
    say postgres "no cluster on port $PG_PORT; creating cluster $ver/$name (pg_createcluster)"
    as_root pg_createcluster --port "$PG_PORT" "$ver" "$name" >/dev/null 9>&-
    pg_find_cluster || die postgres "pg_createcluster did not produce a cluster on port $PG_PORT"
    how=created
  fi
  local etc="/etc/postgresql/$PG_VER/$PG_NAME"
  local conf_changed= hba_changed=

  # Settings for a test box, in a drop-in so postgresql.conf stays Debian's.
  if ! grep -Eq "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf\.d'" "$etc/postgresql.conf"; then
    printf "\ninclude_dir = 'conf.d'\t# added by CareLoop scripts/infra/infra.sh\n" | as_root tee -a "$etc/postgresql.conf" >/dev/null
    conf_changed=1
  fi
  as_root mkdir -p "$etc/conf.d"
  if write_if_changed "$etc/conf.d/careloop.conf" root <<EOF; then conf_changed=1; fi
# Written by CareLoop scripts/infra/infra.sh: local test box settings (edits are overwritten).
listen_addresses = '$HOST'
port = $PG_PORT
max_connections = 300
shared_buffers = 256MB
password_encryption = 'scram-sha-256'
EOF

  # Password auth over TCP from 127.0.0.1 (Debian's default has it; add it first if someone removed it).
  local hba="$etc/pg_hba.conf"
  if ! as_root grep -Eq '^[[:space:]]*host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+(md5|scram-sha-256)' "$hba"; then
    as_root awk '!done && /^[[:space:]]*(local|host)/ { print "host    all             all             127.0.0.1/32            scram-sha-256   # CareLoop infra.sh"; done = 1 } { print } END { if (!done) print "host    all             all             127.0.0.1/32            scram-sha-256   # CareLoop infra.sh" }' "$hba" |
      write_if_changed "$hba" root || true
    hba_changed=1
  fi

  if [[ "$PG_STATUS" != online* ]]; then
    [ "$how" = created ] || how=started
    as_root pg_ctlcluster "$PG_VER" "$PG_NAME" start 9>&- ||
      die postgres "pg_ctlcluster $PG_VER $PG_NAME start failed; see /var/log/postgresql/postgresql-$PG_VER-$PG_NAME.log"
  elif [ -n "$conf_changed$hba_changed" ]; then
    pg_psql -c 'SELECT pg_reload_conf()' >/dev/null
    sleep 1
    if [ "$(pg_psql -c 'SELECT count(*) FROM pg_settings WHERE pending_restart')" != 0 ]; then
      say postgres "configuration changed; restarting cluster $PG_VER/$PG_NAME"
      as_root pg_ctlcluster "$PG_VER" "$PG_NAME" restart -m fast 9>&-
      how="restarted: configuration changed"
    else
      how="reused; configuration reloaded"
    fi
  fi
  local i
  for i in $(seq 1 60); do
    pg_ready && break
    sleep 1
  done
  pg_ready || die postgres "not accepting connections on $HOST:$PG_PORT after 60 s; see /var/log/postgresql/postgresql-$PG_VER-$PG_NAME.log"
  [ -n "$installed" ] && how="installed, $how"
  say postgres "running on $HOST:$PG_PORT ($how; cluster $PG_VER/$PG_NAME)"
  pg_provision
}

# One login role + one database per service (role owns db, PUBLIC may not connect), plus the admin role.
# Only issues statements for what is missing or wrong, so a second run changes nothing.
pg_provision() {
  local names=() s
  for s in "${SERVICES[@]}"; do names+=("careloop_$s"); done
  local arr
  arr="ARRAY[$(printf "'%s'," "${names[@]}" | sed 's/,$//')]::text[]"

  local todo
  todo=$(
    pg_psql <<SQL
SELECT 'role ' || n FROM unnest($arr) n WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = n)
UNION ALL
SELECT 'role $PG_ADMIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_ADMIN')
UNION ALL
SELECT 'login ' || rolname FROM pg_roles WHERE rolname = ANY($arr) AND NOT rolcanlogin
UNION ALL
SELECT 'admin-attrs' FROM pg_roles WHERE rolname = '$PG_ADMIN' AND NOT (rolsuper AND rolcanlogin)
UNION ALL
SELECT 'db ' || n FROM unnest($arr) n WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = n)
UNION ALL
SELECT 'owner ' || d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
 WHERE d.datname = ANY($arr) AND r.rolname <> d.datname
UNION ALL
SELECT 'revoke ' || d.datname FROM pg_database d
 WHERE d.datname = ANY($arr)
   AND (d.datacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(d.datacl) a
                                     WHERE a.grantee = 0 AND a.privilege_type IN ('CONNECT', 'TEMPORARY')));
SQL
  )
  local sql="" created=() fixed=() line kind n
  while read -r kind n; do
    [ -n "$kind" ] || continue
    case $kind in
      role)
        if [ "$n" = "$PG_ADMIN" ]; then
          sql+="CREATE ROLE $n LOGIN SUPERUSER PASSWORD '$n';"$'\n'
        else
          sql+="CREATE ROLE $n LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$n';"$'\n'
        fi
        created+=("role:$n")
        ;;
      login) sql+="ALTER ROLE $n LOGIN;"$'\n'; fixed+=("login:$n") ;;
      admin-attrs) sql+="ALTER ROLE $PG_ADMIN LOGIN SUPERUSER;"$'\n'; fixed+=("superuser:$PG_ADMIN") ;;
      db) sql+="CREATE DATABASE $n OWNER $n;"$'\n'; created+=("db:$n") ;;
      owner) sql+="ALTER DATABASE $n OWNER TO $n;"$'\n'; fixed+=("owner:$n") ;;
      revoke) sql+="REVOKE CONNECT, TEMPORARY ON DATABASE $n FROM PUBLIC;"$'\n'; fixed+=("revoke-public:$n") ;;
    esac
  done <<<"$todo"
  # Databases created in this run still have the default ACL: revoke for them too.
  for line in "${created[@]}"; do
    case $line in db:*) sql+="REVOKE CONNECT, TEMPORARY ON DATABASE ${line#db:} FROM PUBLIC;"$'\n' ;; esac
  done
  # CREATE DATABASE cannot run inside a transaction block: one statement per -c.
  if [ -n "$sql" ]; then
    local stmt args=()
    while IFS= read -r stmt; do [ -n "$stmt" ] && args+=(-c "$stmt"); done <<<"$sql"
    pg_psql "${args[@]}" >/dev/null
  fi

  # Passwords are the documented local defaults: verify over TCP, reset only the ones that fail.
  local reset=()
  for n in "${names[@]}" "$PG_ADMIN"; do
    local db=$n
    [ "$n" = "$PG_ADMIN" ] && db=postgres
    if ! PGPASSWORD=$n PGCONNECT_TIMEOUT=5 psql -X -q -At -h "$HOST" -p "$PG_PORT" -U "$n" -d "$db" -c 'SELECT 1' >/dev/null 2>&1; then
      pg_psql -c "ALTER ROLE $n PASSWORD '$n'" >/dev/null
      reset+=("$n")
      PGPASSWORD=$n PGCONNECT_TIMEOUT=5 psql -X -q -At -h "$HOST" -p "$PG_PORT" -U "$n" -d "$db" -c 'SELECT 1' >/dev/null ||
        die postgres "role $n cannot log in to $db over TCP with its password; check $(as_root ls /etc/postgresql/"$PG_VER"/"$PG_NAME"/pg_hba.conf)"
    fi
  done

  local msg="${#names[@]} service databases+roles and $PG_ADMIN"
  if [ ${#created[@]} -eq 0 ] && [ ${#fixed[@]} -eq 0 ] && [ ${#reset[@]} -eq 0 ]; then
    say postgres "$msg already present (reused)"
  else
    [ ${#created[@]} -eq 0 ] || msg+="; created ${created[*]}"
    [ ${#fixed[@]} -eq 0 ] || msg+="; fixed ${fixed[*]}"
    [ ${#reset[@]} -eq 0 ] || msg+="; password reset ${reset[*]}"
    say postgres "$msg"
  fi
}

pg_down() {
  if ! have pg_lsclusters || ! pg_find_cluster; then
    say postgres "stopped (no cluster on port $PG_PORT)"
    return
  fi
  if [[ "$PG_STATUS" == online* ]]; then
    as_root pg_ctlcluster "$PG_VER" "$PG_NAME" stop -m fast 9>&-
    say postgres "stopped (cluster $PG_VER/$PG_NAME)"
  else
    say postgres "stopped (was not running)"
  fi
}

pg_status() {
  if have pg_isready && pg_ready; then
    local c=""
    have pg_lsclusters && pg_find_cluster && c=" (cluster $PG_VER/$PG_NAME)"
    say postgres "running on $HOST:$PG_PORT$c"
    return 0
  fi
  say postgres "stopped"
  return 1
}

# ---------------------------------------------------------------- Redis
redis_ping() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

redis_up() {
  local how=reused
  if ! have redis-server || ! have redis-cli; then
    say redis "not installed; installing Debian package 'redis-server' with apt-get"
    apt_install redis-server
    how="installed, started"
  fi
  if redis_ping; then
    say redis "running on $HOST:$REDIS_PORT (reused)"
    return
  fi
  if port_open "$REDIS_PORT"; then
    die redis "port $HOST:$REDIS_PORT is taken by something that does not answer PING"
  fi
  [ "$how" = reused ] && how=started
  mkdir -p "$REDIS_DIR"
  redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT" --protected-mode yes \
    --save '' --appendonly no --dir "$REDIS_DIR" \
    --logfile "$REDIS_DIR/redis.log" --pidfile "$REDIS_DIR/redis.pid" 9>&- ||
    die redis "redis-server failed to start; see $(rel "$REDIS_DIR")/redis.log"
  local i
  for i in $(seq 1 50); do
    redis_ping && break
    sleep 0.2
  done
  redis_ping || die redis "not answering PING on $HOST:$REDIS_PORT; see $(rel "$REDIS_DIR")/redis.log"
  say redis "running on $HOST:$REDIS_PORT ($how; log $(rel "$REDIS_DIR")/redis.log)"
}

redis_down() {
  if have redis-cli && redis_ping; then
    redis-cli -h "$HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    local i
    for i in $(seq 1 50); do
      redis_ping || break
      sleep 0.2
    done
    redis_ping && die redis "still answering after SHUTDOWN NOSAVE"
    say redis "stopped"
  else
    say redis "stopped (was not running)"
  fi
}

redis_status() {
  if have redis-cli && redis_ping; then
    say redis "running on $HOST:$REDIS_PORT"
    return 0
  fi
  say redis "stopped"
  return 1
}

# ---------------------------------------------------------------- Kafka
kafka_java() { java -Dlog4j.configuration="file:$INFRA_DIR/kafka/tools-log4j.properties" -cp "$KAFKA_LIBS/*" "$@"; }

kafka_check_java() {
  need java kafka "install a JDK 17 (apt-get install -y openjdk-17-jdk-headless)"
  local v major
  v=$(java -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')
  major=${v%%.*}
  [ "$major" = 1 ] && major=$(echo "$v" | cut -d. -f2)
  if [ -z "$major" ] || [ "$major" -lt 11 ]; then
    die kafka "Kafka $KAFKA_VERSION needs Java 11+ (17 recommended), found '$v': apt-get install -y openjdk-17-jdk-headless"
  fi
}

kafka_libs() {
  local stamp
  stamp="kafka $KAFKA_VERSION $(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  if [ -f "$KAFKA_LIBS/.complete" ] && [ "$(cat "$KAFKA_LIBS/.complete")" = "$stamp" ]; then
    say kafka "jars cached in $(rel "$KAFKA_LIBS") ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars)"
    return
  fi
  need mvn kafka "install Maven to fetch Kafka's jars from Maven Central (apt-get install -y maven)"
  mkdir -p "$KAFKA_HOME" "$KAFKA_LOGS"
  local tmp="$KAFKA_HOME/libs.tmp.$$" t0=$SECONDS
  rm -rf "$tmp"
  say kafka "fetching org.apache.kafka:kafka_2.13:$KAFKA_VERSION + kafka-tools and runtime dependencies with Maven (once)"
  if ! mvn -B -q -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime >"$KAFKA_LOGS/maven-fetch.log" 2>&1; then
    tail -n 30 "$KAFKA_LOGS/maven-fetch.log" >&2
    rm -rf "$tmp"
    die kafka "Maven could not fetch Kafka's jars (full log: $(rel "$KAFKA_LOGS")/maven-fetch.log). Maven Central reachable? ~/.m2/settings.xml mirror/proxy?"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar "$tmp"/kafka-tools-"$KAFKA_VERSION".jar >/dev/null ||
    die kafka "Maven finished but kafka_2.13/kafka-tools jars are missing in $tmp"
  echo "$stamp" >"$tmp/.complete"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  say kafka "fetched $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars into $(rel "$KAFKA_LIBS") in $((SECONDS - t0)) s"
}

# Returns 0 when the config file changed.
kafka_config() {
  write_if_changed "$KAFKA_CONFIG" <<EOF
# Generated by CareLoop scripts/infra/infra.sh (edits are overwritten): single-node KRaft, test box.
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=$KAFKA_PARTITIONS
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
num.network.threads=3
num.io.threads=4
log.retention.hours=24
EOF
}

kafka_format() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return
  local id
  if [ -s "$KAFKA_CLUSTER_ID_FILE" ]; then
    id=$(cat "$KAFKA_CLUSTER_ID_FILE")
  else
    id=$(kafka_java kafka.tools.StorageTool random-uuid | tail -n 1)
    echo "$id" >"$KAFKA_CLUSTER_ID_FILE"
  fi
  mkdir -p "$KAFKA_DATA"
  kafka_java kafka.tools.StorageTool format -t "$id" -c "$KAFKA_CONFIG" --ignore-formatted >"$KAFKA_LOGS/storage-format.log" 2>&1 ||
    die kafka "storage format failed; see $(rel "$KAFKA_LOGS")/storage-format.log"
  say kafka "formatted KRaft storage in $(rel "$KAFKA_DATA") (cluster id $id)"
}

# Prints the pid of our broker when it is alive.
kafka_pid() {
  local pid
  [ -f "$KAFKA_PID_FILE" ] || return 1
  pid=$(cat "$KAFKA_PID_FILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# A broker listening on the port that was not started through our pid file (e.g. pid file deleted).
kafka_pid_by_port() {
  local pid
  pid=$(ss -Hltnp "sport = :$KAFKA_PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' && echo "$pid"
}

kafkajs_available() { have node && node -e "require.resolve('kafkajs', { paths: ['$ROOT'] })" >/dev/null 2>&1; }

# A metadata request answers.
kafka_ping() {
  if kafkajs_available; then
    timeout 20 node "$INFRA_DIR/kafka-admin.cjs" ping "$HOST:$KAFKA_PORT" >/dev/null 2>&1
  else
    timeout 60 java -Dlog4j.configuration="file:$INFRA_DIR/kafka/tools-log4j.properties" -cp "$KAFKA_LIBS/*" \
      org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --list >/dev/null 2>&1
  fi
}

kafka_start_process() {
  mkdir -p "$KAFKA_LOGS"
  # setsid: own session, so the broker outlives the shell/test runner that started it.
  # The child writes its own pid before exec'ing java, so the pid file holds the JVM's pid.
  (
    cd "$KAFKA_DIR"
    # shellcheck disable=SC2086
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$KAFKA_PID_FILE" \
      java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
      -Dkafka.logs.dir="$KAFKA_LOGS" -Dlog4j.configuration="file:$INFRA_DIR/kafka/log4j.properties" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG" \
      </dev/null >>"$KAFKA_LOGS/kafka.out" 2>&1 9>&- &
  )
  local i pid=
  for i in $(seq 1 50); do
    pid=$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || die kafka "could not start java; see $(rel "$KAFKA_LOGS")/kafka.out"
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$KAFKA_LOGS/kafka.out" "$KAFKA_LOGS/server.log" >&2 2>/dev/null || true
      rm -f "$KAFKA_PID_FILE"
      die kafka "broker exited during start-up; see $(rel "$KAFKA_LOGS")/server.log and $(rel "$KAFKA_LOGS")/kafka.out"
    fi
    if port_open "$KAFKA_PORT" && kafka_ping; then
      break
    fi
    if [ $SECONDS -ge $deadline ]; then
      die kafka "no metadata answer on $HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (pid $pid still running); see $(rel "$KAFKA_LOGS")/server.log"
    fi
    sleep 1
  done
  echo "$pid"
}

kafka_up() {
  kafka_check_java
  mkdir -p "$KAFKA_DIR" "$KAFKA_LOGS"
  kafka_libs
  local config_changed=
  if kafka_config; then config_changed=1; fi
  local pid how=reused
  if pid=$(kafka_pid); then
    if [ -n "$config_changed" ]; then
      say kafka "server.properties changed; restarting broker (pid $pid)"
      kafka_stop_process "$pid"
      how="restarted: configuration changed"
      pid=
    elif ! kafka_ping; then
      warn kafka "pid $pid runs but no metadata answer yet; waiting"
      local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
      until kafka_ping; do
        [ $SECONDS -lt $deadline ] || die kafka "pid $pid does not answer metadata requests; see $(rel "$KAFKA_LOGS")/server.log (try: infra.sh kafka-stop && infra.sh kafka-start)"
        sleep 1
      done
    fi
  elif port_open "$KAFKA_PORT"; then
    if pid=$(kafka_pid_by_port) && kafka_ping; then
      echo "$pid" >"$KAFKA_PID_FILE"
      how="reused; adopted a broker that had no pid file"
    else
      die kafka "port $HOST:$KAFKA_PORT is taken by a process that is not a Kafka broker we can manage"
    fi
  else
    pid=
  fi
  if [ -z "$pid" ]; then
    rm -f "$KAFKA_PID_FILE"
    kafka_format
    [ "$how" = reused ] && how=started
    pid=$(kafka_start_process)
  fi
  say kafka "running on $HOST:$KAFKA_PORT ($how; pid $pid; log $(rel "$KAFKA_LOGS")/server.log)"
  kafka_topics
}

kafka_topics() {
  [ -f "$TOPICS_FILE" ] || die kafka "topic list $(rel "$TOPICS_FILE") is missing"
  local out
  if kafkajs_available; then
    out=$(node "$INFRA_DIR/kafka-admin.cjs" ensure-topics "$HOST:$KAFKA_PORT" "$TOPICS_FILE" "$KAFKA_PARTITIONS" 2>&1) ||
      die kafka "creating topics failed: $out"
  else
    # Without node_modules: Kafka's own TopicCommand (one JVM per missing topic, slower).
    local existing t created=() wanted=()
    existing=$(kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --list)
    while read -r t; do
      t=${t%%#*}
      t=$(echo "$t" | xargs)
      [ -n "$t" ] && wanted+=("$t" "$t.dlq")
    done <"$TOPICS_FILE"
    for t in "${wanted[@]}"; do
      grep -qxF "$t" <<<"$existing" && continue
      kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --create --if-not-exists \
        --topic "$t" --partitions "$KAFKA_PARTITIONS" --replication-factor 1 >/dev/null
      created+=("$t")
    done
    out="${#wanted[@]} topics ($KAFKA_PARTITIONS partitions each); "
    if [ ${#created[@]} -eq 0 ]; then out+="all existed"; else out+="created ${#created[@]}: ${created[*]}"; fi
  fi
  if [[ "$out" == *"all existed"* ]]; then
    say kafka "topics from $(rel "$TOPICS_FILE"): $out (reused)"
  else
    say kafka "topics from $(rel "$TOPICS_FILE"): $out"
  fi
}

kafka_stop_process() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn kafka "pid $pid ignored SIGTERM for 30 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
  fi
  rm -f "$KAFKA_PID_FILE"
}

kafka_down() {
  local pid
  if pid=$(kafka_pid) || pid=$(kafka_pid_by_port); then
    kafka_stop_process "$pid"
    say kafka "stopped (pid $pid)"
  else
    rm -f "$KAFKA_PID_FILE"
    say kafka "stopped (was not running)"
  fi
}

kafka_status() {
  local pid
  if pid=$(kafka_pid) && port_open "$KAFKA_PORT"; then
    say kafka "running on $HOST:$KAFKA_PORT (pid $pid; log $(rel "$KAFKA_LOGS")/server.log)"
    return 0
  elif pid=$(kafka_pid); then
    say kafka "starting (pid $pid, port $KAFKA_PORT not open yet)"
    return 1
  elif port_open "$KAFKA_PORT"; then
    say kafka "running on $HOST:$KAFKA_PORT (not started by infra.sh: no pid file)"
    return 0
  fi
  say kafka "stopped"
  return 1
}

# ---------------------------------------------------------------- main
usage() { sed -n '2,/^set -euo pipefail$/p' "${BASH_SOURCE[0]}" | grep '^#' | sed 's/^# \{0,1\}//'; }

cmd=${1:-}
case $cmd in
  up)
    take_lock
    pg_up
    redis_up
    kafka_up
    say infra "up in $(($(date +%s) - START_TS)) s"
    ;;
  down)
    take_lock
    kafka_down
    redis_down
    pg_down
    ;;
  status)
    rc=0
    pg_status || rc=3
    redis_status || rc=3
    kafka_status || rc=3
    exit $rc
    ;;
  kafka-start)
    take_lock
    kafka_up
    ;;
  kafka-stop)
    take_lock
    kafka_down
    ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 64
    ;;
esac
