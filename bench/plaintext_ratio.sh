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
app="$build/framework/twice-app"
bare="$build/bench/bare-h2o"
for bin in "$app" "$bare"; do
    [ -x "$bin" ] || { echo "bench: $bin not found; build first (cmake --build $build)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install wrk)" >&2; exit 2; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# Server on CPU 0, load generator on CPU 1 where there are two: they do not fight for a core.
pin_server=() pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c 0) pin_load=(taskset -c 1)
fi

start() { # CMD...: starts a server, waits for its "listening on" line, prints its port
    local out; out=$(mktemp)
    "${pin_server[@]}" "$@" >"$out" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q "listening on" "$out" && break
        sleep 0.05
    done
    sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out" | head -1
    rm -f "$out"
}

bare_port=$(start "$bare" 0)
app_port=$(start "$app" --model process --workers 1 --listen 127.0.0.1:0)
[ -n "$bare_port" ] && [ -n "$app_port" ] || { echo "bench: a server did not start" >&2; exit 1; }

rps() { "${pin_load[@]}" wrk -t1 -c"$connections" -d"${seconds}s" "http://127.0.0.1:$1/plaintext" \
        | awk '/^Requests\/sec:/ {print $2}'; }

rps "$bare_port" >/dev/null; rps "$app_port" >/dev/null # warm-up
printf '%-6s %14s %14s %8s\n' round bare-h2o twice-app ratio
ratios=()
for round in $(seq "$rounds"); do
    # Alternate who goes first, so that drift in the machine favours neither.
    if (( round % 2 )); then b=$(rps "$bare_port"); a=$(rps "$app_port");
    else a=$(rps "$app_port"); b=$(rps "$bare_port"); fi
    r=$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.3f", a / b}')
    ratios+=("$r")
    printf '%-6s %14s %14s %8s\n' "$round" "$b" "$a" "$r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
echo "median ratio twice-app/bare-h2o: $median (goal >= 0.95; $rounds rounds of ${seconds}s, $connections connections)"
