#!/usr/bin/env bash
# twice validate, report, gate and compare over hostile files: tests/hostile/ (committed,
# small) and a few generated here (10,000 models, nesting 100,000 deep, a 4 MB string).
# Every command must end within a timeout, by exit, never by a signal, with status 0, 1
# or 2, with no sanitizer report (in a sanitizer build) and no raw escape character on the
# terminal (validate's printing is another matter); and by the file's name:
#   bad-*         the report reader refuses it: report, gate and compare exit 2 and name
#                 the file
#   unmeasured-*  a report where nothing (or not everything) was measured: report renders
#                 it (0), gate and compare refuse it (2)
#   ok-*          a hostile but valid report: report renders it (0) as well-formed XML for
#                 JUnit, gate and compare decide (0 or 1; 2 against the fixture when it is
#                 another scenario)
# Usage: check.sh TWICE FIXTURE_REPORT HOSTILE_DIR
set -uo pipefail
twice=$1 fixture=$2 dir=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0 runs=0

python3 - "$fixture" "$scratch" <<'PY'
import copy, json, sys
base = json.load(open(sys.argv[1]))
out = sys.argv[2]
many = copy.deepcopy(base)
many["models"] = [dict(copy.deepcopy(base["models"][0]), model="m%d" % i) for i in range(10000)]
json.dump(many, open(out + "/ok-10k-models.json", "w"), separators=(",", ":"))  # under 16 MiB
open(out + "/bad-deep-100k.json", "w").write("[" * 100000 + "]" * 100000)
long = copy.deepcopy(base)
long["models"][0]["model"] = "x" * (4 << 20)
json.dump(long, open(out + "/ok-4mb-name.json", "w"))
PY

# run EXPECTED NAME ARGS...: EXPECTED is a list of allowed statuses ("2", "01", "012").
run() {
    local expected=$1 name=$2
    shift 2
    runs=$((runs + 1))
    timeout -s KILL 60 "$twice" "$@" >"$scratch/out" 2>"$scratch/err"
    local status=$?
    local why=""
    if [ "$status" -eq 137 ]; then
        why="killed after 60 s (a hang)"
    elif [ "$status" -gt 128 ]; then
        why="killed by signal $((status - 128))"
    elif [[ $expected != *$status* ]]; then
        why="exit $status, expected one of $expected"
    elif [ "$expected" = 2 ] && ! grep -qF "$name" "$scratch/err"; then
        why="the message does not name the file: $(head -c 300 "$scratch/err")"
    elif grep -qE 'Sanitizer|runtime error:' "$scratch/err"; then
        why="a sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$scratch/err")"
    elif [ "$1" != validate ] && LC_ALL=C grep -q $'\x1b' "$scratch/out" "$scratch/err"; then
        why="a raw escape character reached the terminal"
    fi
    if [ -n "$why" ]; then
        echo "FAIL twice $*: $why" >&2
        failures=$((failures + 1))
    fi
    return 0
}

for file in "$dir"/*.json "$scratch"/*.json; do
    name=$(basename "$file")
    case $name in
    bad-*) report=2 gate=2 cross=2 ;;
    unmeasured-*) report=0 gate=2 cross=2 ;;
    ok-*) report=0 gate=01 cross=012 ;; # 2 against the fixture: another scenario
    *) echo "FAIL $name: a hostile file is named bad-, unmeasured- or ok-" >&2
       failures=$((failures + 1)); continue ;;
    esac
    run 012 "$name" validate "$file"
    for format in md junit html; do
        run "$report" "$name" report "$file" --format "$format" -o "$scratch/out.$format"
    done
    if [ "$report" = 0 ] && ! xmllint --huge --noout "$scratch/out.junit" 2>"$scratch/xml"; then
        echo "FAIL twice report $file --format junit: not well-formed: $(head -c 300 "$scratch/xml")" >&2
        failures=$((failures + 1))
    fi
    run "$gate" "$name" gate "$file"
    run "$gate" "$name" compare "$file" "$file"
    run "$cross" "$name" gate "$file" --baseline "$fixture"
    run "$cross" "$name" compare "$fixture" "$file"
    run "$cross" "$name" compare "$file" "$fixture"
done
echo "$runs runs of twice over $(ls "$dir"/*.json "$scratch"/*.json | wc -l) hostile files, $failures failed"
[ "$failures" -eq 0 ]
