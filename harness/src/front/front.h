/*
 * front.h - how load reaches the servers. A front is a small table of
 * functions, one file per kind, chosen by name (front_by_name) from the
 * scenario's "front":
 *
 *   reuseport (front_reuseport.c)  every server binds one port; the kernel spreads connections
 *   direct    (front_direct.c)     a port per server; wrk's threads are spread over them
 *   haproxy   (front_haproxy.c)    a real HAProxy in front of the servers' own ports
 *
 * The run asks a front how the servers must bind, starts it once they answer,
 * points wrk at what start() gave, brackets each measured window with mark()
 * and collect() for what the front saw, and stops it before the servers.
 * Adding a front is one file and one entry in front.c's table.
 */
#ifndef TWICE_FRONT_H
#define TWICE_FRONT_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "inventory.h"

#define FRONT_MAX_SERVERS 256

/** What a front is started with. The arrays are the caller's; start() copies what it keeps. */
typedef struct front_spec {
    const char *const *addresses; /* the servers' addresses (a name or an IP address); NULL:
                                     127.0.0.1 for every server */
    const int *ports;             /* the servers' ports, one per server */
    unsigned n;
    const char *balance;  /* the balancing algorithm (a front with balances); NULL: its first */
    const inventory *inv; /* the hosts: a balancer runs on inv->balancer; NULL (or no balancer
                             in it): this machine */
    int port;             /* a balancer's listening port; 0: a free one */
} front_spec;

/** A started front: where the load generator goes, and the front's own state. */
typedef struct front_run {
    const struct front *ops;
    int ports[FRONT_MAX_SERVERS]; /* what wrk connects to */
    unsigned nports;
    const char *address; /* where those ports are (a balancer on another host); NULL: the
                            servers' own addresses, or 127.0.0.1 for a balancer here */
    const char *balance; /* the algorithm in use (static), or NULL for a front without one */
    void *state;         /* the front's own (owned; freed by stop) */
    pid_t group;         /* the front's own process group here (HAProxy's, or the ssh client
                            carrying a remote one), 0 for none */
} front_run;

typedef struct front {
    const char *name;
    int servers_share_port; /* 1: every server binds the same port (SO_REUSEPORT) */
    int load_spreads;       /* 1: wrk spreads its threads over several ports (one per server) */
    double own_cores;       /* cores the front itself takes where it runs (front_local_cores:
                               on this machine) */
    const char *const *balances; /* algorithms "balance" may name (NULL-terminated; the first
                                    is the default), or NULL for a front that balances nothing */
    /** 0 when the front's own program is where inv (NULL: no inventory) puts it, asked there
     * before the run (a balancer host reached, HAProxy on it); -1 with err naming the host and
     * what is missing. NULL for a front with nothing to ask. */
    int (*probe)(const inventory *inv, char *err, size_t errlen);
    /** Starts the front for spec's servers, which already answer, and fills fr. 0, or -1 with
     * err saying what failed and where; nothing is left running (or on disk) on failure. */
    int (*start)(front_run *fr, const front_spec *spec, char *err, size_t errlen);
    /** Marks the start of a measured window. 0, or -1 with err (the front died). */
    int (*mark)(front_run *fr, char *err, size_t errlen);
    /** What the front saw since mark(), as runs[k].front for the report (a new reference), or
     * NULL with err empty for a front that sees nothing, or NULL with err set on failure. */
    json_t *(*collect)(front_run *fr, char *err, size_t errlen);
    /** Stops the front and removes all it made. Safe after a failed start and twice. */
    void (*stop)(front_run *fr);
} front;

extern const front front_reuseport, front_direct, front_haproxy;

/** The front called name, or NULL. */
const front *front_by_name(const char *name);
/** Every front's name, in table order, NULL-terminated: for messages and the scenario's
 * choices. */
const char *const *front_names(void);
/** 0 when f may run where inv (NULL: no inventory) puts the balancer, from the inventory
 * alone: a balancer on another host must reach the servers, so they must not be on this
 * machine's loopback. -1 with err saying why not. */
int front_check_host(const front *f, const inventory *inv, char *err, size_t errlen);
/** f->probe where f has one, else 0. */
int front_probe(const front *f, const inventory *inv, char *err, size_t errlen);
/** 1 when inv (NULL: no inventory) puts a balancer on another host than this machine. */
int front_balancer_remote(const inventory *inv);
/** The cores f takes on this machine while it runs: its own_cores, or 0 when its balancer is
 * on another host. */
double front_local_cores(const front *f, const inventory *inv);

#endif
