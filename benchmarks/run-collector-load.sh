#!/usr/bin/env bash
# Collector load test (issue 4, "Performance"): starts the collector jar on loopback with a
# throw-away H2 store and -Xmx1g, runs CollectorLoad against it (PODS simulated pods, 2 pools
# each, every 10 s, staggered over the interval, for DURATION seconds, with dashboard pollers),
# prints ingest and API latency, rejected requests, the collector's heap and CPU, and stops it.
#
# usage: benchmarks/run-collector-load.sh [PODS=10000] [DURATION_S=300] [CollectorLoad options]
#   e.g. benchmarks/run-collector-load.sh 10000 300 --concurrency 64 --pollers 2
# environment: POOLSCOPE_COLLECTOR_JAR (default collector/target/poolscope-collector.jar),
#   COLLECTOR_JAVA_OPTS (default -Xmx1g: the goal's heap ceiling, enforced), SKIP_BUILD=1
# output: benchmarks/target/collector-load/<UTC time>/{load.txt,collector.log,collector.yaml}
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

mkdir -p "$out"
tmp=$(mktemp -d /tmp/poolscope-load.XXXXXX)
cpid=
cleanup() {
  if [ -n "$cpid" ]; then
    kill "$cpid" 2>/dev/null || true
    wait "$cpid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A free loopback port, so a collector another engineer runs on 4318 is left alone.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$out/collector.yaml" <<YAML
server:
  host: 127.0.0.1
  port: $port
store:
  url: jdbc:h2:file:$tmp/store/poolscope
YAML

echo "== starting the collector on 127.0.0.1:$port"
# shellcheck disable=SC2086 # word splitting of the options is intended
java ${COLLECTOR_JAVA_OPTS:--Xmx1g} -jar "$jar" --config "$out/collector.yaml" \
  >"$out/collector.log" 2>&1 &
cpid=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$cpid" 2>/dev/null; then
    echo "collector exited during start-up:" >&2
    tail -20 "$out/collector.log" >&2
    cpid=
    exit 1
  fi
  sleep 0.5
done

echo "== load: $pods pods for $duration s (results in $out)"
# Serial GC: the generator shares the 2 cores with the collector; no concurrent GC threads.
java -Xmx512m -XX:+UseSerialGC -cp "$here/target/classes:$here/target/lib/*" io.poolscope.benchmarks.CollectorLoad \
  --url "http://127.0.0.1:$port" --pods "$pods" --duration "$duration" --collector-pid "$cpid" "$@" \
  | tee "$out/load.txt"
if ! kill -0 "$cpid" 2>/dev/null; then
  echo "the collector died during the load; see $out/collector.log" | tee -a "$out/load.txt"
  cpid=
fi
