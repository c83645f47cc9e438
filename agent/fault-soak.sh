#!/usr/bin/env bash
# The agent's long collector-fault run (RELIABILITY.md): FaultApp with the agent at its defaults
# against a fake collector that is healthy, down, slow (30 s answers), answering 500, answering
# 429, then healthy again, each phase for minutes. Prints per phase the application's request
# latencies, heap after GC, threads and the agent's export attempts, then leak events raised
# against delivered; exits 1 when a bound breaks or an event within the buffer's capacity is lost.
# Not part of CI. About 6 x minutes in all.
#   agent/fault-soak.sh [minutesPerFault=10] [minutesHealthy=minutesPerFault]
# MVN_FLAGS (e.g. -o) is passed to Maven; JDK17 overrides the JDK the app runs on.
set -euo pipefail
cd "$(dirname "$0")/.."
jdk17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
build=$(mktemp -d)
# pre-integration-test: the shaded jar and the pool jars under target/it-lib, no tests run.
mvn -B -q ${MVN_FLAGS:-} -pl agent -am pre-integration-test -DskipTests \
  dependency:build-classpath -Dmdep.outputFile="$build/cp.txt" -Dmdep.includeScope=test
# Copies, so later builds of agent/target do not change the jar under the running app.
cp agent/target/poolscope-agent.jar "$build/"
cp -r agent/target/test-classes agent/target/it-lib "$build/"
exec "$jdk17/bin/java" -Xmx256m -cp "$build/test-classes:$(cat "$build/cp.txt")" \
  -Dpoolscope.agentJar="$build/poolscope-agent.jar" -Dpoolscope.itLib="$build/it-lib" \
  -Dpoolscope.testClasses="$build/test-classes" -Dpoolscope.jdk17="$jdk17" \
  io.poolscope.agent.it.FaultSoak "${1:-10}" "${2:-${1:-10}}"
