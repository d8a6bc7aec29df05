#!/usr/bin/env bash
# Fails when anything of a `twice testbed` is left on this machine: a namespace, a link or a
# cgroup named twice-tb-*, a process started from the bed's state directory (its sshds), or
# the state directory itself. CI runs it after the tests, which take every bed they make
# down; it removes nothing itself, so that a leak is seen rather than hidden.
set -euo pipefail
left=()
while read -r ns _; do
    [[ $ns == twice-tb-* ]] && left+=("namespace $ns")
done < <(ip netns list 2>/dev/null || true)
for dir in /sys/class/net /sys/fs/cgroup /sys/fs/cgroup/cpu /sys/fs/cgroup/cpu,cpuacct; do
    for entry in "$dir"/twice-tb-*; do
        [ -e "$entry" ] && left+=("$entry")
    done
done
for cmdline in /proc/[0-9]*/cmdline; do
    # A process may be gone between the listing and the read: that is not a leak.
    if { tr '\0' ' ' <"$cmdline"; } 2>/dev/null | grep -q /run/twice-testbed; then
        left+=("process ${cmdline//[^0-9]/}")
    fi
done
[ -e /run/twice-testbed ] && left+=("/run/twice-testbed")
if [ ${#left[@]} -ne 0 ]; then
    printf 'left by a test bed: %s\n' "${left[@]}" >&2
    exit 1
fi
echo "nothing of a test bed is left"
