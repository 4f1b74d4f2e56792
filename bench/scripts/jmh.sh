#!/usr/bin/env bash
# Runs the broker's JMH micro-benchmarks (broker/src/test/java/io/fleetmq/broker/jmh: PUBLISH decode and encode,
# topic match, retained match). They are test sources, so they compile with every build, but surefire never runs
# them; this script compiles the test classes, asks Maven for the test classpath and starts org.openjdk.jmh.Main.
#
# Usage: bench/scripts/jmh.sh [JMH options] [benchmark regex]
#   bench/scripts/jmh.sh                                   # everything with the defaults in the annotations
#   bench/scripts/jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 1s       # the run in docs/benchmarks.md
#   bench/scripts/jmh.sh TopicMatch -p payloadSize=64      # one class; -h lists JMH's options
# Environment: MVN_ARGS (extra Maven arguments, e.g. "-o"), JAVA (default: java on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
CP_FILE=broker/target/jmh-classpath.txt
# shellcheck disable=SC2086 # MVN_ARGS is a list of words
./mvnw -q -B ${MVN_ARGS:-} -pl broker test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
exec "${JAVA:-java}" -cp "broker/target/test-classes:broker/target/classes:$(cat "$CP_FILE")" \
  org.openjdk.jmh.Main "$@"
