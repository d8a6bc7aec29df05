#!/usr/bin/env bash
# Proves that an installed Twice works as installed, away from the source tree:
# `cmake --install` of BUILD_DIR into a fresh prefix, then the shared library's
# exports, programs built with find_package(twice) and with pkg-config, the
# versions and man pages, and the installed twice running a scenario from a
# temporary directory after the prefix was moved (so nothing may point back into
# the build or the source tree).
# usage: check.sh BUILD_DIR VERSION
set -euo pipefail
build=$(cd "$1" && pwd)
version=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/twice-install-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "install: $*" >&2; exit 1; }
trap 'echo "install: line $LINENO failed: $BASH_COMMAND" >&2' ERR

echo "== cmake --install into a fresh prefix, then moved"
cmake --install "$build" --prefix "$work/staged" >/dev/null
mv "$work/staged" "$work/prefix"
prefix=$work/prefix
for f in bin/twice bin/twice-app include/twice.h share/twice/twice.lua \
         share/man/man1/twice.1 share/man/man1/twice-app.1 share/doc/twice/LICENSE; do
    test -e "$prefix/$f" || fail "$f is not installed"
done
libdir=$(dirname "$(ls "$prefix"/lib*/libtwice.so)")
test -f "$libdir/libtwice.a" || fail "libtwice.a is not installed beside libtwice.so"

echo "== the shared library exports twice.h's TW_API functions and nothing else"
nm -D --defined-only "$libdir/libtwice.so" | awk '{print $3}' | sort >"$work/exported"
sed -n 's/^TW_API .*[ *]\(tw_[a-z0-9_]*\)(.*/\1/p' "$prefix/include/twice.h" | sort >"$work/declared"
test -s "$work/declared" || fail "no TW_API declarations found in twice.h"
diff -u "$work/declared" "$work/exported" || fail "libtwice.so exports differ from twice.h"

echo "== find_package(twice): shared and static"
mkdir "$work/consumer"
cp "$here/../standalone/consumer.c" "$work/consumer/"
cp "$here/consumer.cmake" "$work/consumer/CMakeLists.txt"
cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer/build" -j2 >/dev/null
"$work/consumer/build/consumer-shared"
"$work/consumer/build/consumer-static"
# Whole outputs, not pipes into grep -q: under pipefail an early grep exit fails the pipe.
loaded=$(ldd "$work/consumer/build/consumer-shared")
[[ $loaded == *"$libdir/libtwice.so"* ]] || fail "consumer-shared does not load the installed libtwice.so"
loaded=$(ldd "$work/consumer/build/consumer-static")
[[ $loaded != *libtwice* ]] || fail "consumer-static loads a shared libtwice"

echo "== pkg-config twice"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
test "$(pkg-config --modversion twice)" = "$version" || fail "twice.pc says another version"
test -f "$(pkg-config --variable=includedir twice)/twice.h" ||
    fail "twice.pc's includedir has no twice.h (it must follow the moved prefix)"
cc -o "$work/pc-consumer" "$here/../standalone/consumer.c" $(pkg-config --cflags --libs twice)
LD_LIBRARY_PATH="$libdir" "$work/pc-consumer"
# Static: Requires.private and Libs.private must name everything libtwice.a needs.
cc -o "$work/pc-consumer-static" "$here/../standalone/consumer.c" $(pkg-config --cflags twice) \
    -Wl,-Bstatic -ltwice -Wl,-Bdynamic $(pkg-config --static --libs twice | sed 's/-ltwice//')
"$work/pc-consumer-static"

echo "== versions and man pages"
test "$("$prefix/bin/twice" --version)" = "twice $version" || fail "twice --version"
test "$("$prefix/bin/twice-app" --version)" = "twice-app $version" || fail "twice-app --version"
for page in twice twice-app; do
    warnings=$(MANWIDTH=80 man --warnings -l "$prefix/share/man/man1/$page.1" 2>&1 >/dev/null)
    test -z "$warnings" || fail "man page $page.1: $warnings"
done

echo "== the installed twice runs a scenario from a temporary directory"
unset TWICE_LUA TWICE_APP
export PATH="$prefix/bin:$PATH"
"$prefix/bin/twice" validate "$prefix"/share/twice/scenarios/*.json >/dev/null
mkdir "$work/run"
cd "$work/run"
cat >tiny.json <<'JSON'
{"name": "installed", "target": {"app": "twice-app", "route": "/ctx?id=1", "check": "ctx"},
 "models": ["process"], "servers": [1], "connections_per_server": 2,
 "warmup_s": 0, "duration_s": 1, "repetitions": 1}
JSON
twice run tiny.json -o out >run.log 2>&1 || { cat run.log; fail "twice run failed"; }
ls out/installed-*.json >/dev/null || fail "no report written"

echo "== without its wrk script, it says which file it wanted; TWICE_LUA names another"
rm "$prefix/share/twice/twice.lua"
status=0
twice run tiny.json -o out2 >missing.log 2>&1 || status=$?
test "$status" -eq 2 || { cat missing.log; fail "expected exit status 2, got $status"; }
grep -q "$prefix/bin/../share/twice/twice.lua" missing.log ||
    { cat missing.log; fail "the error does not name the missing script"; }
TWICE_LUA="$here/../../harness/lua/twice.lua" twice run tiny.json -o out3 >lua.log 2>&1 ||
    { cat lua.log; fail "twice run with TWICE_LUA failed"; }
echo "install: ok"
