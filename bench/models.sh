#!/usr/bin/env bash
# The concurrency models side by side, measured in one run:
#   1. /plaintext, 1 worker each, interleaved rounds: thread and coroutine as a
#      ratio of process (goals: coroutine >= 0.9, thread >= 0.75).
#   2. /sleep?ms=10 with 64 connections, 1 worker: each model against its
#      Little's-law bound, concurrency / service time (goal >= 0.9):
#      coroutine 64 / 10 ms = 6400 req/s; thread with 16 threads 1600 req/s.
#
# usage: bench/models.sh [BUILD_DIR] [ROUNDS] [SECONDS]
set -euo pipefail
build=${1:-build}
rounds=${2:-3}
seconds=${3:-5}
source "$(dirname "$0")/lib.sh"
app="$build/framework/twice-app"
bench_require "$app"

bench_start process "$app" --model process --listen 127.0.0.1:0
bench_start thread "$app" --model thread --threads 16 --listen 127.0.0.1:0
bench_start coroutine "$app" --model coroutine --listen 127.0.0.1:0

echo "/plaintext, 1 worker, 64 connections"
printf '%-6s %12s %12s %12s %8s %8s\n' round process thread coroutine thr/proc cor/proc
thread_ratios=() coroutine_ratios=()
for round in $(seq "$rounds"); do
    p=$(bench_rps "$process" /plaintext "$seconds" 64)
    t=$(bench_rps "$thread" /plaintext "$seconds" 64)
    c=$(bench_rps "$coroutine" /plaintext "$seconds" 64)
    thread_ratios+=("$(bench_ratio "$t" "$p")")
    coroutine_ratios+=("$(bench_ratio "$c" "$p")")
    printf '%-6s %12s %12s %12s %8s %8s\n' "$round" "$p" "$t" "$c" "${thread_ratios[-1]}" \
        "${coroutine_ratios[-1]}"
done
echo "median thread/process: $(printf '%s\n' "${thread_ratios[@]}" | bench_median) (goal >= 0.75)"
echo "median coroutine/process: $(printf '%s\n' "${coroutine_ratios[@]}" | bench_median) (goal >= 0.9)"

echo
echo "/sleep?ms=10, 1 worker, 64 connections, against the Little's-law bound"
c=$(bench_rps "$coroutine" "/sleep?ms=10" "$seconds" 64)
t=$(bench_rps "$thread" "/sleep?ms=10" "$seconds" 64)
echo "coroutine: $c req/s = $(bench_ratio "$c" 6400) of 6400 (goal >= 0.9)"
echo "thread (16 threads): $t req/s = $(bench_ratio "$t" 1600) of 1600 (goal >= 0.9)"
