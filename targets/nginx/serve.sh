#!/bin/sh
# serve.sh PORT - nginx on 127.0.0.1:PORT from nginx.conf beside this script,
# under a temporary prefix (its pid file, its temporary folders) that is
# removed when nginx stops. A scenario's command target runs it as
# "exec sh serve.sh {port}" with "cwd": "../targets/nginx": nginx takes its
# port only from a file, so each server needs a config of its own. The exec
# makes this shell the server twice waits for: twice kills what is left of a
# server's process group once the server itself is gone, and the clean-up
# below must be done by then.
command -v nginx >/dev/null 2>&1 || {
    echo "serve.sh: nginx is not installed (apt-get install nginx-light)" >&2
    exit 127
}
dir=$(mktemp -d "${TMPDIR:-/tmp}/twice-nginx-XXXXXX") || exit 1
# Twice stops a server by signalling its process group: nginx and this shell
# both get the signal, and the shell cleans up once nginx is gone.
trap 'wait; rm -rf "$dir"' EXIT
trap 'exit 143' TERM INT
sed "s/[{]port[}]/$1/" "$(dirname "$0")/nginx.conf" >"$dir/nginx.conf"
nginx -p "$dir/" -c "$dir/nginx.conf" -e stderr -g 'daemon off;' &
wait $!
