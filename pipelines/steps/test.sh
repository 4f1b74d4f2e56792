#!/usr/bin/env bash
# Step "test" (pipeline: Build, first half): the README's test command, the whole build with every test.
source "$(dirname "$0")/lib.sh"
run ./mvnw -B verify
