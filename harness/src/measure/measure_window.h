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
#include "server_sample.h"

/** Samples every one of a window's servers at once, wherever they run, into samples (one per
 * server): 0, or -1 with err when none could be read. */
typedef int (*measure_sample_fn)(const void *context, struct server_sample *samples, char *err,
                                 size_t errlen);

/** What a window watches. Arrays are the caller's; they are copied by start(). */
struct measure_targets {
    const pid_t *server_groups;        /* each server's process group (its pid, proc_spawn) */
    const char *const *server_cgroups; /* each server's cgroup directory, or NULL for none
                                          (the array itself may be NULL) */
    size_t servers;
    measure_sample_fn sample;     /* how the servers are sampled; NULL: on this machine, by
                                     server_groups and server_cgroups */
    const void *sample_context;   /* sample's, borrowed until the window is freed */
    int servers_elsewhere;        /* 1: they run on other hosts: their CPU is not this
                                     machine's, and their connections are not counted here */
    const uint16_t *server_ports; /* the ports the servers listen on: connections are
                                     counted for these (NULL/0: not counted) */
    size_t nports;
    pid_t wrk_group;            /* wrk's process group, 0 for none */
    const pid_t *helper_groups; /* other groups twice started for the run (a balancer, ssh
                                   connections): their CPU is the run's own, not foreign */
    size_t nhelper_groups;
    const char *const *helper_cgroups; /* cgroups on this machine whose every process is the
                                          run's (a test bed's hosts), sub-groups included */
    size_t nhelper_cgroups;
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
    double twice_cpu_s;          /* twice's own CPU and that of the children it reaped in the
                                    window (the commands it ran on hosts) */
    struct machine_cpu machine;  /* the whole machine's core-seconds */
    double servers_cpu_s;        /* the sum of the servers' cpu_s */
    double wrk_cpu_s;            /* wrk_usage user + system */
    double helper_cpu_s;         /* the helper groups' and cgroups' CPU */
    double foreign_cpu_s;        /* machine busy but for interrupts - (servers here + wrk +
                                    twice + helpers), at least 0 */
    char notes[1024];            /* what could not be measured, in words; "" when all */
};

/** A window; its fields are private to measure_window.c. */
struct measure_window {
    pid_t *server_groups;  /* copies of the targets' arrays */
    char **server_cgroups; /* NULL entries: no cgroup */
    size_t servers;
    measure_sample_fn sample;
    const void *sample_context;
    int servers_elsewhere;
    uint16_t *server_ports;
    size_t nports;
    pid_t wrk_group;
    pid_t *helper_groups;
    size_t nhelper_groups;
    char **helper_cgroups;
    size_t nhelper_cgroups;
    struct timespec started;
    struct server_sample *server_start; /* each server's sample at the start */
    struct server_sample *server_end;   /* ... and at the stop */
    struct proc_usage wrk_usage;
    struct schedstat wrk_sched;
    double helper_start_s; /* the helpers' CPU at the start */
    struct rusage twice_usage, twice_children;
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
