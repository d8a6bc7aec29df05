/*
 * measure_window.h - what the servers, wrk, twice and the machine used over
 * one measurement window (measure_window.c): the shape a run's step takes its
 * resource figures from. start() samples everything, stop() samples again and
 * gives the differences; the connection counts are of the moment stop() is
 * called, so stop a window while wrk still runs (its measured part), or use
 * proc_usage_rusage_diff() for a wrk already reaped.
 *
 *   struct measure_window w;
 *   struct measure_targets t = {.server_groups = pids, .server_cgroups = dirs,
 *                               .servers = n, .server_ports = ports, .nports = 1,
 *                               .wrk_group = wrk_pid};
 *   if (measure_window_start(&w, &t, err, sizeof(err)) != 0) ...
 *   ... the step runs ...
 *   const struct measure_result *r = measure_window_stop(&w, err, sizeof(err));
 *   ... r->foreign_cpu_s, r->servers[i].cgroup.nr_throttled ...
 *   measure_window_free(&w);
 *
 * Units are in the names: _s seconds (CPU: core-seconds), _us microseconds,
 * _bytes bytes. A figure that could not be measured is 0 and said so, in the
 * part's flags or have bits and in words in the result's notes; nothing that
 * could be read is withheld because something else could not.
 */
#ifndef TWICE_MEASURE_WINDOW_H
#define TWICE_MEASURE_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <time.h>

#include "cgroup_usage.h"
#include "machine_cpu.h"
#include "proc_usage.h"
#include "schedstat.h"

/** What a window watches. Arrays are the caller's; they are copied by start(). */
struct measure_targets {
    const pid_t *server_groups;        /* each server's process group (its pid, proc_spawn) */
    const char *const *server_cgroups; /* each server's cgroup directory, or NULL for none
                                          (the array itself may be NULL) */
    size_t servers;
    const uint16_t *server_ports; /* the ports the servers listen on: connections are
                                     counted for these (NULL/0: not counted) */
    size_t nports;
    pid_t wrk_group;    /* wrk's process group, 0 for none */
    pid_t helper_group; /* another group twice started for the run (a balancer), 0 for none:
                           its CPU is the run's own, not foreign */
};

/** One server over the window. */
struct measure_server {
    struct proc_usage usage;    /* CPU and peak RSS of its process group (/proc) */
    struct schedstat sched;     /* its threads' run-queue delay */
    struct cgroup_usage cgroup; /* its cgroup's counters (version 0: no cgroup given) */
    double cpu_s;               /* its CPU: the cgroup's usage where read, else usage's */
    long connections;           /* ESTABLISHED connections it held at stop, -1: not counted */
};

struct measure_result {
    double wall_s;                  /* the window's length (monotonic clock) */
    struct measure_server *servers; /* one per target server, owned by the window */
    size_t servers_count;
    struct proc_usage wrk_usage; /* wrk's CPU over the window (zeros without wrk) */
    struct schedstat wrk_sched;  /* its threads' run-queue delay */
    long wrk_connections;        /* connections wrk held to server_ports at stop, -1: not
                                    counted */
    double twice_cpu_s;          /* twice's own CPU (RUSAGE_SELF) */
    struct machine_cpu machine;  /* the whole machine's core-seconds */
    double servers_cpu_s;        /* the sum of the servers' cpu_s */
    double wrk_cpu_s;            /* wrk_usage user + system */
    double helper_cpu_s;         /* the helper group's CPU (a balancer's) */
    double foreign_cpu_s;        /* machine busy but for interrupts - (servers + wrk +
                                    twice), at least 0 */
    char notes[1024];            /* what could not be measured, in words; "" when all */
};

/** A window; its fields are private to measure_window.c. */
struct measure_window {
    pid_t *server_groups;  /* copies of the targets' arrays */
    char **server_cgroups; /* NULL entries: no cgroup */
    size_t servers;
    uint16_t *server_ports;
    size_t nports;
    pid_t wrk_group, helper_group;
    struct timespec started;
    struct proc_usage *server_usage;
    struct schedstat *server_sched;
    struct cgroup_usage *server_cgroup;
    struct proc_usage wrk_usage;
    struct schedstat wrk_sched;
    struct proc_usage helper_usage;
    struct rusage twice_usage;
    struct machine_cpu machine;
    struct measure_result result;
};

/**
 * Takes the start samples of everything targets names. 0, or -1 with err (nothing to free
 * then): /proc cannot be read, a cgroup directory is not one, memory runs out.
 */
int measure_window_start(struct measure_window *w, const struct measure_targets *targets, char *err,
                         size_t errlen);
/**
 * Takes the end samples and returns the window's figures (owned by w, valid until
 * measure_window_free), or NULL with err when /proc cannot be read at all.
 */
const struct measure_result *measure_window_stop(struct measure_window *w, char *err,
                                                 size_t errlen);
/** Frees what start() allocated; safe after a failed start() and twice in a row. */
void measure_window_free(struct measure_window *w);

#endif
