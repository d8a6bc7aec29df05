#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, then starts
# twice-app (process model, 2 workers) on a free loopback port, shows a
# request to every workload route, puts /plaintext under load for a few
# seconds, and stops the server gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build

out=$(mktemp)
app_pid=
cleanup() {
    [ -n "$app_pid" ] && kill -TERM "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
    rm -f "$out"
}
trap cleanup EXIT INT TERM

build/framework/twice-app --model process --workers 2 --listen 127.0.0.1:0 >"$out" &
app_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$out" && break; sleep 0.05; done
address=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$out")
[ -n "$address" ] || { echo "twice-app did not start" >&2; exit 1; }
cat "$out"
echo
for target in /plaintext /json "/sleep?ms=20" "/cpu?iters=100000" "/ctx?id=demo&ms=5" \
              "/contention?us=200&ms=1" "/sleep?ms=soon"; do
    printf 'GET %-26s -> ' "$target"
    curl -s -w '  [%{http_code}]\n' "http://$address$target"
done
echo
echo "wrk: 2 threads, 64 connections, 5 s on /plaintext"
wrk -t2 -c64 -d5s "http://$address/plaintext" | sed -n '/Latency/p;/Requests\/sec/p;/Transfer/p'
kill -TERM "$app_pid"
wait "$app_pid" && echo "twice-app stopped cleanly (exit 0)"
app_pid=
