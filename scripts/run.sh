#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, and runs the
# default scaling scenario (scenarios/quick.json: the waiting workload across
# the three models at 1, 2 and 4 servers, about a minute). It prints a table
# and writes the JSON report to reports/. Extra arguments go to twice run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh build
exec build/harness/twice run scenarios/quick.json "$@"
