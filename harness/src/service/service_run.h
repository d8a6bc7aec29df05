/*
 * service_run.h - a scenario's services over one run (service_run.c):
 * started and seeded once before the first step, each in a cgroup of its own
 * (its CPU cap, and every backend counted and killed with it), told to every
 * server, measured over each step's window, and torn down after the run
 * whatever happened. A PostgreSQL that is not installed fails the run at once,
 * before anything is measured, naming the package. An inventory may put it on
 * a host of its own (service_postgres_ssh.c), capped there; its CPU is then
 * not measured from here, and the report says so.
 */
#ifndef TWICE_SERVICE_RUN_H
#define TWICE_SERVICE_RUN_H

#include <jansson.h>
#include <stddef.h>

#include "cgroup_usage.h"
#include "scenario_services.h"
#include "service.h"

typedef struct service_run {
    const service_ops *ops; /* NULL: the scenario has no service */
    service *svc;
    const inventory_host *host; /* the host it runs on, NULL: this machine (borrowed) */
    char cgroup[768];           /* its cgroup directory, "" when none could be made */
    double cpu_cap;             /* cores asked for; 0: none */
    int cap_applied;            /* 1 when it runs under that cap */
    char cap_note[512];         /* why a cap or a cgroup could not be had, "" otherwise */
} service_run;

/**
 * Starts and seeds the PostgreSQL of pg (nothing when !pg->enabled), on inv's database host
 * when inv (may be NULL) names one, else here. A cap that cannot be set fails the run unless
 * allow_uncapped (then it runs uncapped and cap_note says why). 0, or -1 with err (nothing
 * left running then). service_run_stop is to be called either way.
 */
int service_run_start(service_run *r, const scenario_postgres *pg, const inventory *inv,
                      int allow_uncapped, char *err, size_t errlen);
/** What servers connect with (owned by r), or NULL when r runs no service. */
const char *service_run_address(const service_run *r);
/** The CPU cap that applies to the service on this machine, in cores; 0 when none does (or it
 * runs on another host). */
double service_run_cap(const service_run *r);
/** The report's "services" object: each service's settings and whether its cap applied; NULL
 * when r runs none. A new reference. */
json_t *service_run_json(const service_run *r, const scenario_postgres *pg);
/** Stops the service, empties and removes its cgroup. Safe to call twice, or when nothing ran. */
void service_run_stop(service_run *r);

/** One window's sample of a running service's counters (service_run_sample). */
typedef struct service_sample {
    struct cgroup_usage cgroup; /* version 0: no cgroup */
    double procs_cpu_s;         /* the CPU of the group's processes and of those the service reaped
                                   (cgroup v1 keeps CPU time in cpuacct, which the group is not in) */
    int have_procs_cpu;
} service_sample;

/** Samples r's cgroup (nothing when it has none). */
void service_run_sample(const service_run *r, service_sample *out);
/**
 * The window's figures, from its start sample and r now: {"postgres": {"cpu_s",
 * "throttled_s", "nr_throttled", "connections"}} with null for what could not be measured
 * (the connections: its client backends at this moment). *cpu_s gets the CPU (0 when not
 * measured). A new reference, or NULL when r runs none.
 */
json_t *service_run_window(const service_run *r, const service_sample *start, double *cpu_s);

#endif
