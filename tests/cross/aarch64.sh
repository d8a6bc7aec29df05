#!/usr/bin/env bash
# Cross-builds the hand-written coroutine switch for aarch64 and runs its
# check under qemu, so that the aarch64 path is tested on an x86-64 machine.
# Needs gcc-aarch64-linux-gnu and qemu-user (Debian packages).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../framework/src"
out=$(mktemp -d /tmp/twice-aarch64-XXXXXX)
trap 'rm -rf "$out"' EXIT
aarch64-linux-gnu-gcc -O2 -static -Wall -Wextra -I"$src" -o "$out/switch-check" \
    "$here/switch_check.c" "$src/coro_switch.S" "$src/coro_switch_asm.c"
qemu-aarch64 "$out/switch-check"
