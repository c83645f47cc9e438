#!/usr/bin/env bash
# Start-up cost of the agents: wall time of `java -version` and of a small application's first
# getConnection (FirstConnection: HikariCP on in-memory H2), with no agent, the Poolscope agent
# disabled, the Poolscope agent, and the OpenTelemetry Java agent, measured with hyperfine.
# Rounds are interleaved: each round runs every command (in a rotated order) RUNS times, so load
# from elsewhere on the machine falls on every configuration alike.
#
# usage: benchmarks/run-startup-bench.sh [ROUNDS [RUNS]]      (default 5 rounds x 4 runs)
# environment: POOLSCOPE_AGENT_JAR (default agent/target/poolscope-agent.jar), SKIP_BUILD=1,
#   POOLSCOPE_BEFORE_JAR (adds the configuration poolscope-before: another build of the agent)
# output: benchmarks/target/startup-bench/<UTC time>/{summary.md,round-*.json}
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
rounds=${1:-5}
runs=${2:-4}

agent_jar=${POOLSCOPE_AGENT_JAR:-$root/agent/target/poolscope-agent.jar}
out=$here/target/startup-bench/$(date -u +%Y%m%dT%H%M%SZ)

command -v hyperfine >/dev/null || { echo "hyperfine is not installed"; exit 2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building the Poolscope agent and the benchmarks"
  mvn -B -q -pl agent -Dmaven.test.skip=true package
  rm -rf "$here/target/lib"
  mvn -B -q -f benchmarks/pom.xml -DskipTests package
fi
otel_jar=$here/target/agents/opentelemetry-javaagent.jar
for f in "$agent_jar" "$otel_jar"; do
  [ -f "$f" ] || { echo "$f not found (build first)"; exit 2; }
done
for v in $(env | grep -o '^OTEL_[A-Z_]*' || true); do unset "$v"; done
unset JAVA_TOOL_OPTIONS || true

mkdir -p "$out/agents"
# Copies: another build may replace the jars while this runs.
cp "$agent_jar" "$out/agents/poolscope-agent.jar"
cp "$otel_jar" "$out/agents/opentelemetry-javaagent.jar"
agent=$out/agents/poolscope-agent.jar
otel=$out/agents/opentelemetry-javaagent.jar
lib=$here/target/lib
cp_="$here/target/classes:$(ls "$lib"/HikariCP-*.jar):$(ls "$lib"/h2-*.jar)"
cp_="$cp_:$(ls "$lib"/slf4j-api-*.jar):$(ls "$lib"/slf4j-simple-*.jar)"

# Nothing listens on port 9 of loopback; neither agent exports during these runs (Poolscope
# exports every 10 s and at exit, which halt skips; the OpenTelemetry exporters are off).
declare -A agents=(
  [none]=""
  [poolscope-disabled]="-javaagent:$agent=enabled=false"
  [poolscope]="-javaagent:$agent=endpoint=http://127.0.0.1:9"
  [otel]="-javaagent:$otel -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none"
)
configs=(none poolscope-disabled poolscope otel)
if [ -n "${POOLSCOPE_BEFORE_JAR:-}" ]; then
  cp "$POOLSCOPE_BEFORE_JAR" "$out/agents/poolscope-before.jar"
  agents[poolscope-before]="-javaagent:$out/agents/poolscope-before.jar=endpoint=http://127.0.0.1:9"
  configs+=(poolscope-before)
fi

java=$(command -v java)
names=()
cmds=()
for c in "${configs[@]}"; do
  names+=("version $c")
  cmds+=("$java ${agents[$c]} -version")
  names+=("first-getConnection $c")
  cmds+=("$java ${agents[$c]} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp $cp_ io.poolscope.benchmarks.startup.FirstConnection")
done

echo "== $rounds rounds x $runs runs of ${#cmds[@]} commands (results in $out)"
uptime | tee "$out/load.txt"
n=${#cmds[@]}
for r in $(seq 1 "$rounds"); do
  args=()
  for k in $(seq 0 $((n - 1))); do
    i=$(((k + r) % n))
    args+=(-n "${names[$i]}" "${cmds[$i]}")
  done
  hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$out/round-$r.json" \
    "${args[@]}" >"$out/round-$r.txt" 2>&1
  echo "   round $r/$rounds done; $(uptime)" | tee -a "$out/load.txt"
done

python3 "$here/startup-summary.py" "$out"
