#!/usr/bin/env bash
# Same-run throughput comparison of FleetMQ and Mosquitto with the same client tools (mosquitto_pub/sub):
#   one publisher streams N messages (mosquitto_pub -l), S subscribers each wait for all N (mosquitto_sub -C N).
# Prints one line per scenario and broker, and the FleetMQ/Mosquitto ratio of messages delivered per second.
# A first, honest yardstick until bench/ (its own issue) has a real load generator; the client processes are part
# of what is measured, equally for both brokers.
# Usage: bench/scripts/pubsub-vs-mosquitto.sh [N] ; needs mosquitto and mosquitto-clients (Debian packages).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
N=${1:-100000}
FLEET_PORT=${FLEET_PORT:-21883}
MOSQ_PORT=${MOSQ_PORT:-21884}
LOG_DIR=$(mktemp -d)

./fleetmq broker --set listeners.tcp.port="$FLEET_PORT" --set sys.enabled=false \
  --set sessions.maxQueuedMessages=1000000 >"$LOG_DIR/fleetmq.log" 2>&1 &
FLEET_PID=$!
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\n' "$MOSQ_PORT" >"$LOG_DIR/mosquitto.conf"
mosquitto -c "$LOG_DIR/mosquitto.conf" >"$LOG_DIR/mosquitto.log" 2>&1 &
MOSQ_PID=$!
trap 'kill $FLEET_PID $MOSQ_PID 2>/dev/null || true; wait 2>/dev/null || true' EXIT

wait_port() {
  for _ in $(seq 1 600); do
    mosquitto_pub -h 127.0.0.1 -p "$1" -t bench/ready -m x 2>/dev/null && return 0
    sleep 0.1
  done
  echo "broker on port $1 did not start; logs in $LOG_DIR" >&2; exit 1
}
wait_port "$FLEET_PORT"; wait_port "$MOSQ_PORT"

# run PORT QOS SUBSCRIBERS -> prints messages delivered per second (N x SUBSCRIBERS / seconds)
run() {
  local port=$1 qos=$2 subs=$3 topic="bench/$RANDOM" pids=()
  for i in $(seq 1 "$subs"); do
    mosquitto_sub -h 127.0.0.1 -p "$port" -q "$qos" -t "$topic" -C "$N" -W 300 >/dev/null &
    pids+=($!)
  done
  sleep 1 # let every subscription land before the first publish
  local start end
  start=$(date +%s.%N)
  seq 1 "$N" | mosquitto_pub -h 127.0.0.1 -p "$port" -q "$qos" -t "$topic" -l
  for p in "${pids[@]}"; do wait "$p"; done
  end=$(date +%s.%N)
  echo "$N * $subs / ($end - $start)" | bc -l
}

printf '%-28s %14s %14s %8s\n' scenario fleetmq_msg/s mosquitto_msg/s ratio
for scenario in "0 1" "1 1" "2 1" "0 10" "1 10"; do
  set -- $scenario
  f=$(run "$FLEET_PORT" "$1" "$2"); m=$(run "$MOSQ_PORT" "$1" "$2")
  printf '%-28s %14.0f %14.0f %8.2f\n' "qos$1 1 pub -> $2 sub, N=$N" "$f" "$m" "$(echo "$f / $m" | bc -l)"
done
