/*
 * step_flags.c - see step_flags.h. Every threshold is compared with a figure
 * measured in the step, and that figure is in the sentence.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "stats.h"
#include "step_flags.h"

#define DISTURBED "disturbed: "

static double share(double part, double whole)
{
    return whole > 0 ? part / whole : 0;
}

static void noisy(const step_flags_input *in, json_t *flags)
{
    double mean = 0, var = 0;
    for (size_t i = 0; i < in->n; i++)
        mean += in->throughputs[i] / (double)in->n;
    for (size_t i = 0; i < in->n; i++)
        var += (in->throughputs[i] - mean) * (in->throughputs[i] - mean) /
               (double)(in->n > 1 ? in->n - 1 : 1);
    if (in->n > 1 && mean > 0 && sqrt(var) / mean > STEP_NOISY_CV)
        json_array_append_new(flags, json_sprintf("repetitions too noisy: coefficient of "
                                                  "variation %.2f > %.2f",
                                                  sqrt(var) / mean, STEP_NOISY_CV));
}

/* The load generator: saturated, and with the caps, more than the machine has. */
static void generator(const step_flags_input *in, json_t *flags)
{
    double busiest = 0;
    for (size_t i = 0; i < in->n; i++)
        busiest = fmax(busiest, in->wrk_busy[i]);
    if (busiest > STEP_SATURATED_WRK && in->clients <= 1)
        json_array_append_new(flags, json_sprintf("load generator saturated: wrk used %.0f%% of "
                                                  "its %u threads",
                                                  busiest * 100, in->threads));
    double wrk_cores = busiest * in->threads_here, caps = in->cpu_cap * in->servers_here;
    if (!in->capped ||
        caps + wrk_cores + in->front_cores + in->service_cap <= (double)in->cores + 1e-9)
        return;
    char service[96] = "";
    if (in->service_cap > 0)
        snprintf(service, sizeof(service), " and the shared service's cap (%.2f cores)",
                 in->service_cap);
    json_array_append_new(
        flags, json_sprintf("CPU caps (%g x %u = %.2f cores) and the load generator (%.2f "
                            "cores measured)%s%s%s%s need more than the %ld cores",
                            in->cpu_cap, in->servers_here, caps, wrk_cores,
                            in->front_cores > 0 ? " and the " : "",
                            in->front_cores > 0 ? in->front_name : "",
                            in->front_cores > 0 ? " balancer's core" : "", service, in->cores));
}

/* The cores the machine left idle on average over r's window. */
static double idle_cores(const breakdown_run *r)
{
    return fmax(0, r->cores - r->machine_busy_s / r->window_s);
}

/* The first run whose window passed a disturbance threshold, flagged with its figures. */
static void disturbed(const step_flags_input *in, json_t *flags)
{
    for (size_t k = 0; k < in->nwindows; k++) {
        const breakdown_run *r = &in->windows[k];
        double foreign = r->foreign_cpu_s / r->window_s, wait = 0, run = 0;
        double idle = idle_cores(r);
        for (size_t i = 0; i < r->nservers; i++) {
            wait += breakdown_cpu_wait_s(&r->servers[i]);
            run += r->servers[i].cpu_s;
        }
        double servers_waited = share(wait, wait + run);
        double wrk_waited = share(r->wrk_runqueue_wait_s, r->wrk_runqueue_wait_s + r->wrk_cpu_s);
        double waited = fmax(servers_waited, wrk_waited);
        if (foreign < STEP_DISTURBED_FOREIGN_CORES)
            continue;
        if (idle < STEP_DISTURBED_IDLE_CORES) {
            json_array_append_new(
                flags, json_sprintf(DISTURBED "round %u: processes twice did not start used %.2f "
                                              "cores (threshold %.2f) and left %.2f of the %u "
                                              "cores idle (threshold %.2f)",
                                    r->round, foreign, STEP_DISTURBED_FOREIGN_CORES, idle, r->cores,
                                    STEP_DISTURBED_IDLE_CORES));
            return;
        }
        if (waited > STEP_DISTURBED_WAIT_SHARE) {
            json_array_append_new(
                flags,
                json_sprintf(DISTURBED "round %u: %s threads waited for a CPU %.0f%% of "
                                       "their runnable time (threshold %.0f%%) while "
                                       "processes twice did not start used %.2f cores",
                             r->round, wrk_waited >= servers_waited ? "wrk's" : "the servers'",
                             waited * 100, STEP_DISTURBED_WAIT_SHARE * 100, foreign));
            return;
        }
    }
}

/* A test bed's hosts with next to no core left idle between them. */
static void bed_saturated(const step_flags_input *in, json_t *flags)
{
    if (!in->hosts_emulated || in->nwindows == 0)
        return;
    double idle[SCENARIO_MAX_REPETITIONS];
    size_t n = 0;
    for (size_t k = 0; k < in->nwindows && n < SCENARIO_MAX_REPETITIONS; k++)
        idle[n++] = idle_cores(&in->windows[k]);
    double median = stats_median_sort(idle, n);
    unsigned cores = in->windows[0].cores;
    if (median < STEP_BED_IDLE_SHARE * cores)
        json_array_append_new(
            flags, json_sprintf("test bed saturated: its hosts, emulated on this machine, left a "
                                "median of %.2f of its %u cores idle over %zu runs (threshold "
                                "%.2f): hosts that share a machine's last cores wait on each "
                                "other, so the step measures the machine",
                                median, cores, n, STEP_BED_IDLE_SHARE * cores));
}

json_t *step_flags(const step_flags_input *in)
{
    json_t *flags = json_array();
    generator(in, flags);
    noisy(in, flags);
    disturbed(in, flags);
    bed_saturated(in, flags);
    return flags;
}

int step_flag_is_disturbed(const char *flag)
{
    return strncmp(flag, DISTURBED, strlen(DISTURBED)) == 0;
}
