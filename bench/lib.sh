# Helpers the benchmark scripts share: starting servers on free loopback ports,
# measuring throughput with wrk, and leaving nothing behind. Source it.

bench_pids=()
bench_cleanup() {
    for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap bench_cleanup EXIT INT TERM

# Server on CPU 0, load generator on CPU 1 where there are two: they do not fight for a core.
pin_server=() pin_load=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    pin_server=(taskset -c 0) pin_load=(taskset -c 1)
fi

bench_require() { # BIN...: every binary exists, and wrk too
    for bin in "$@"; do
        [ -x "$bin" ] || { echo "bench: $bin not found; build first" >&2; exit 2; }
    done
    command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install wrk)" >&2; exit 2; }
}

# VAR CMD...: starts a server, waits for its "listening on" line and sets VAR to its port.
# Not meant for $(...): the server's pid must reach bench_cleanup in this shell.
bench_start() {
    local _bench_var=$1 out
    shift
    out=$(mktemp)
    "${pin_server[@]}" "$@" >"$out" 2>&1 &
    bench_pids+=($!)
    for _ in $(seq 100); do
        grep -q "listening on" "$out" && break
        sleep 0.05
    done
    # Named apart from anything a caller may pass as VAR, which a local would shadow.
    local _bench_port; _bench_port=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\)\( .*\)\{0,1\}$/\1/p' "$out" | head -1)
    rm -f "$out"
    [ -n "$_bench_port" ] || { echo "bench: '$*' did not start" >&2; exit 1; }
    printf -v "$_bench_var" '%s' "$_bench_port"
}

bench_rps() { # PORT TARGET SECONDS CONNECTIONS [THREADS]: requests per second on loopback
    bench_rps_at 127.0.0.1 "$@"
}

bench_rps_at() { # ADDRESS PORT TARGET SECONDS CONNECTIONS [THREADS]: requests per second
    "${pin_load[@]}" wrk -t"${6:-1}" -c"$5" -d"${4}s" "http://$1:$2$3" \
        | awk '/^Requests\/sec:/ {print $2}'
}

bench_ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }

bench_median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# ROUNDS BASE_LABEL OTHER_LABEL BASE_FN OTHER_FN: runs both measurements (functions that print
# a rate) once per round, alternating which goes first so that drift in the machine favours
# neither, prints a row per round and sets bench_median_ratio to the median OTHER / BASE.
bench_rounds() {
    local rounds=$1 base other ratio ratios=()
    printf '%-6s %14s %14s %8s\n' round "$2" "$3" ratio
    for round in $(seq "$rounds"); do
        if (( round % 2 )); then
            base=$($4); other=$($5)
        else
            other=$($5); base=$($4)
        fi
        ratio=$(bench_ratio "$other" "$base")
        ratios+=("$ratio")
        printf '%-6s %14s %14s %8s\n' "$round" "$base" "$other" "$ratio"
    done
    bench_median_ratio=$(printf '%s\n' "${ratios[@]}" | bench_median)
}
