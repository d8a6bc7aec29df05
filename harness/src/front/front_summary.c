/*
 * front_summary.c - see front_summary.h. A run without "front" (a front that
 * sees nothing) adds nothing; medians are over the runs that have figures.
 */
#include <float.h>

#include "front_summary.h"
#include "stats.h"

#define MAX_RUNS 256

double front_run_spread(json_t *seen)
{
    json_t *servers = json_object_get(seen, "servers"), *server;
    double least = DBL_MAX, most = 0;
    size_t i;
    json_array_foreach(servers, i, server)
    {
        json_t *count = json_object_get(server, "requests");
        double v = json_number_value(count != NULL ? count : json_object_get(server, "sessions"));
        least = v < least ? v : least;
        most = v > most ? v : most;
    }
    return json_array_size(servers) != 0 && least > 0 ? most / least - 1 : -1;
}

json_t *front_summary(const front *f, const char *balance, json_t *runs)
{
    double cpu[MAX_RUNS], spread[MAX_RUNS];
    size_t ncpu = 0, nspread = 0, i;
    json_t *run;
    json_array_foreach(runs, i, run)
    {
        json_t *seen = json_object_get(run, "front");
        if (seen == NULL || ncpu == MAX_RUNS)
            continue;
        cpu[ncpu++] = json_number_value(json_object_get(seen, "cpu"));
        double s = front_run_spread(seen);
        if (s >= 0)
            spread[nspread++] = s;
    }
    json_t *out = json_pack("{s:s}", "name", f->name);
    if (balance != NULL)
        json_object_set_new(out, "balance", json_string(balance));
    if (ncpu == 0)
        return out;
    json_object_set_new(out, "cpu", json_real(stats_summarize(cpu, ncpu).median));
    json_object_set_new(out, "spread",
                        nspread != 0 ? json_real(stats_summarize(spread, nspread).median)
                                     : json_null());
    return out;
}

void front_flags(json_t *runs, json_t *flags)
{
    double busiest = 0;
    const char *name = NULL;
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        json_t *seen = json_object_get(run, "front");
        double cpu = json_number_value(json_object_get(seen, "cpu"));
        if (seen != NULL && cpu >= busiest) {
            busiest = cpu;
            name = json_string_value(json_object_get(seen, "name"));
        }
    }
    if (busiest > FRONT_SATURATED_CPU)
        json_array_append_new(flags,
                              json_sprintf("balancer saturated: %s used %.0f%% of its core",
                                           name != NULL ? name : "the balancer", busiest * 100));
}
