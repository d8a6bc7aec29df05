#!/usr/bin/env bash
# The contention route's known answer, measured: with one process worker per
# server, /contention?us=H&ms=W waits W ms in parallel, then holds a lock
# every server shares for H us, so its serial fraction is about H / (H + W).
# Runs a short contention scenario at 1, 2, 3 and 4 servers (twice-app, the
# process model, one worker each) and prints the USL fit's sigma with its 95%
# interval beside H / (H + W), and the fitted kappa. Too noisy on a shared
# two-core machine for a test (tests/unit/test_contention_answer.c checks the fit
# on figures recorded with it); run it on a quiet machine:
#   scripts/known-answers.sh [HOLD_US [WAIT_MS [REPETITIONS]]]
set -euo pipefail
cd "$(dirname "$0")/.."
hold_us=${1:-2000}
wait_ms=${2:-5}
repetitions=${3:-3}
twice=${TWICE:-build/harness/twice}
app=${TWICE_APP:-build/framework/twice-app}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/contention.json" <<JSON
{
  "name": "contention-known-answer",
  "description": "One process worker per server: the lock's share of a request, H / (H + W), is the serial fraction sigma should find.",
  "target": {"app": "twice-app", "route": "/contention?us=$hold_us&ms=$wait_ms", "workers": 1, "check": "json"},
  "models": ["process"],
  "servers": [1, 2, 3, 4],
  "connections_per_server": 4,
  "warmup_s": 1,
  "duration_s": 2,
  "repetitions": $repetitions
}
JSON
"$twice" run "$work/contention.json" -o "$work/reports" --app "$app"
report=$(ls "$work"/reports/*.json)
echo
echo "servers,throughput (every repetition, for a CSV fixture):"
jq -r '.models[0].steps[] | .servers as $n | .runs[] | "\($n),\(.throughput)"' "$report"
echo
"$twice" fit "$report" --json | jq -r --argjson h "$hold_us" --argjson w "$wait_ms" '
  .[0] as $fit
  | ($h / ($h + $w * 1000)) as $serial
  | "serial fraction H / (H + W) = \($serial)",
    "sigma = \($fit.sigma.value), 95% interval \($fit.sigma.ci95)",
    "kappa = \($fit.kappa.value), 95% interval \($fit.kappa.ci95 // "none")",
    (if $fit.sigma.ci95 != null and $fit.sigma.ci95[0] <= $serial and $serial <= $fit.sigma.ci95[1]
     then "the interval covers the serial fraction"
     else "the interval misses the serial fraction" end)'
