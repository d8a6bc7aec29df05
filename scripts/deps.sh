#!/usr/bin/env bash
# Installs the Debian packages Twice builds and runs with, when any is missing.
# Run as root, or as a user with sudo.
set -euo pipefail
packages=(
    cmake pkg-config gcc make            # the build
    libh2o-evloop-dev libssl-dev zlib1g-dev  # HTTP (h2o links OpenSSL and zlib)
    libjansson-dev                       # JSON
    libgsl-dev                           # the USL fit (nonlinear least squares) and distributions
    libcriterion-dev                     # unit tests
    wrk                                  # load generation
    haproxy                              # the haproxy front (twice starts its own)
    chromium                             # the HTML report test renders the charts
    python3-flask gunicorn python3-gevent    # the peers: targets/flask under gunicorn
    nginx-light                          # the peers: targets/nginx
    iproute2 openssh-server openssh-client   # the test bed: namespaces, links, netem; sshd per host
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=()
[ "$(id -u)" -ne 0 ] && sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# openssh-server's and haproxy's installs would start the machine's own sshd and HAProxy: the
# test bed starts an sshd per host and the haproxy front a HAProxy per step, and neither needs
# the system's, so service starts are refused during the install
# (policy-rc.d exit 101), unless the machine already has a policy.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
