#!/usr/bin/env bash
# twice-app /plaintext (process model, 1 worker) against the bare libh2o
# yardstick, interleaved in one run so that both see the same machine.
# Prints each round and the median ratio; goal: ratio >= 0.95.
#
# usage: bench/plaintext_ratio.sh [BUILD_DIR] [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
seconds=${3:-5}
connections=${4:-64}
source "$(dirname "$0")/lib.sh"
bench_require "$build/framework/twice-app" "$build/bench/bare-h2o"

bench_start bare_port "$build/bench/bare-h2o" 0
bench_start app_port "$build/framework/twice-app" --model process --workers 1 --listen 127.0.0.1:0

bench_rps "$bare_port" /plaintext 1 "$connections" >/dev/null # warm-up
bench_rps "$app_port" /plaintext 1 "$connections" >/dev/null
bare_rps() { bench_rps "$bare_port" /plaintext "$seconds" "$connections"; }
app_rps() { bench_rps "$app_port" /plaintext "$seconds" "$connections"; }
bench_rounds "$rounds" bare-h2o twice-app bare_rps app_rps
median=$bench_median_ratio
echo "median ratio twice-app/bare-h2o: $median (goal >= 0.95; $rounds rounds of ${seconds}s, $connections connections)"
