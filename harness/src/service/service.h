/*
 * service.h - the shared services that servers use (a database every server
 * talks to), started by twice before the servers and torn down after them,
 * like every other process it starts: nothing of a service outlives twice,
 * not even after a SIGKILL. One file per kind of service behind this ops
 * table (service_postgres.c), as the deployers and fronts are; a kind that
 * runs on another host has a table of its own (service_postgres_ssh.c).
 *
 * A run uses one as: start (its own port on 127.0.0.1, or on its host's
 * address; its own scratch directory), seed, address (what the servers are
 * given: {db} for a command target, --db for twice-app), then stop, whatever
 * happened in between.
 */
#ifndef TWICE_SERVICE_H
#define TWICE_SERVICE_H

#include <stddef.h>
#include <sys/types.h>

#include "inventory.h"

/** How a service is to be started. Zeroed fields take the defaults. */
typedef struct service_settings {
    unsigned max_connections;   /* clients it accepts at once (default 100) */
    int synchronous_commit;     /* 1: commits wait for their WAL on disk (fsync on); 0: neither */
    const char *join;           /* a cgroup's procs file that the service's processes join (a CPU
                                   cap; the watchdog then kills all of it), or NULL */
    const inventory *inv;       /* another host's: the ssh settings (borrowed) */
    const inventory_host *host; /* the host it runs on, for a kind that runs elsewhere */
    double cpu_cap;             /* there: the cores it may use (0: not capped) */
} service_settings;

typedef struct service service; /* one running service; its layout is its kind's own */

typedef struct service_ops {
    const char *name;
    /** Starts the service and waits (bounded) until it accepts clients. The service, or NULL
     * with err saying why (a missing package is named); nothing is left behind then. */
    service *(*start)(const service_settings *settings, char *err, size_t errlen);
    /** Fills it with rows rows of test data, replacing what a seed made before. 0, or -1 with
     * err. */
    int (*seed)(service *svc, unsigned rows, char *err, size_t errlen);
    /** What a client connects with (a libpq conninfo for PostgreSQL); owned by svc. */
    const char *(*address)(const service *svc);
    /** The clients connected to it now (twice's own question not counted), or -1 when it
     * cannot say. */
    long (*clients)(const service *svc);
    /** The process whose group holds the service (for measures), or -1 once stopped or when
     * it runs on another host. */
    pid_t (*pid)(const service *svc);
    /** Whether the service runs under settings->cpu_cap, set on its own host: 1 yes, 0 no
     * (why in why), -1 when its cap is the caller's (settings->join). */
    int (*cap_applied)(const service *svc, char *why, size_t whylen);
    /** Stops it (a fast shutdown, then SIGKILL to what is left), removes its directory and
     * frees svc. NULL is ignored. */
    void (*stop)(service *svc);
} service_ops;

extern const service_ops service_postgres;
extern const service_ops service_postgres_ssh;

/** The kind of service called name ("postgres"), or NULL. */
const service_ops *service_find(const char *name);

#endif
