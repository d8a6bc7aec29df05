#!/usr/bin/env bash
# What the test bed costs: one twice-app /plaintext inside a bed host's network
# namespace (reached through its veth pair and the bridge) against the same
# server on loopback, interleaved in one run. Prints each round and the median
# ratio namespace / loopback. Needs root (it makes a bed of one host and takes
# it down again); only loopback and the bed's 198.18.0.0/15 addresses are used.
#
# usage: bench/testbed_overhead.sh [BUILD_DIR] [ROUNDS] [SECONDS] [CONNECTIONS]
set -euo pipefail
build=${1:-build}
rounds=${2:-5}
seconds=${3:-5}
connections=${4:-64}
source "$(dirname "$0")/lib.sh"
app="$build/framework/twice-app"
twice="$build/harness/twice"
bench_require "$app" "$twice"
[ "$(id -u)" -eq 0 ] || { echo "bench: the test bed needs root" >&2; exit 2; }

scratch=$(mktemp -d)
bed_down() {
    bench_cleanup
    "$twice" testbed down >/dev/null || echo "bench: twice testbed down failed" >&2
    rm -rf "$scratch"
}
trap bed_down EXIT INT TERM

"$twice" testbed up 1 --clients 1 --inventory "$scratch/inventory.json" >/dev/null
namespace=$(ip netns list | awk '$1 ~ /^twice-tb-.*-s0$/ {print $1}')
address=$(ip netns exec "$namespace" ip -4 -o addr show scope global | awk '{sub("/.*", "", $4); print $4}')
[ -n "$address" ] || { echo "bench: the bed's server host has no address" >&2; exit 1; }

bench_start bed_port ip netns exec "$namespace" "$app" --model process --workers 1 \
    --listen "$address:0"
bench_start loop_port "$app" --model process --workers 1 --listen 127.0.0.1:0

bench_rps_at "$address" "$bed_port" /plaintext 1 "$connections" >/dev/null # warm-up
bench_rps "$loop_port" /plaintext 1 "$connections" >/dev/null
loop_rps() { bench_rps "$loop_port" /plaintext "$seconds" "$connections"; }
bed_rps() { bench_rps_at "$address" "$bed_port" /plaintext "$seconds" "$connections"; }
bench_rounds "$rounds" loopback namespace loop_rps bed_rps
median=$bench_median_ratio
echo "median ratio namespace/loopback: $median ($rounds rounds of ${seconds}s, $connections connections, $address)"
