#!/usr/bin/env bash
# The hot row's known answer, measured. scenarios/db-hot-row.json updates one
# row with synchronous commits, one request in flight per server. Its serial
# fraction is h / L: L the route's time with one connection and no
# contention (1 / the scenario's throughput at one server), h the time the
# row lock is held (1 / the throughput of one server with as many requests
# in flight as the largest step has, so the lock is never idle and has as
# many waiters: more waiters make each hand-off dearer, as all of them wake
# at a commit). Runs both, prints the scenario's figures as
# CSV (for a fixture such as tests/fixtures/hot-row-sync.csv) and the USL
# fit's sigma with its 95% interval beside h / L. The machine's other work
# and the disk's flush time move both; run it on a quiet machine:
#   scripts/db-hot-row-answer.sh [REPETITIONS [IN_FLIGHT]]
set -euo pipefail
cd "$(dirname "$0")/.."
repetitions=${1:-3}
# The largest step's requests in flight: its servers times their connections.
many=${2:-$(jq '(.servers | max) * .connections_per_server' scenarios/db-hot-row.json)}
twice=${TWICE:-build/harness/twice}
app=${TWICE_APP:-build/framework/twice-app}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jq --argjson r "$repetitions" '.repetitions = $r | del(.gate)' scenarios/db-hot-row.json \
    >"$work/hot-row.json"
# One server, that many requests in flight (coroutines: one process, a connection to the
# database per request in flight): the lock is busy all the time.
jq --argjson r "$repetitions" --argjson c "$many" \
    '.name = "db-hot-row-many" | .models = ["coroutine"] | .servers = [1]
     | .connections_per_server = $c | .repetitions = $r | del(.gate)' \
    scenarios/db-hot-row.json >"$work/many.json"
"$twice" run "$work/hot-row.json" -o "$work/scaling" --app "$app" || true
"$twice" run "$work/many.json" -o "$work/many" --app "$app" || true
scaling=$(ls "$work"/scaling/*.json)
many_report=$(ls "$work"/many/*.json)
median='sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end'
one=$(jq "[.models[0].steps[] | select(.servers == 1) | .runs[].throughput] | $median" "$scaling")
busy=$(jq "[.models[0].steps[0].runs[].throughput] | $median" "$many_report")
echo
echo "servers,throughput (every repetition, for a CSV fixture):"
jq -r '.models[0].steps[] | .servers as $n | .runs[] | "\($n),\(.throughput)"' "$scaling"
echo
"$twice" fit "$scaling" --json | jq -r --argjson one "$one" --argjson busy "$busy" '
  .[0] as $fit
  | ($one / $busy) as $serial
  | "one connection: \($one) req/s (L = \(1e6 / $one) us); \('"$many"') connections: \($busy) req/s (h = \(1e6 / $busy) us)",
    "serial fraction h / L = \($serial)",
    "sigma = \($fit.sigma.value), 95% interval \($fit.sigma.ci95)",
    "kappa = \($fit.kappa.value), 95% interval \($fit.kappa.ci95 // "none")",
    (if $fit.sigma.ci95 != null and $fit.sigma.ci95[0] <= $serial and $serial <= $fit.sigma.ci95[1]
     then "the interval covers the serial fraction"
     else "the interval misses the serial fraction" end)'
