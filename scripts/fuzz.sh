#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer for a bounded time: scripts/fuzz.sh TARGET SECONDS.
# TARGET is a name from tests/fuzz/ (fuzz_TARGET.c); "all" runs every target for SECONDS
# each. Builds build-fuzz/ with clang (ASan + UBSan + libFuzzer) first. New inputs go to a
# scratch folder, never into the repo's corpus; a crash leaves its input in
# build-fuzz/crashes/ and fails the script: copy it into tests/fuzz/regressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh TARGET|all SECONDS" >&2
    exit 2
fi
target=$1 seconds=$2
command -v clang >/dev/null || { echo "scripts/fuzz.sh: needs clang (Debian clang)" >&2; exit 2; }
CC=clang scripts/build.sh build-fuzz -DTWICE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
if [ "$target" = all ]; then
    targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_\(.*\)\.c$/\1/')
else
    [ -f "tests/fuzz/fuzz_$target.c" ] || { echo "scripts/fuzz.sh: no fuzz target '$target' in tests/fuzz/" >&2; exit 2; }
    targets=$target
fi
mkdir -p build-fuzz/crashes
for t in $targets; do
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    dict=() seeds=()
    [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
    for d in "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t"; do
        [ -d "$d" ] && seeds+=("$d")
    done
    echo "== fuzz-$t for ${seconds}s"
    rc=0
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
        "build-fuzz/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t-" "${dict[@]}" \
        "$scratch" "${seeds[@]}" >"$scratch.log" 2>&1 || rc=$?
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+ +DONE' "$scratch.log" || true
    if [ "$rc" -ne 0 ]; then
        tail -n 60 "$scratch.log" >&2
        echo "fuzz-$t failed (exit $rc): the input is in build-fuzz/crashes/" >&2
        rm -rf "$scratch" "$scratch.log"
        exit 1
    fi
    rm -rf "$scratch" "$scratch.log"
    trap - EXIT
done
