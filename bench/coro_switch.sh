#!/usr/bin/env bash
# Nanoseconds per coroutine switch, hand-written vs ucontext, in one run.
# Each switch here is what tw__coro_resume() or tw__coro_yield() costs,
# context locals included. Goal: asm <= 20 ns and >= 10x faster than ucontext.
#
# usage: bench/coro_switch.sh [BUILD_DIR] [SWITCH_PAIRS]
set -euo pipefail
build=${1:-build}
pairs=${2:-10000000}
for bin in "$build/bench/coro-switch-asm" "$build/bench/coro-switch-ucontext"; do
    [ -x "$bin" ] || { echo "bench: $bin not found; build with the tests on (the default)" >&2; exit 2; }
done
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
asm=$("${pin[@]}" "$build/bench/coro-switch-asm" "$pairs")
uc=$("${pin[@]}" "$build/bench/coro-switch-ucontext" "$pairs")
echo "$asm"
echo "$uc"
a=$(echo "$asm" | awk '{print $2}')
u=$(echo "$uc" | awk '{print $2}')
awk -v a="$a" -v u="$u" 'BEGIN {printf "ucontext / asm: %.1fx (goal: asm <= 20 ns, >= 10x)\n", u / a}'
