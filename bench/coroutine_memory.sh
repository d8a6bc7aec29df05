#!/usr/bin/env bash
# Memory of a coroutine worker holding 10,000 requests at once: wrk keeps
# 10,000 connections each waiting on /sleep, and the worker's peak RSS is read
# from /proc while they wait. Goal: <= 160 MiB. Raises the fd limit for itself.
#
# usage: bench/coroutine_memory.sh [BUILD_DIR] [CONNECTIONS] [STACK_KIB]
set -euo pipefail
build=${1:-build}
connections=${2:-10000}
stack_kib=${3:-64}
source "$(dirname "$0")/lib.sh"
app="$build/framework/twice-app"
bench_require "$app"
# The server and wrk each hold one fd per connection, in processes of their own.
ulimit -n $((connections + 1024)) || { echo "bench: cannot raise the fd limit to $((connections + 1024)) (hard limit: $(ulimit -Hn))" >&2; exit 2; }

bench_start port "$app" --model coroutine --workers 1 --stack-size "$stack_kib" \
    --max-coroutines $((connections + 1000)) --listen 127.0.0.1:0
worker=$(pgrep -P "${bench_pids[-1]}" | head -1)
[ -n "$worker" ] || { echo "bench: no worker process found" >&2; exit 1; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$worker/status"; }
idle=$(rss_kib)

wrk -t2 -c"$connections" -d12s --timeout 10s "http://127.0.0.1:$port/sleep?ms=5000" >/tmp/twice-memory-wrk.$$ 2>&1 &
load=$!
peak=0 inflight_seen=0
for _ in $(seq 20); do
    sleep 0.5
    rss=$(rss_kib)
    (( rss > peak )) && peak=$rss
    open=$(ls "/proc/$worker/fd" | wc -l)
    (( open > inflight_seen )) && inflight_seen=$open
done
wait "$load" || true
rm -f /tmp/twice-memory-wrk.$$
echo "connections: $connections, stack: ${stack_kib} KiB, worker fds at peak: $inflight_seen"
awk -v i="$idle" -v p="$peak" -v c="$connections" 'BEGIN {
    printf "idle RSS: %.1f MiB; peak RSS: %.1f MiB (%.1f KiB per request) (goal <= 160 MiB)\n",
           i / 1024, p / 1024, (p - i) / c }'
