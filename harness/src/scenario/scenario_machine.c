/*
 * scenario_machine.c - see scenario_machine.h. The counts are upper
 * bounds of what a step opens, computed in 64 bits (the products of
 * 32-bit values do not overflow them).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "scenario_machine.h"

#define WRK_OWN_FILES 32 /* beyond its connections: standard streams, epoll, the script */

/* The first numbers of a /proc/sys file; 0 when unreadable. */
static int read_numbers(const char *path, unsigned long long *a, unsigned long long *b)
{
    FILE *f = fopen(path, "r");
    int n = f != NULL ? fscanf(f, "%llu %llu", a, b) : 0;
    if (f != NULL)
        fclose(f);
    return n;
}

static void lower_to(unsigned long long *limit, const char **from, unsigned long long value,
                     const char *source)
{
    if (value > 0 && value < *limit) {
        *limit = value;
        *from = source;
    }
}

void machine_limits_probe(machine_limits *out)
{
    memset(out, 0, sizeof(*out));
    out->open_files = out->ports = out->tasks = ~0ULL;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lower_to(&out->open_files, &out->open_files_from, rl.rlim_cur, "ulimit -n");
    if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lower_to(&out->tasks, &out->tasks_from, rl.rlim_cur, "ulimit -u");
    unsigned long long first, last;
    if (read_numbers("/proc/sys/net/ipv4/ip_local_port_range", &first, &last) == 2 && last >= first)
        lower_to(&out->ports, &out->ports_from, last - first + 1, "net.ipv4.ip_local_port_range");
    if (read_numbers("/proc/sys/kernel/threads-max", &first, &last) >= 1)
        lower_to(&out->tasks, &out->tasks_from, first, "kernel.threads-max");
    if (read_numbers("/proc/sys/kernel/pid_max", &first, &last) >= 1)
        lower_to(&out->tasks, &out->tasks_from, first, "kernel.pid_max");
}

int scenario_check_machine(const scenario *sc, const machine_limits *limits, char *err,
                           size_t errlen)
{
    unsigned long long n = sc->nservers > 0 ? sc->servers[sc->nservers - 1] : 0;
    unsigned long long connections = (unsigned long long)sc->connections_per_server * n;
    /* A front that spreads the load over the servers' ports (direct) sends each its own
     * connections; the others send them all to one port (shared, or a balancer's). */
    unsigned long long per_port =
        sc->front->load_spreads ? sc->connections_per_server : connections;
    if (connections + WRK_OWN_FILES > limits->open_files) {
        snprintf(err, errlen,
                 "%s: \"connections_per_server\" %u x %llu servers is %llu connections at the "
                 "largest step, each an open file in wrk, but this machine allows %llu open "
                 "files (%s), %d of which wrk needs for itself",
                 sc->path, sc->connections_per_server, n, connections, limits->open_files,
                 limits->open_files_from, WRK_OWN_FILES);
        return -1;
    }
    if (per_port > limits->ports) {
        snprintf(err, errlen,
                 "%s: the largest step opens %llu connections to one server port, but loopback "
                 "has %llu ports to connect from (%s)",
                 sc->path, per_port, limits->ports, limits->ports_from);
        return -1;
    }
    /* Thread model: each worker runs its handler threads; the others, one loop per worker. */
    for (size_t i = 0; i < sc->ntargets; i++) {
        const scenario_target *t = &sc->targets[i];
        if (t->kind != SCENARIO_TARGET_APP)
            continue;
        unsigned long long per_worker = strcmp(t->model, "thread") == 0 ? t->threads : 1;
        unsigned long long tasks = (unsigned long long)t->workers * per_worker * n;
        if (tasks > limits->tasks) {
            snprintf(err, errlen,
                     "%s: target \"%s\": %u workers x %llu thread%s x %llu servers is %llu "
                     "threads at the largest step, but this machine allows %llu (%s)",
                     sc->path, t->label, t->workers, per_worker, per_worker == 1 ? "" : "s", n,
                     tasks, limits->tasks, limits->tasks_from);
            return -1;
        }
    }
    return 0;
}
