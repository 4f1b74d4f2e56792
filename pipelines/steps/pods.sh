#!/usr/bin/env bash
# Step "pods" (local only, not a CodeBuild step): the synthesized broker pods run for real on this machine — the dev
# environment's StatefulSet under runc, three replicas in network namespaces, dnsmasq for the headless Service and
# HAProxy as the NLB (cdk-app BrokerPodsOnRuncTest; needs root and the packages on .ci/run's apt-get line).
source "$(dirname "$0")/lib.sh"
run ./mvnw -B -pl cdk-app -am verify -Dtest=BrokerPodsOnRuncTest -Dsurefire.failIfNoSpecifiedTests=false
