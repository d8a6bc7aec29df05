/*
 * step_resources.c - see step_resources.h. One run: wrk is started, the
 * window (measure_window.c) opens after a settle and closes before wrk's
 * end, then wrk is waited for. The figures go out in the report's units
 * (core-seconds, bytes), a figure that was not measured as null, and what
 * could not be measured in the notes. Each server that can say how many
 * requests it served (twice-app, served_count.h) is asked as the window
 * opens and as it closes: the difference, at the rate the server's own
 * clock gives it, is its requests in the window. One step: medians over its
 * runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "load_runner.h"
#include "measure_window.h"
#include "proc.h"
#include "service_run.h"
#include "served_count.h"
#include "stats.h"
#include "step_resources.h"

/*
 * wrk opens its connections in the first moments of its run; the window waits a quarter of
 * the duration, at most half a second, and at least a tenth. It closes as long before wrk's
 * end, so that wrk still holds its connections when they are counted: counting them for
 * every server reads /proc for each, which takes a while on a busy machine.
 */
void step_window_bounds(double duration_s, double *open_s, double *close_s)
{
    double settle = fmax(0.1 * duration_s, fmin(0.5, 0.25 * duration_s));
    double margin = settle;
    *open_s = settle;
    *close_s = duration_s - margin;
}

/* Seconds since lp's wrk started (monotonic clock). */
static double since_start(const load_process *lp)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - lp->started.tv_sec) +
           (double)(now.tv_nsec - lp->started.tv_nsec) / 1e9;
}

/* Sleeps until at_s after lp's wrk started, or until twice is interrupted or a wrk ended:
 * nothing is left to watch then, and load_finish says why. */
static void sleep_until(load_process *lp, double at_s)
{
    double left = at_s - since_start(lp);
    while (left > 0 && !proc_interrupted && !load_poll(lp)) {
        double step = fmin(left, 0.05);
        struct timespec pause = {(time_t)step, (long)((step - floor(step)) * 1e9)};
        nanosleep(&pause, NULL);
        left -= step;
    }
}

/* A count that may not have been taken (-1): the number, or null. */
static json_t *count_or_null(long long count)
{
    return count >= 0 ? json_integer(count) : json_null();
}

static json_t *server_json(const struct measure_server *s, long long requests)
{
    int split = (s->cgroup.have & CGROUP_HAVE_USER_SYSTEM) != 0;
    int throttling = (s->cgroup.have & CGROUP_HAVE_THROTTLING) != 0;
    double user_s = split ? (double)s->cgroup.user_us / 1e6 : s->usage.user_s;
    double system_s = split ? (double)s->cgroup.system_us / 1e6 : s->usage.system_s;
    return json_pack(
        "{s:f, s:f, s:f, s:I, s:f, s:o, s:o, s:o, s:o, s:o}", "cpu_user_s", user_s, "cpu_system_s",
        system_s, "cpu_s", s->cpu_s, "peak_rss_bytes", (json_int_t)s->usage.peak_rss_bytes,
        "runqueue_wait_s", s->sched.wait_s, "throttled_s",
        throttling ? json_real((double)s->cgroup.throttled_us / 1e6) : json_null(), "nr_throttled",
        throttling ? json_integer((json_int_t)s->cgroup.nr_throttled) : json_null(), "nr_periods",
        throttling ? json_integer((json_int_t)s->cgroup.nr_periods) : json_null(), "connections",
        count_or_null(s->connections), "requests", count_or_null(requests));
}

/* Each server's count as the window opened and as it closed. */
typedef struct served_window {
    served_reading opened[DEPLOY_MAX_SERVERS], closed[DEPLOY_MAX_SERVERS];
    char why[200]; /* why a count is missing, "" when none is */
} served_window;

/* The window's notes, and why a server's requests are missing, if one's are. */
static json_t *notes_json(const struct measure_result *r, const served_window *served)
{
    if (served->why[0] == '\0')
        return json_string(r->notes);
    return json_sprintf("%s%srequests: %s", r->notes, r->notes[0] != '\0' ? "; " : "", served->why);
}

/* The run's "resources" object from a window's figures; the services' CPU (service_cpu_s) is
 * twice's doing, not foreign. */
static json_t *resources_json(const struct measure_result *r, const served_window *served,
                              unsigned connections_asked, double service_cpu_s)
{
    json_t *servers = json_array();
    for (size_t i = 0; i < r->servers_count; i++)
        json_array_append_new(servers, server_json(&r->servers[i],
                                                   served_count_in_window(&served->opened[i],
                                                                          &served->closed[i],
                                                                          r->wall_s)));
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return json_pack("{s:f, s:o, s:{s:f, s:f, s:o, s:I}, s:{s:I, s:f, s:f, s:f, s:f}, s:o}",
                     "window_s",
                     r->wall_s, "servers", servers, "wrk", "cpu_s", r->wrk_cpu_s, "runqueue_wait_s",
                     r->wrk_sched.wait_s, "connections_open", count_or_null(r->wrk_connections),
                     "connections_asked", (json_int_t)connections_asked, "machine", "cores",
                     (json_int_t)(cores > 0 ? cores : 1), "busy_s", r->machine.busy_s,
                     "interrupt_s", r->machine.interrupt_s,
                     "foreign_cpu_s", fmax(0, r->foreign_cpu_s - service_cpu_s), "helpers_cpu_s",
                     r->helper_cpu_s, "notes", notes_json(r, served));
}

/* The distinct ports of d's servers (all one with the reuseport front), into ports. */
static size_t distinct_ports(const deployment *d, uint16_t *ports)
{
    size_t n = 0;
    for (unsigned i = 0; i < d->n; i++) {
        size_t k = 0;
        while (k < n && ports[k] != (uint16_t)d->ports[i])
            k++;
        if (k == n)
            ports[n++] = (uint16_t)d->ports[i];
    }
    return n;
}

/* The process group of the one wrk of lp, when it runs here; 0 otherwise: the window measures
 * one load generator, and several clients' figures are each client's own (runs[k].clients). */
static pid_t wrk_group(const load_process *lp)
{
    return lp->nclients == 1 && lp->clients[0].at->runner == &load_runner_local ? lp->clients[0].pid
                                                                                : 0;
}

/* The window's sampler: d's servers, through their deployer. */
static int sample_deployed(const void *context, struct server_sample *samples, char *err,
                           size_t errlen)
{
    const deployment *d = context;
    return d->deployer->sample(d, samples, err, errlen);
}

/* The process groups working for the run here besides the servers and wrk, into groups: the
 * front's, and for servers on other hosts, their ssh connections (the servers' own CPU is
 * theirs, sampled there). Their number. */
static size_t helper_groups(const deployment *d, const step_helpers *helpers, pid_t *groups)
{
    size_t n = 0;
    if (helpers->front_group > 0)
        groups[n++] = helpers->front_group;
    for (unsigned i = 0; d->remote && i < d->n; i++) {
        if (d->pids[i] > 0)
            groups[n++] = d->pids[i];
    }
    return n;
}

/* Watches the window of a started wrk, and the services it reaches: its resources object, or
 * NULL with why in note. */
static json_t *watch(const deployment *d, const load_spec *load, load_process *lp,
                     const step_helpers *helpers, const service_run *services, char *note,
                     size_t notelen)
{
    uint16_t ports[DEPLOY_MAX_SERVERS];
    pid_t helpers_here[DEPLOY_MAX_SERVERS + 1];
    struct measure_targets targets = {.server_groups = d->pids,
                                      .server_cgroups = d->cgroups,
                                      .servers = d->n,
                                      .sample = sample_deployed,
                                      .sample_context = d,
                                      .servers_elsewhere = d->remote,
                                      .server_ports = ports,
                                      .nports = distinct_ports(d, ports),
                                      .wrk_group = wrk_group(lp),
                                      .helper_groups = helpers_here,
                                      .nhelper_groups = helper_groups(d, helpers, helpers_here),
                                      .helper_cgroups = helpers->cgroups,
                                      .nhelper_cgroups = helpers->ncgroups};
    struct measure_window w;
    served_window served;
    char closing_why[sizeof(served.why)];
    double open_s, close_s;
    step_window_bounds(load->duration_s, &open_s, &close_s);
    sleep_until(lp, open_s);
    if (measure_window_start(&w, &targets, note, notelen) != 0)
        return NULL;
    service_sample service_start;
    service_run_sample(services, &service_start);
    /* The window's clock starts as its first readings end and stops before its last ones:
     * the counts are asked for right after the one and right before the other, so that
     * reading /proc, slow on a busy machine, stays out of the difference. */
    served_count_take(d, served.opened, served.why, sizeof(served.why));
    sleep_until(lp, close_s);
    /* twice itself kept off the CPU (a busy machine; a test bed's traffic) wakes to close the
     * window late: once wrk has ended, the window counts idle time into every figure. */
    double late_s = since_start(lp) - load->duration_s;
    served_count_take(d, served.closed, closing_why, sizeof(closing_why));
    if (served.why[0] == '\0')
        snprintf(served.why, sizeof(served.why), "%s", closing_why);
    const struct measure_result *r = measure_window_stop(&w, note, notelen);
    if (r != NULL && late_s > 0) {
        snprintf(note, notelen,
                 "twice came to close the window %.1f s after wrk's end (it did not get the CPU "
                 "in time), so its figures would count idle time",
                 late_s);
        r = NULL;
    }
    double service_cpu_s;
    json_t *service = service_run_window(services, &service_start, &service_cpu_s);
    json_t *out = r != NULL ? resources_json(r, &served, load->connections, service_cpu_s) : NULL;
    if (out != NULL && service != NULL)
        json_object_set(out, "services", service);
    json_decref(service);
    measure_window_free(&w);
    return out;
}

int step_resources_measure(const deployment *d, const load_spec *load, const step_helpers *helpers,
                           const service_run *services, load_result *result, json_t **resources,
                           char *note, size_t notelen, char *err, size_t errlen)
{
    load_process lp;
    *resources = NULL;
    snprintf(note, notelen, "%s", "");
    if (load_start(load, &lp, err, errlen) != 0)
        return -1;
    *resources = watch(d, load, &lp, helpers, services, note, notelen);
    if (load_finish(&lp, result, err, errlen) != 0) {
        json_decref(*resources);
        *resources = NULL;
        return -1;
    }
    return 0;
}

/* A figure of one server's (or service's) window, by its key, in *value: 1, or 0 when the run
 * lacks it. "requests_per_cpu_s" is derived: its requests over its CPU, where both are known
 * and it used CPU. */
static int figure_of(json_t *part, const char *key, double *value)
{
    if (strcmp(key, "requests_per_cpu_s") == 0) {
        double requests, cpu;
        if (!figure_of(part, "requests", &requests) || !figure_of(part, "cpu_s", &cpu) ||
            !(cpu > 0))
            return 0;
        *value = requests / cpu;
        return 1;
    }
    json_t *figure = json_object_get(part, key);
    *value = json_number_value(figure);
    return json_is_number(figure);
}

/* Which part of a run's resources a figure is of: a server by its index, a service by name. */
typedef struct part_of {
    size_t server;
    const char *service; /* NULL: the server */
} part_of;

static json_t *part_in(json_t *resources, const part_of *which)
{
    return which->service != NULL
               ? json_object_get(json_object_get(resources, "services"), which->service)
               : json_array_get(json_object_get(resources, "servers"), which->server);
}

/* The median of a figure of one part of the runs' resources over the runs that have it
 * (rounded when whole); null when none has. */
static json_t *median_over(json_t *runs, part_of which, const char *key, int whole)
{
    double *values = calloc(json_array_size(runs) + 1, sizeof(*values));
    size_t n = 0;
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        json_t *s = part_in(json_object_get(run, "resources"), &which);
        if (values != NULL && figure_of(s, key, &values[n]))
            n++;
    }
    double median = n > 0 ? stats_median_sort(values, n) : 0;
    free(values);
    if (n == 0)
        return json_null();
    return whole ? json_integer((json_int_t)llround(median)) : json_real(median);
}

/* Each run's servers' CPU together and the requests in its window (throughput x window):
 * the medians of the first, and the ratio of the sums. */
static void step_cpu(json_t *runs, json_t **cpu_s, json_t **requests_per_cpu_s)
{
    double *totals = calloc(json_array_size(runs) + 1, sizeof(*totals));
    double cpu_sum = 0, requests_sum = 0;
    size_t n = 0;
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        json_t *r = json_object_get(run, "resources"), *server;
        size_t k;
        if (r == NULL || totals == NULL)
            continue;
        double cpu = 0;
        json_array_foreach(json_object_get(r, "servers"), k, server) cpu +=
            json_number_value(json_object_get(server, "cpu_s"));
        totals[n++] = cpu;
        cpu_sum += cpu;
        requests_sum += json_number_value(json_object_get(run, "throughput")) *
                        json_number_value(json_object_get(r, "window_s"));
    }
    *cpu_s = n > 0 ? json_real(stats_median_sort(totals, n)) : json_null();
    *requests_per_cpu_s = cpu_sum > 0 ? json_real(requests_sum / cpu_sum) : json_null();
    free(totals);
}

json_t *step_resources_summary(json_t *runs)
{
    json_t *first = NULL, *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        if (first == NULL)
            first = json_object_get(run, "resources");
    }
    if (first == NULL)
        return NULL;
    json_t *servers = json_array();
    size_t nservers = json_array_size(json_object_get(first, "servers"));
    for (size_t s = 0; s < nservers; s++) {
        part_of server = {s, NULL};
        json_array_append_new(
            servers, json_pack("{s:o, s:o, s:o, s:o}", "cpu_user_s",
                               median_over(runs, server, "cpu_user_s", 0), "cpu_system_s",
                               median_over(runs, server, "cpu_system_s", 0), "peak_rss_bytes",
                               median_over(runs, server, "peak_rss_bytes", 1), "requests_per_cpu_s",
                               median_over(runs, server, "requests_per_cpu_s", 0)));
    }
    json_t *step_cpu_s, *requests_per_cpu_s;
    step_cpu(runs, &step_cpu_s, &requests_per_cpu_s);
    json_t *out = json_pack("{s:o, s:o, s:o}", "servers", servers, "cpu_s", step_cpu_s,
                            "requests_per_cpu_s", requests_per_cpu_s);
    /* The shared services the first run measured, each figure's median. */
    json_t *services = json_object_get(first, "services"), *unused;
    const char *name;
    if (json_is_object(services)) {
        json_t *medians = json_object();
        json_object_foreach(services, name, unused)
        {
            part_of service = {0, name};
            json_object_set_new(
                medians, name,
                json_pack("{s:o, s:o, s:o, s:o}", "cpu_s", median_over(runs, service, "cpu_s", 0),
                          "throttled_s", median_over(runs, service, "throttled_s", 0),
                          "nr_throttled", median_over(runs, service, "nr_throttled", 1),
                          "connections", median_over(runs, service, "connections", 1)));
        }
        json_object_set_new(out, "services", medians);
    }
    return out;
}
