#!/usr/bin/env bash
# Proves that framework/ stands on its own: copied into another project and
# added with add_subdirectory(), and configured alone as a top-level project.
# usage: check.sh FRAMEWORK_DIR
set -euo pipefail
framework=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/twice-standalone-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== vendored with add_subdirectory"
mkdir -p "$work/consumer"
cp -r "$framework" "$work/consumer/framework"
cp "$here/consumer.c" "$work/consumer/"
cp "$here/consumer.cmake" "$work/consumer/CMakeLists.txt"
cmake -S "$work/consumer" -B "$work/consumer/build" >/dev/null
cmake --build "$work/consumer/build" -j2 --target consumer >/dev/null
"$work/consumer/build/consumer"

echo "== configured alone, built and installed"
cmake -S "$framework" -B "$work/alone" -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --build "$work/alone" -j2 >/dev/null
cmake --install "$work/alone" >/dev/null
test -f "$work/prefix/include/twice.h"
test -x "$work/prefix/bin/twice-app"
ls "$work/prefix"/lib*/libtwice.a "$work/prefix"/lib*/libtwice.so >/dev/null

echo "== the installed twice.pc builds a program"
pcdir=$(dirname "$(ls "$work/prefix"/lib*/pkgconfig/twice.pc)")
export PKG_CONFIG_PATH="$pcdir"
libdir=$(pkg-config --variable=libdir twice)
cc -o "$work/pc-consumer" "$here/consumer.c" $(pkg-config --cflags --libs twice)
LD_LIBRARY_PATH="$libdir" "$work/pc-consumer"
echo "standalone: ok"
