/*
 * fuzz_breakdown.c - the loss breakdown (breakdown.h) and the step's flags
 * (step_flags.h) over arbitrary measured figures: bytes become up to 4 runs
 * of up to 8 servers each, with CPU, waits, throttling and connections from
 * nothing to far more than a window holds, throttled periods (more than
 * the periods, too), requests, counts not taken (-1), a shared
 * service's CPU and throttling (or none) under a cap (or none), and the
 * reference and route of the step. Whatever the figures, a breakdown's
 * parts must be finite, never negative, sum to the loss, and go out as
 * JSON whole; the flags must be strings.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "breakdown_json.h"
#include "step_flags.h"

/* The next byte of the input, 0 past its end. */
static unsigned next(const uint8_t *data, size_t size, size_t *at)
{
    return *at < size ? data[(*at)++] : 0;
}

/* A figure from 0 to about 2.5 times scale. */
static double figure(const uint8_t *data, size_t size, size_t *at, double scale)
{
    return (double)(next(data, size, at) << 8 | next(data, size, at)) / 26214.0 * scale;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    breakdown_server servers[4][8];
    breakdown_run runs[4];
    double throughputs[4], busy[4];
    size_t at = 0;
    size_t nruns = next(data, size, &at) % 5, nservers = 1 + next(data, size, &at) % 8;
    for (size_t k = 0; k < nruns; k++) {
        double window = 0.1 + figure(data, size, &at, 2);
        for (size_t i = 0; i < nservers; i++)
            servers[k][i] = (breakdown_server){
                .cpu_s = figure(data, size, &at, window),
                .runqueue_wait_s = figure(data, size, &at, window),
                .has_throttling = (int)(next(data, size, &at) & 1),
                .throttled_s = figure(data, size, &at, window),
                .nr_throttled = (long)next(data, size, &at) - 1,
                .nr_periods = (long)next(data, size, &at) - 1,
                .connections = (long)next(data, size, &at) - 1,
                .requests = (long)(next(data, size, &at) << 8 | next(data, size, &at)) - 1};
        runs[k] = (breakdown_run){.round = (unsigned)k + 1,
                                  .window_s = window,
                                  .servers = servers[k],
                                  .nservers = nservers,
                                  .wrk_cpu_s = figure(data, size, &at, window),
                                  .wrk_runqueue_wait_s = figure(data, size, &at, window),
                                  .wrk_threads = 1 + next(data, size, &at) % 8,
                                  .wrk_connections_open = (long)next(data, size, &at) - 1,
                                  .wrk_connections_asked = next(data, size, &at),
                                  .machine_busy_s = figure(data, size, &at, 2 * window),
                                  .foreign_cpu_s = figure(data, size, &at, window),
                                  .cores = 1 + next(data, size, &at) % 4};
        throughputs[k] = figure(data, size, &at, 1000);
        busy[k] = figure(data, size, &at, 1);
    }
    breakdown_input in = {.servers = (unsigned)nservers,
                          .x1 = figure(data, size, &at, 100),
                          .measured = figure(data, size, &at, 100 * (double)nservers),
                          .service_s = next(data, size, &at) & 1 ? 0.02 : 0,
                          .holds = next(data, size, &at) % 4 * 8.0,
                          .runs = runs,
                          .nruns = nruns,
                          .service_cap = figure(data, size, &at, 1)};
    /* The service's figures come after the rest, so that the older inputs still reach the
     * parts they reached before. */
    for (size_t k = 0; k < nruns; k++) {
        runs[k].has_service = (int)(next(data, size, &at) & 1);
        runs[k].service_cpu_s = figure(data, size, &at, runs[k].window_s);
        runs[k].service_has_throttling = (int)(next(data, size, &at) & 1);
        runs[k].service_throttled_s = figure(data, size, &at, runs[k].window_s);
    }
    in.ref = breakdown_reference_of(runs, nruns > 0 ? 1 : 0);
    breakdown b;
    if (breakdown_compute(&in, &b)) {
        double sum = 0;
        for (int p = 0; p < BREAKDOWN_PARTS; p++) {
            if (!isfinite(b.parts[p]) || b.parts[p] < 0)
                abort();
            sum += b.parts[p];
        }
        if (fabs(sum - b.lost) > 1e-6 * b.ideal + 1e-9)
            abort();
        json_t *json = breakdown_json(&b);
        if (json == NULL)
            abort();
        json_decref(json);
    }
    step_flags_input checks = {.throughputs = throughputs,
                               .wrk_busy = busy,
                               .n = nruns,
                               .servers = (unsigned)nservers,
                               .threads = 1 + (unsigned)(next(data, size, &at) % 8),
                               .servers_here = (unsigned)nservers,
                               .threads_here = 1 + (unsigned)(next(data, size, &at) % 8),
                               .cpu_cap = figure(data, size, &at, 1),
                               .capped = (int)(next(data, size, &at) & 1),
                               .cores = 2,
                               .windows = runs,
                               .nwindows = nruns};
    json_t *flags = step_flags(&checks), *flag;
    size_t i;
    json_array_foreach(flags, i, flag)
    {
        if (!json_is_string(flag))
            abort();
    }
    json_decref(flags);
    return 0;
}
