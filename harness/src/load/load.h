/*
 * load.h - driving load with wrk and reading what it measured (load_wrk.c).
 */
#ifndef TWICE_LOAD_H
#define TWICE_LOAD_H

#include <sys/types.h>
#include <time.h>

#include <jansson.h>

#include "scenario.h"

typedef struct load_result {
    double requests, duration_s, throughput; /* throughput: requests per second */
    double latency_ms[7];                    /* mean, stdev, max, p50, p90, p99, p99.9 */
    double errors;                           /* connect + read + write + timeout */
    double non2xx, failed_checks;
    double cpu_fraction; /* wrk's CPU time / (duration x its threads): near 1 is saturated */
    json_t *raw;         /* what the wrk script reported, and wrk_cpu, for the report */
} load_result;

enum { LAT_MEAN, LAT_STDEV, LAT_MAX, LAT_P50, LAT_P90, LAT_P99, LAT_P999 };

typedef struct load_spec {
    const char *route; /* with {id} where ids go */
    scenario_check check;
    const int *ports; /* the servers' ports */
    unsigned nports;
    int shared_port; /* 1: one port for all (reuseport) */
    unsigned connections, threads;
    double duration_s;
} load_spec;

/** A wrk started by load_start and not yet finished. Fields are load_wrk.c's own. */
typedef struct load_process {
    pid_t pid; /* wrk, the leader of its own process group */
    int out_fd, err_fd;
    char *route_env, *ports_env;
    unsigned threads;
    double duration_s;
    struct timespec started;
} load_process;

/**
 * Starts wrk for spec with the harness's Lua script and returns at once, so that the caller
 * can watch the window while it runs. 0, or -1 with err (nothing to finish then).
 */
int load_start(const load_spec *spec, load_process *lp, char *err, size_t errlen);
/**
 * Waits for a started wrk to end (it stops by itself after its duration) and fills out.
 * 0, or -1 with err saying what went wrong (wrk failed, ran past its time, interrupted);
 * lp is done with either way.
 */
int load_finish(load_process *lp, load_result *out, char *err, size_t errlen);
/** load_start then load_finish: a run nobody watches. */
int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen);
/** Reads the script's "TWICE_RESULT {...}" line out of wrk's stdout. 0 or -1 with err. */
int load_parse_output(const char *output, load_result *out, char *err, size_t errlen);
void load_result_free(load_result *result);
/** "TWICE_PORTS=p1,p2,..." for the wrk script (malloc'd, as long as the list; NULL without
 * memory): the direct front's ports, every one of them. */
char *load_ports_env(const int *ports, unsigned nports);
/** How many wrk threads for a load: enough to reach every server, and at most the cores the
 * servers' CPU caps leave (reserved_cores; 0 without caps). */
unsigned load_threads(unsigned connections, unsigned nservers, int direct, double reserved_cores);

#endif
