/*
 * step_resources.h - what the servers, wrk and the machine used during one
 * measurement of a step (step_resources.c), in the report's shape: the run's
 * "resources" object, and the step's medians for its summary.
 *
 * The window opens once wrk's connections are up (a settle after wrk
 * starts) and closes shortly before wrk ends, while its connections are
 * still open, so that the connection counts are those the servers really
 * held under load. wrk counts requests for all servers together: a
 * server's own requests are what it says it served over the window
 * (twice-app, served_count.h); any other server's are null, never made up,
 * and the notes say why. The servers are sampled where they run, through
 * their deployer (deploy.h): servers on other hosts have the same figures
 * as local ones, but for the connections they hold, counted here only.
 */
#ifndef TWICE_STEP_RESOURCES_H
#define TWICE_STEP_RESOURCES_H

#include <jansson.h>

#include "deploy.h"
#include "load.h"
#include "service_run.h"

/** When the window opens after wrk starts, and when it closes, for a run of duration_s. */
void step_window_bounds(double duration_s, double *open_s, double *close_s);

/** What else works for the run on this machine: its CPU is the run's own, not foreign. */
typedef struct step_helpers {
    pid_t front_group;          /* the front's process group (HAProxy's), 0: none */
    const char *const *cgroups; /* cgroups holding the inventory's hosts (a test bed's) */
    size_t ncgroups;
} step_helpers;

/**
 * Runs wrk with load against d's servers while a measurement window watches them (sampled
 * where they run by d's deployer, their cgroups where d has them, their ports), the helpers
 * (for d's servers on other hosts, their ssh connections too) and the services they use
 * (resources.services, service_run.h), then waits for wrk and fills *result. *resources gets the
 * run's "resources" object (a new reference), or NULL when no window could be measured, with why in
 * note (the run's figures still count). 0, or -1 with err when wrk failed (nothing in *result or
 * *resources then).
 */
int step_resources_measure(const deployment *d, const load_spec *load, const step_helpers *helpers,
                           const service_run *services, load_result *result, json_t **resources,
                           char *note, size_t notelen, char *err, size_t errlen);

/**
 * The step's "resources" summary from its runs (each a run object of the report, with its
 * "throughput" and, where measured, its "resources"): the medians over the runs of each
 * server's figures, of the servers' CPU together, the step's requests per CPU-second, and
 * of each shared service's figures ("services", where the runs measured them).
 * A new reference; NULL when no run has resources.
 */
json_t *step_resources_summary(json_t *runs);

#endif
