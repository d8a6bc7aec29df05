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
    chromium                             # the HTML report test renders the charts
    python3-flask gunicorn python3-gevent    # the peers: targets/flask under gunicorn
    nginx-light                          # the peers: targets/nginx
    iproute2 openssh-server openssh-client   # the test bed: namespaces, links, netem; sshd per host
    haproxy                              # the haproxy front (twice starts its own, never the service)
    # PostgreSQL: libpq for twice-app's /db routes and the harness's service, the server that
    # service starts (its own, in a scratch directory, never the machine's), psycopg2 for the
    # Flask app's /db routes
    libpq-dev postgresql python3-psycopg2
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
# openssh-server's, haproxy's and postgresql's installs would start the machine's own sshd,
# haproxy and database: Twice starts its own (one sshd per test-bed host, one haproxy per run,
# one PostgreSQL per run) and needs no other,
# so service starts are refused during the install (policy-rc.d exit 101), unless the machine
# already has a policy.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
