#!/bin/sh
# The command cdk.json gives the CDK CLI: builds cdk-app through Maven (with the broker module it depends on) and runs
# the app on the classpath Maven resolved. FLEETMQ_CDK_SKIP_BUILD=1 skips the build when the caller has just built it
# (the CLI synth test, which runs inside the Maven build).
set -eu
cd "$(dirname "$0")/.."
if [ "${FLEETMQ_CDK_SKIP_BUILD:-0}" != "1" ]; then
  ../mvnw -q -B -f ../pom.xml -pl cdk-app -am -DskipTests process-classes >&2
fi
if [ ! -f target/cdk-classpath.txt ]; then
  echo "cdk-app/bin/app.sh: target/cdk-classpath.txt missing: build with ./mvnw -pl cdk-app -am process-classes" >&2
  exit 1
fi
exec java -cp "target/classes:$(cat target/cdk-classpath.txt)" io.fleetmq.cdk.FleetMqApp
