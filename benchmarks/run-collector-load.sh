#!/usr/bin/env bash
# Collector load test (issue 4, "Performance"): starts the collector jar on loopback with a
# throw-away H2 store and -Xmx1g, runs CollectorLoad against it (PODS simulated pods, 2 pools
# each, every 10 s, staggered over the interval, for DURATION seconds, with dashboard pollers),
# prints ingest and API latency, rejected requests, the collector's heap and CPU, and stops it.
#
# With REPLICAS=N (N > 1, or STORE=postgres) it starts an embedded PostgreSQL server (PgServer,
# on a free loopback port, as 'nobody' when run as root: initdb refuses root) and N collectors
# sharing it as their store; the generator spreads the pods over the replicas (pod i to replica
# i mod N), polls the API of each, checks that each lists the whole fleet, and reports the
# store's commits, rows, WAL bytes and CPU per second and per export. Everything is stopped by PID.
#
# usage: benchmarks/run-collector-load.sh [PODS=10000] [DURATION_S=300] [CollectorLoad options]
#   e.g. benchmarks/run-collector-load.sh 10000 300 --concurrency 64 --pollers 2
#        REPLICAS=3 benchmarks/run-collector-load.sh 3000 120 --pollers 3
# environment: POOLSCOPE_COLLECTOR_JAR (default collector/target/poolscope-collector.jar),
#   COLLECTOR_JAVA_OPTS (default -Xmx1g: the goal's heap ceiling, enforced), SKIP_BUILD=1,
#   REPLICAS (default 1), STORE (h2 or postgres; default h2 for one replica, postgres for more)
# output: benchmarks/target/collector-load/<UTC time>/{load.txt,collector*.log,collector*.yaml}
set -euo pipefail

pods=${1:-10000}
duration=${2:-300}
shift $(( $# > 2 ? 2 : $# ))

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
jar=${POOLSCOPE_COLLECTOR_JAR:-$root/collector/target/poolscope-collector.jar}
out=$here/target/collector-load/$(date -u +%Y%m%dT%H%M%SZ)

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building the collector"
  if ! mvn -B -q -pl collector -am -Dmaven.test.skip=true package >/tmp/poolscope-collector-build.$$ 2>&1; then
    echo "   collector did not build (see /tmp/poolscope-collector-build.$$); using whatever jar exists"
  fi
  echo "== building the benchmarks"
  rm -rf "$here/target/lib"
  mvn -B -q -f benchmarks/pom.xml -DskipTests package
fi
if [ ! -f "$jar" ]; then
  echo "collector jar $jar not found: build it with mvn -B -q -pl collector -am -DskipTests package" >&2
  exit 1
fi

replicas=${REPLICAS:-1}
store=${STORE:-$([ "$replicas" -gt 1 ] && echo postgres || echo h2)}
if [ "$replicas" -gt 1 ] && [ "$store" != postgres ]; then
  echo "REPLICAS=$replicas needs STORE=postgres: replicas share a PostgreSQL store" >&2
  exit 2
fi

mkdir -p "$out"
tmp=$(mktemp -d /tmp/poolscope-load.XXXXXX)
pids=()
pgpid=
cleanup() {
  for p in "${pids[@]}" $pgpid; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

store_args=()
store_yaml="  url: jdbc:h2:file:$tmp/store/poolscope"
if [ "$store" = postgres ]; then
  as_user=()
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$tmp"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  fi
  echo "== starting embedded PostgreSQL"
  "${as_user[@]}" java -Xmx128m -Djava.io.tmpdir="$tmp" -cp "$here/target/classes:$here/target/lib/*" \
    io.poolscope.benchmarks.PgServer "$tmp/pg-url" >"$out/pg.log" 2>&1 &
  pgpid=$!
  for _ in $(seq 1 120); do
    if [ -s "$tmp/pg-url" ]; then
      break
    fi
    if ! kill -0 "$pgpid" 2>/dev/null; then
      echo "PostgreSQL did not start:" >&2
      tail -20 "$out/pg.log" >&2
      pgpid=
      exit 1
    fi
    sleep 0.5
  done
  pg_url=$(cat "$tmp/pg-url")
  store_yaml=$(printf '  url: "%s"\n  user: postgres' "$pg_url")
  store_args=(--store-url "$pg_url")
fi

urls=()
for r in $(seq 1 "$replicas"); do
  # A free loopback port, so a collector another engineer runs on 4318 is left alone.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  name=collector
  if [ "$replicas" -gt 1 ]; then
    name=collector-$r
  fi
  cat >"$out/$name.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $port
store:
$store_yaml
YAML
  echo "== starting $name on 127.0.0.1:$port (store: $store)"
  # shellcheck disable=SC2086 # word splitting of the options is intended
  java ${COLLECTOR_JAVA_OPTS:--Xmx1g} -jar "$jar" --config "$out/$name.yaml" \
    >"$out/$name.log" 2>&1 &
  pids+=($!)
  urls+=("http://127.0.0.1:$port")
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
      break
    fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$name exited during start-up:" >&2
      tail -20 "$out/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done
url_list=$(IFS=,; echo "${urls[*]}")
pid_list=$(IFS=,; echo "${pids[*]}")

echo "== load: $pods pods for $duration s (results in $out)"
# Serial GC: the generator shares the 2 cores with the collector; no concurrent GC threads.
echo "replicas: $replicas, store: $store, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee "$out/load.txt"
java -Xmx512m -XX:+UseSerialGC -cp "$here/target/classes:$here/target/lib/*" io.poolscope.benchmarks.CollectorLoad \
  --url "$url_list" --pods "$pods" --duration "$duration" --collector-pid "$pid_list" \
  "${store_args[@]}" "$@" | tee -a "$out/load.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
for p in "${pids[@]}"; do
  if ! kill -0 "$p" 2>/dev/null; then
    echo "collector $p died during the load; see $out/collector*.log" | tee -a "$out/load.txt"
  fi
done
