#!/usr/bin/env bash
# The collector's long soak (RELIABILITY.md): a simulated fleet with pods joining and vanishing
# against an in-process collector on an H2 file with short retentions; prints heap after GC and
# store size every minute and exits 1 if either keeps growing. Not part of CI.
#   collector/soak.sh [minutes=30] [pods=300]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(mktemp -d)
mvn -B -q -pl collector -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$build/cp.txt" -Dmdep.includeScope=test \
  -Dcollector.build.directory="$build/collector"
exec java -Xmx1g -cp "$build/collector/test-classes:$build/collector/classes:$(cat "$build/cp.txt")" \
  io.poolscope.collector.Soak "${1:-30}" "${2:-300}"
