/*
 * step_figures.c - see step_figures.h.
 */
#include <stdlib.h>
#include <string.h>

#include "step_figures.h"

static double number(json_t *object, const char *key)
{
    return json_number_value(json_object_get(object, key));
}

/* A figure that an older report may lack: its value, or otherwise when it is not a number. */
static double figure_or(json_t *object, const char *key, double otherwise)
{
    json_t *value = json_object_get(object, key);
    return json_is_number(value) ? json_number_value(value) : otherwise;
}

/* A count that is null when it was not taken: the count, or -1. */
static long count(json_t *object, const char *key)
{
    json_t *value = json_object_get(object, key);
    return json_is_integer(value) ? (long)json_integer_value(value) : -1;
}

static void read_server(json_t *s, breakdown_server *out)
{
    json_t *throttled = json_object_get(s, "throttled_s");
    *out = (breakdown_server){.cpu_s = number(s, "cpu_s"),
                              .runqueue_wait_s = number(s, "runqueue_wait_s"),
                              .has_throttling = json_is_number(throttled),
                              .throttled_s = json_number_value(throttled),
                              .nr_throttled = count(s, "nr_throttled"),
                              .nr_periods = count(s, "nr_periods"),
                              .connections = count(s, "connections"),
                              .requests = count(s, "requests")};
}

/* The shared service of a run's resources (its one entry of "services"), into b. */
static void read_service(json_t *resources, breakdown_run *b)
{
    const char *name;
    json_t *service;
    json_object_foreach(json_object_get(resources, "services"), name, service)
    {
        json_t *cpu = json_object_get(service, "cpu_s");
        json_t *throttled = json_object_get(service, "throttled_s");
        b->has_service = json_is_number(cpu);
        b->service_cpu_s = json_number_value(cpu);
        b->service_has_throttling = json_is_number(throttled);
        b->service_throttled_s = json_number_value(throttled);
        return;
    }
}

int step_figures_read(json_t *runs, unsigned wrk_threads, step_figures *out)
{
    size_t nservers = 0, i;
    json_t *run;
    memset(out, 0, sizeof(*out));
    json_array_foreach(runs, i, run)
    {
        json_t *r = json_object_get(run, "resources");
        nservers += json_array_size(json_object_get(r, "servers"));
    }
    out->runs = calloc(json_array_size(runs) + 1, sizeof(*out->runs));
    out->servers = calloc(nservers + 1, sizeof(*out->servers));
    if (out->runs == NULL || out->servers == NULL) {
        step_figures_free(out);
        return -1;
    }
    breakdown_server *next = out->servers;
    json_array_foreach(runs, i, run)
    {
        json_t *r = json_object_get(run, "resources"), *wrk = json_object_get(r, "wrk");
        json_t *machine = json_object_get(r, "machine"), *server;
        size_t k;
        if (!json_is_object(r) || !(number(r, "window_s") > 0))
            continue;
        breakdown_run *b = &out->runs[out->nruns++];
        *b = (breakdown_run){.round = (unsigned)count(run, "round"),
                             .window_s = number(r, "window_s"),
                             .servers = next,
                             .wrk_cpu_s = number(wrk, "cpu_s"),
                             .wrk_runqueue_wait_s = number(wrk, "runqueue_wait_s"),
                             .wrk_threads = wrk_threads,
                             .wrk_connections_open = count(wrk, "connections_open"),
                             .wrk_connections_asked = (unsigned)number(wrk, "connections_asked"),
                             .machine_busy_s = number(machine, "busy_s"),
                             .machine_interrupt_s = figure_or(machine, "interrupt_s", -1),
                             .foreign_cpu_s = number(machine, "foreign_cpu_s"),
                             .cores = (unsigned)number(machine, "cores")};
        read_service(r, b);
        json_array_foreach(json_object_get(r, "servers"), k, server) read_server(server, next++);
        b->nservers = (size_t)(next - b->servers);
    }
    return 0;
}

void step_figures_free(step_figures *figures)
{
    free(figures->runs);
    free(figures->servers);
    memset(figures, 0, sizeof(*figures));
}
