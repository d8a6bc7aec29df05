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
printf '%-6s %14s %14s %8s\n' round bare-h2o twice-app ratio
ratios=()
for round in $(seq "$rounds"); do
    # Alternate who goes first, so that drift in the machine favours neither.
    if (( round % 2 )); then
        b=$(bench_rps "$bare_port" /plaintext "$seconds" "$connections")
        a=$(bench_rps "$app_port" /plaintext "$seconds" "$connections")
    else
        a=$(bench_rps "$app_port" /plaintext "$seconds" "$connections")
        b=$(bench_rps "$bare_port" /plaintext "$seconds" "$connections")
    fi
    r=$(bench_ratio "$a" "$b")
    ratios+=("$r")
    printf '%-6s %14s %14s %8s\n' "$round" "$b" "$a" "$r"
done
median=$(printf '%s\n' "${ratios[@]}" | bench_median)
echo "median ratio twice-app/bare-h2o: $median (goal >= 0.95; $rounds rounds of ${seconds}s, $connections connections)"
