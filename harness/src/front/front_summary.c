/*
 * front_summary.c - see front_summary.h. A run without "front" (a front that
 * sees nothing) adds nothing; medians are over the runs that have figures, and
 * a run whose front sent a server nothing has no spread but flags its step.
 */
#include <float.h>
#include <math.h>

#include "front_summary.h"
#include "stats.h"

#define MAX_RUNS 256

/* What the front counted for one server: its requests, or its sessions where it counts no
 * requests. */
static double server_count(json_t *server)
{
    json_t *count = json_object_get(server, "requests");
    return json_number_value(count != NULL ? count : json_object_get(server, "sessions"));
}

double front_run_spread(json_t *seen)
{
    json_t *servers = json_object_get(seen, "servers"), *server;
    double least = DBL_MAX, most = 0;
    size_t i;
    json_array_foreach(servers, i, server)
    {
        double v = server_count(server);
        least = v < least ? v : least;
        most = v > most ? v : most;
    }
    return json_array_size(servers) != 0 && least > 0 ? most / least - 1 : -1;
}

/* The first run in which the front sent a server nothing while others got load: that step
 * measured fewer servers than it says (one DOWN, or never chosen), and its spread, which has
 * no figure for such a run, must not read as an even one. */
static void starved_flag(json_t *runs, json_t *flags)
{
    json_t *run, *server;
    size_t k, i;
    json_array_foreach(runs, k, run)
    {
        json_t *seen = json_object_get(run, "front"), *servers = json_object_get(seen, "servers");
        double most = 0;
        json_array_foreach(servers, i, server)
        {
            most = fmax(most, server_count(server));
        }
        json_array_foreach(servers, i, server)
        {
            if (most > 0 && server_count(server) == 0) {
                const char *name = json_string_value(json_object_get(seen, "name"));
                json_array_append_new(
                    flags, json_sprintf("balancer starved a server: %s sent server %zu of %zu "
                                        "nothing in run %zu of %zu (DOWN, or never chosen)",
                                        name != NULL ? name : "the balancer", i + 1,
                                        json_array_size(servers), k + 1, json_array_size(runs)));
                return;
            }
        }
    }
}

json_t *front_summary(const front *f, const char *balance, json_t *runs)
{
    double cpu[MAX_RUNS], spread[MAX_RUNS];
    size_t ncpu = 0, nspread = 0, nseen = 0, i;
    const char *unmeasured = NULL;
    json_t *run;
    json_array_foreach(runs, i, run)
    {
        json_t *seen = json_object_get(run, "front");
        if (seen == NULL || nseen == MAX_RUNS)
            continue;
        nseen++;
        /* A run whose balancer's CPU could not be read has no figure, not a 0. */
        json_t *used = json_object_get(seen, "cpu");
        if (json_is_number(used))
            cpu[ncpu++] = json_number_value(used);
        else if (unmeasured == NULL)
            unmeasured = json_string_value(json_object_get(seen, "cpu_unmeasured"));
        double s = front_run_spread(seen);
        if (s >= 0)
            spread[nspread++] = s;
    }
    json_t *out = json_pack("{s:s}", "name", f->name);
    if (balance != NULL)
        json_object_set_new(out, "balance", json_string(balance));
    if (nseen == 0)
        return out;
    if (ncpu != 0)
        json_object_set_new(out, "cpu", json_real(stats_summarize(cpu, ncpu).median));
    if (ncpu < nseen)
        json_object_set_new(
            out, "cpu_unmeasured",
            json_sprintf("in %zu of %zu runs: %s", nseen - ncpu, nseen,
                         unmeasured != NULL ? unmeasured : "the balancer's CPU was not read"));
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
    starved_flag(runs, flags);
}
