/*
 * load.h - driving load with wrk from one or several clients and reading what
 * it measured. load_clients.c starts one wrk per client host at once and
 * merges their results exactly (load_merge.h); load_wrk.c builds each wrk's
 * command and reads the line the harness's script prints; where a wrk runs
 * is a runner's business (load_runner.h).
 */
#ifndef TWICE_LOAD_H
#define TWICE_LOAD_H

#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "inventory.h"
#include "load_histogram.h"
#include "scenario.h"

typedef struct load_result {
    double requests, duration_s, throughput; /* throughput: requests per second */
    double latency_ms[7];                    /* mean, stdev, max, p50, p90, p99, p99.9 */
    double errors;                           /* connect + read + write + timeout */
    double non2xx, failed_checks;
    double cpu_fraction; /* wrk's CPU time / (duration x its threads): near 1 is saturated; -1
                            when not known ("wrk_cpu" null, "wrk_cpu_note" in raw says why) */
    /* Every latency wrk recorded, after its correction for coordinated omission (so its count
     * exceeds requests: count requests from the summary, percentiles from this). */
    latency_histogram histogram;
    size_t histogram_left_out; /* > 0: the script left the histogram out, it had this many bins */
    json_t *raw; /* what the wrk script reported (its histogram taken out), and wrk_cpu; for the
                    report. After a merge, the merged figures under the same keys, and
                    "clients": each client's own figures. */
} load_result;

enum { LAT_MEAN, LAT_STDEV, LAT_MAX, LAT_P50, LAT_P90, LAT_P99, LAT_P999 };

typedef struct load_spec {
    const char *route; /* with {id} where ids go */
    scenario_check check;
    const char *const *addresses; /* each server's address as the clients reach it (a name or
                                     an IP address); NULL: 127.0.0.1 for every server */
    const int *ports;             /* the servers' ports */
    unsigned nports;
    int shared_port;               /* 1: one port for all (reuseport) */
    unsigned connections, threads; /* the step's, split over the clients (load_client_share) */
    double duration_s;
    struct load_host *clients; /* where wrk runs, one wrk each (load_hosts_open, load_runner.h);
                                  NULL: this machine alone */
    size_t nclients;
} load_spec;

struct load_host;

/** One client's wrk, started by load_start. Fields are load_clients.c's own. */
typedef struct load_client {
    const char *host;     /* its destination ("local", "user@host"), for messages and the report */
    struct load_host *at; /* where it runs, with its runner */
    pid_t pid; /* what the runner started (wrk, or its ssh client), its process group's leader */
    int out_fd, err_fd;
    unsigned connections, threads;
    int ended, status; /* once the runner saw it end: its wait status */
    double cpu_s;      /* the CPU time wrk used, once it ended; -1: not known (cpu_note) */
    char cpu_note[300];
} load_client;

/** The wrks started by load_start, one per client, not yet finished. */
typedef struct load_process {
    load_client *clients; /* nclients of them (malloc'd) */
    size_t nclients;
    double duration_s;
    struct timespec started; /* when the first wrk was started; the rest follow at once */
    struct load_host *here;  /* this machine, when the spec names no clients (malloc'd) */
} load_process;

/**
 * Starts one wrk per client of spec, each with its share of the connections and threads, all
 * for the same duration, and returns at once, so that the caller can watch the window while
 * they run. 0, or -1 with err naming the client that could not start (the others stopped
 * then: nothing to finish).
 */
int load_start(const load_spec *spec, load_process *lp, char *err, size_t errlen);
/** 1 when a started wrk has already ended (well or not: load_finish says which), 0 while all
 * run: a watcher stops watching a window that one of them left. */
int load_poll(load_process *lp);
/**
 * Waits for every started wrk to end (each stops by itself after its duration) and fills out
 * with their results merged (one client: its own). 0, or -1 with err naming the client that
 * failed (wrk failed, ran past its time, interrupted; the other clients are stopped at once);
 * lp is done with either way.
 */
int load_finish(load_process *lp, load_result *out, char *err, size_t errlen);
/** load_start then load_finish: a run nobody watches. */
int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen);
/** Reads the script's "TWICE_RESULT {...}" line out of wrk's stdout. 0 or -1 with err. */
int load_parse_output(const char *output, load_result *out, char *err, size_t errlen);
void load_result_free(load_result *result);
/** A wrk's CPU fraction for the report: the number, or null when it is not known (< 0). */
json_t *load_cpu_json(double cpu_fraction);
/** Client j's share of total (connections or threads) over n clients: total / n, the first
 * total % n clients one more. */
unsigned load_client_share(unsigned total, size_t n, size_t j);
/** Of spec's wrk threads, those that run on this machine (its local clients' shares). */
unsigned load_threads_here(const load_spec *spec);
/**
 * What wrk is pointed at, from the servers' addresses (NULL: 127.0.0.1) and ports: *url, the
 * URL on wrk's command line, and, unless shared_port, *servers_env, "TWICE_SERVERS=host:port,..."
 * for the script, every server, starting with server first so that several clients' threads
 * spread over all the servers (IPv6 addresses in brackets). malloc'd (*servers_env NULL when
 * shared_port); 0, or -1 when out of memory (nothing to free).
 */
int load_target(const char *const *addresses, const int *ports, unsigned nports, int shared_port,
                unsigned first, char **url, char **servers_env);
/** How many wrk threads for a load: enough to reach every server, and at most the cores the
 * servers' CPU caps leave (reserved_cores; 0 without caps). */
unsigned load_threads(unsigned connections, unsigned nservers, int direct, double reserved_cores);
/** Appends to flags one "load generator saturated: ..." string for every client of every run
 * whose wrk used more than threshold of its threads (runs[k].clients[j].wrk_cpu), naming it. */
void load_saturation_flags(json_t *runs, double threshold, json_t *flags);

#endif
