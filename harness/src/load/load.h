/*
 * load.h - driving load with wrk and reading what it measured (load_wrk.c).
 */
#ifndef TWICE_LOAD_H
#define TWICE_LOAD_H

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
    const int *ports;         /* the servers' ports */
    const char *const *hosts; /* the host of each port (a name or an address); NULL: loopback */
    unsigned nports;
    int shared_port; /* 1: one port for all (reuseport) */
    unsigned connections, threads;
    double duration_s;
} load_spec;

/**
 * Runs wrk for spec with the harness's Lua script and fills out. Returns 0,
 * or -1 with err saying what went wrong (wrk missing, failed, interrupted).
 */
int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen);
/** Reads the script's "TWICE_RESULT {...}" line out of wrk's stdout. 0 or -1 with err. */
int load_parse_output(const char *output, load_result *out, char *err, size_t errlen);
void load_result_free(load_result *result);
/** "TWICE_PORTS=p1,p2,..." for the wrk script (malloc'd, as long as the list; NULL without
 * memory): the direct front's ports, every one of them. */
char *load_ports_env(const int *ports, unsigned nports);
/** "TWICE_HOSTS=h1,h2,..." for the wrk script (malloc'd; NULL without memory): the host of
 * each of the direct front's ports, in the same order. */
char *load_hosts_env(const char *const *hosts, unsigned nhosts);
/** How many wrk threads for a load: enough to reach every server, and at most the cores the
 * servers' CPU caps leave (reserved_cores; 0 without caps). */
unsigned load_threads(unsigned connections, unsigned nservers, int direct, double reserved_cores);

#endif
