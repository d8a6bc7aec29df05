/*
 * report_read.c - see report_read.h. The reader walks the report once, in
 * the order of the schema, keeping the JSON path it stands on ("$.models[2]
 * .steps[0]") so that the first thing wrong is named exactly where it is.
 * Everything optional gets its default here, so that the gate, compare and
 * the writers never meet an absent field, a NULL string or a wrong type.
 * The field checks are report_reader.c's; what a run measured beside
 * throughput (resources, the loss breakdown) is read by
 * report_read_resources.c.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_positions.h"
#include "json_type.h"
#include "read_file.h"
#include "report_read.h"
#include "report_reader.h"

/* The step's bounds ({"littles_law": X, "serial": Y}, each optional): the lowest counts. */
static int read_bounds(reader *r, json_t *summary, report_summary *s)
{
    json_t *bounds, *value;
    const char *key;
    s->best_bound = 0;
    if (reader_field(r, summary, "bounds", JSON_OBJECT, 0, &bounds) != 0)
        return -1;
    size_t back = reader_enter_key(r, "bounds");
    json_object_foreach(bounds, key, value)
    {
        double bound;
        if (reader_number(r, bounds, key, 1, 0, 1, DBL_MAX, &bound, NULL) != 0)
            return -1;
        if (s->best_bound == 0 || bound < s->best_bound)
            s->best_bound = bound;
    }
    reader_leave(r, back);
    return 0;
}

/* An interval's ends as read, and the least either may be. */
typedef struct interval_ends {
    double min;
    double bound[2];
} interval_ends;

static int read_end(reader *r, json_t *item, size_t i, void *ctx)
{
    interval_ends *ends = ctx;
    double x = json_number_value(item);
    if (x < ends->min || x > DBL_MAX)
        return reader_fail(r, "expected a number >= %.10g, got %.17g", ends->min, x);
    ends->bound[i] = x;
    return 0;
}

/* An optional [lo, hi] of numbers from min up, lo <= hi. */
static int read_interval(reader *r, json_t *obj, const char *key, double min, report_interval *out)
{
    json_t *v;
    memset(out, 0, sizeof(*out));
    if (reader_field(r, obj, key, JSON_ARRAY, 0, &v) != 0)
        return -1;
    if (v == NULL)
        return 0;
    if (json_array_size(v) != 2) {
        reader_enter_key(r, key);
        return reader_fail(r, "expected [lo, hi], an array of 2 numbers, got %zu items",
                           json_array_size(v));
    }
    interval_ends ends = {.min = min};
    if (reader_each(r, v, key, ANY_NUMBER, read_end, &ends) != 0)
        return -1;
    if (ends.bound[0] > ends.bound[1]) {
        reader_enter_key(r, key);
        return reader_fail(r, "expected lo <= hi, got [%.17g, %.17g]", ends.bound[0],
                           ends.bound[1]);
    }
    *out = (report_interval){1, ends.bound[0], ends.bound[1]};
    return 0;
}

/* The summary's "front", when there is one: its name, and the balancer's figures. */
static int read_front(reader *r, json_t *summary, report_front *out)
{
    json_t *front;
    memset(out, 0, sizeof(*out));
    if (reader_field(r, summary, "front", JSON_OBJECT, 0, &front) != 0)
        return -1;
    if (front == NULL)
        return 0;
    out->present = 1;
    size_t back = reader_enter_key(r, "front");
    if (reader_string(r, front, "name", 1, NULL, &out->name) != 0 ||
        reader_string(r, front, "balance", 0, "", &out->balance) != 0 ||
        reader_number(r, front, "cpu", 0, 0, 0, DBL_MAX, &out->cpu, &out->has_cpu) != 0 ||
        reader_string(r, front, "cpu_unmeasured", 0, "", &out->cpu_unmeasured) != 0 ||
        (!json_is_null(json_object_get(front, "spread")) &&
         reader_number(r, front, "spread", 0, 0, 0, DBL_MAX, &out->spread, &out->has_spread) != 0))
        return -1;
    reader_leave(r, back);
    return 0;
}

static int read_summary(reader *r, json_t *summary, long long servers, report_summary *s)
{
    json_t *x, *latency;
    if (reader_field(r, summary, "throughput", JSON_OBJECT, 1, &x) != 0)
        return -1;
    size_t back = reader_enter_key(r, "throughput");
    if (reader_nonnegative(r, x, "median", &s->median) != 0 ||
        reader_nonnegative(r, x, "min", &s->min) != 0 ||
        reader_nonnegative(r, x, "max", &s->max) != 0 ||
        read_interval(r, x, "ci95", 0, &s->ci) != 0)
        return -1;
    reader_leave(r, back);
    if (reader_number(r, summary, "efficiency", 0, 0, 0, DBL_MAX, &s->efficiency,
                      &s->has_efficiency) != 0 ||
        read_interval(r, summary, "efficiency_ci95", 0, &s->efficiency_ci) != 0 ||
        reader_bool(r, summary, "valid", 1, &s->valid) != 0 ||
        reader_strings(r, summary, "flags", 1, &s->flags, &s->nflags) != 0 ||
        reader_field(r, summary, "latency_ms", JSON_OBJECT, 1, &latency) != 0)
        return -1;
    back = reader_enter_key(r, "latency_ms");
    if (reader_nonnegative(r, latency, "p50", &s->p50_ms) != 0 ||
        reader_nonnegative(r, latency, "p99", &s->p99_ms) != 0)
        return -1;
    reader_leave(r, back);
    if (read_bounds(r, summary, s) != 0 || read_front(r, summary, &s->front) != 0)
        return -1;
    return reader_nonnegative(r, summary, "requests", &s->requests) != 0 ||
                   reader_nonnegative(r, summary, "errors", &s->errors) != 0 ||
                   reader_nonnegative(r, summary, "non2xx", &s->non2xx) != 0 ||
                   reader_nonnegative(r, summary, "failed_checks", &s->failed_checks) != 0 ||
                   reader_step_resources(r, summary, servers, &s->resources) != 0 ||
                   reader_breakdown(r, summary, &s->breakdown) != 0 ||
                   reader_gain(r, summary, &s->gain) != 0 ||
                   reader_disturbed(r, summary, s) != 0
               ? -1
               : 0;
}

/* One server's counts in a run's front (its requests, else its sessions), added to the
 * step's. */
static int count_server(reader *r, json_t *server, size_t i, void *ctx)
{
    report_step *out = ctx;
    long long sessions, requests;
    if (reader_integer(r, server, "sessions", 1, 0, &sessions) != 0 ||
        reader_integer(r, server, "requests", 0, 0, &requests) != 0)
        return -1;
    out->server_requests[i] +=
        (double)(json_object_get(server, "requests") != NULL ? requests : sessions);
    return 0;
}

/*
 * A run's "front" (a front that counts: HAProxy): its name, its CPU and each server's counts,
 * added to the step's per-server requests. Every run of a step has one count per server.
 */
static int read_run_front(reader *r, json_t *run, report_step *out)
{
    json_t *front, *servers;
    const char *name, *balance, *unmeasured;
    double cpu;
    int has_cpu;
    if (reader_field(r, run, "front", JSON_OBJECT, 0, &front) != 0)
        return -1;
    if (front == NULL)
        return 0;
    size_t back = reader_enter_key(r, "front");
    if (reader_string(r, front, "name", 1, NULL, &name) != 0 ||
        reader_string(r, front, "balance", 0, "", &balance) != 0 ||
        reader_number(r, front, "cpu", 0, 0, 0, DBL_MAX, &cpu, &has_cpu) != 0 ||
        /* A run without its balancer's CPU says why. */
        (!has_cpu && reader_string(r, front, "cpu_unmeasured", 1, NULL, &unmeasured) != 0) ||
        reader_field(r, front, "servers", JSON_ARRAY, 1, &servers) != 0)
        return -1;
    size_t n = json_array_size(servers), at = reader_enter_key(r, "servers");
    /* One count per server of the step, as resources have, when the step says how many. */
    if (out->servers > 0 && (long long)n != out->servers)
        return reader_fail(r, "expected one entry per server (%lld), got %zu", out->servers, n);
    if (out->server_requests == NULL) {
        out->nservers_counted = n;
        if ((out->server_requests = reader_array_of(r, n, sizeof(*out->server_requests))) == NULL)
            return -1;
    } else if (n != out->nservers_counted) {
        return reader_fail(r, "expected %zu servers, as in the step's other runs, got %zu",
                           out->nservers_counted, n);
    }
    reader_leave(r, at);
    if (reader_each(r, servers, "servers", JSON_OBJECT, count_server, out) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

/* One client of a run: {"host", "connections", "threads", "requests", "throughput",
 * "latency_ms": {"p50", "p99"}, "errors", "wrk_cpu"}; "wrk_cpu" null when it is not known. */
static int read_client(reader *r, json_t *client, size_t i, void *ctx)
{
    report_client *out = &((report_run_clients *)ctx)->clients[i];
    json_t *latency;
    if (reader_string(r, client, "host", 1, NULL, &out->host) != 0 ||
        reader_integer(r, client, "connections", 1, 1, &out->connections) != 0 ||
        reader_integer(r, client, "threads", 1, 1, &out->threads) != 0 ||
        reader_nonnegative(r, client, "requests", &out->requests) != 0 ||
        reader_nonnegative(r, client, "throughput", &out->throughput) != 0 ||
        reader_field(r, client, "latency_ms", JSON_OBJECT, 1, &latency) != 0)
        return -1;
    size_t back = reader_enter_key(r, "latency_ms");
    if (reader_nonnegative(r, latency, "p50", &out->p50_ms) != 0 ||
        reader_nonnegative(r, latency, "p99", &out->p99_ms) != 0)
        return -1;
    reader_leave(r, back);
    if (out->threads > out->connections) {
        reader_enter_key(r, "threads");
        return reader_fail(r, "expected at most the client's %lld connections, got %lld",
                           out->connections, out->threads);
    }
    return reader_nonnegative(r, client, "errors", &out->errors) != 0 ||
                   reader_nullable_nonnegative(r, client, "wrk_cpu", &out->wrk_cpu,
                                               &out->has_wrk_cpu) != 0
               ? -1
               : 0;
}

/* A run's clients (optional): each one's figures, whose requests add up to the run's. */
static int read_clients(reader *r, json_t *run, report_run_clients *out)
{
    json_t *clients;
    if (reader_field(r, run, "clients", JSON_ARRAY, 0, &clients) != 0)
        return -1;
    if (clients == NULL)
        return 0;
    size_t back = reader_enter_key(r, "clients");
    if (json_array_size(clients) == 0)
        return reader_fail(r, "expected one client at least, got an empty array");
    out->n = json_array_size(clients);
    if ((out->clients = reader_array_of(r, out->n, sizeof(*out->clients))) == NULL)
        return -1;
    reader_leave(r, back);
    if (reader_each(r, clients, "clients", JSON_OBJECT, read_client, out) != 0)
        return -1;
    double requests = 0;
    for (size_t j = 0; j < out->n; j++)
        requests += out->clients[j].requests;
    json_t *total = json_object_get(run, "requests");
    if (json_is_number(total) && json_number_value(total) != requests) {
        reader_enter_key(r, "clients");
        return reader_fail(r, "the clients' requests add up to %.17g, the run's are %.17g",
                           requests, json_number_value(total));
    }
    return 0;
}

/* Repetition i's throughput, what it used, its front's counts and its clients. */
static int read_run(reader *r, json_t *run, size_t i, void *ctx)
{
    report_step *out = ctx;
    return reader_nonnegative(r, run, "throughput", &out->runs[i]) != 0 ||
                   reader_window_resources(r, run, out->servers, &out->run_resources[i]) != 0 ||
                   read_run_front(r, run, out) != 0 ||
                   read_clients(r, run, &out->run_clients[i]) != 0
               ? -1
               : 0;
}

/* Each repetition's throughput, for the gate's test against a baseline, what it used and its
 * clients; none when absent. */
static int read_runs(reader *r, json_t *step, report_step *out)
{
    json_t *runs;
    if (reader_field(r, step, "runs", JSON_ARRAY, 0, &runs) != 0)
        return -1;
    out->nruns = json_array_size(runs);
    if ((out->runs = reader_array_of(r, out->nruns, sizeof(*out->runs))) == NULL ||
        (out->run_resources = reader_array_of(r, out->nruns, sizeof(*out->run_resources))) ==
            NULL ||
        (out->run_clients = reader_array_of(r, out->nruns, sizeof(*out->run_clients))) == NULL)
        return -1;
    return reader_each(r, runs, "runs", JSON_OBJECT, read_run, out);
}

/* One server's host: {"host": ADDRESS[, "cpu_cap": NOTE]}. */
static int read_host(reader *r, json_t *host, size_t i, void *ctx)
{
    report_host *out = &((report_step *)ctx)->hosts[i];
    return reader_string(r, host, "host", 1, NULL, &out->host) != 0 ||
                   reader_string(r, host, "cpu_cap", 0, NULL, &out->cpu_cap) != 0
               ? -1
               : 0;
}

/* Where each server of the step ran (optional: older reports do not say), one per server. */
static int read_hosts(reader *r, json_t *step, report_step *out)
{
    json_t *hosts;
    if (reader_field(r, step, "hosts", JSON_ARRAY, 0, &hosts) != 0)
        return -1;
    out->nhosts = json_array_size(hosts);
    if (hosts != NULL && (long long)out->nhosts != out->servers) {
        reader_enter_key(r, "hosts");
        return reader_fail(r, "expected one entry per server (%lld), got %zu", out->servers,
                           out->nhosts);
    }
    if ((out->hosts = reader_array_of(r, out->nhosts, sizeof(*out->hosts))) == NULL)
        return -1;
    return reader_each(r, hosts, "hosts", JSON_OBJECT, read_host, out);
}

/* A step the run never reached has no summary, and may have no server count either. */
static int read_step(reader *r, json_t *step, size_t i, void *ctx)
{
    report_step *out = &((report_model *)ctx)->steps[i];
    json_t *summary;
    if (reader_field(r, step, "summary", JSON_OBJECT, 0, &summary) != 0 ||
        reader_integer(r, step, "servers", summary != NULL, 1, &out->servers) != 0 ||
        read_hosts(r, step, out) != 0 || read_runs(r, step, out) != 0)
        return -1;
    out->has_summary = summary != NULL;
    if (summary == NULL)
        return 0;
    size_t back = reader_enter_key(r, "summary");
    if (read_summary(r, summary, out->servers, &out->summary) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

/* {"value": v, "ci95": [lo, hi] or null}, v in [min, max]. */
static int read_estimate(reader *r, json_t *obj, const char *key, double min, report_estimate *out)
{
    json_t *e;
    memset(out, 0, sizeof(*out));
    if (reader_field(r, obj, key, JSON_OBJECT, 1, &e) != 0)
        return -1;
    size_t back = reader_enter_key(r, key);
    if (reader_number(r, e, "value", 1, min, 0, DBL_MAX, &out->value, NULL) != 0 ||
        (!json_is_null(json_object_get(e, "ci95")) &&
         read_interval(r, e, "ci95", -DBL_MAX, &out->ci) != 0))
        return -1;
    reader_leave(r, back);
    return 0;
}

static int read_usl(reader *r, json_t *usl, report_usl *out)
{
    if (reader_bool(r, usl, "fitted", 1, &out->fitted) != 0 ||
        reader_string(r, usl, "note", 0, "", &out->note) != 0)
        return -1;
    if (!out->fitted)
        return 0;
    json_t *residual = json_object_get(usl, "residual_se");
    out->has_peak = !json_is_null(json_object_get(usl, "peak_servers"));
    return reader_bool(r, usl, "amdahl", 1, &out->amdahl) != 0 ||
                   reader_bool(r, usl, "super_linear", 1, &out->super_linear) != 0 ||
                   read_estimate(r, usl, "lambda", 0, &out->lambda) != 0 ||
                   /* below 0: super-linear (Gunther), reported as it came out */
                   read_estimate(r, usl, "sigma", -DBL_MAX, &out->sigma) != 0 ||
                   read_estimate(r, usl, "kappa", -DBL_MAX, &out->kappa) != 0 ||
                   (!json_is_null(residual) &&
                    reader_number(r, usl, "residual_se", 1, 0, 0, DBL_MAX, &out->residual_se,
                                  &out->has_residual_se) != 0) ||
                   (out->has_peak &&
                    (read_estimate(r, usl, "peak_servers", 0, &out->peak_servers) != 0 ||
                     read_estimate(r, usl, "peak_throughput", 0, &out->peak_throughput) != 0))
               ? -1
               : 0;
}

static int read_prediction(reader *r, json_t *p, size_t i, void *ctx)
{
    report_prediction *out = &((report_analysis *)ctx)->predictions[i];
    json_t *value = json_object_get(p, "value"), *median = json_object_get(p, "measured"),
           *held = json_object_get(p, "held");
    out->has_value = value != NULL && !json_is_null(value);
    out->measured = median != NULL && !json_is_null(median);
    out->has_held = held != NULL && !json_is_null(held);
    return reader_integer(r, p, "servers", 1, 1, &out->servers) != 0 ||
                   (out->has_value && reader_number(r, p, "value", 1, -DBL_MAX, 0, DBL_MAX,
                                                    &out->value, NULL) != 0) ||
                   (!json_is_null(json_object_get(p, "pi95")) &&
                    read_interval(r, p, "pi95", -DBL_MAX, &out->pi) != 0) ||
                   (out->measured &&
                    reader_number(r, p, "measured", 1, 0, 0, DBL_MAX, &out->median, NULL) != 0) ||
                   (out->has_held && reader_bool(r, p, "held", 1, &out->held) != 0) ||
                   reader_string(r, p, "note", 0, "", &out->note) != 0
               ? -1
               : 0;
}

/* The predictions asked for ("predict" in the scenario); none in older reports. */
static int read_predictions(reader *r, json_t *analysis, report_analysis *out)
{
    json_t *list;
    if (reader_field(r, analysis, "predictions", JSON_ARRAY, 0, &list) != 0)
        return -1;
    out->npredictions = json_array_size(list);
    if ((out->predictions = reader_array_of(r, out->npredictions, sizeof(*out->predictions))) ==
        NULL)
        return -1;
    return reader_each(r, list, "predictions", JSON_OBJECT, read_prediction, out);
}

static int read_analysis(reader *r, json_t *analysis, report_analysis *out)
{
    json_t *usl;
    out->present = 1;
    json_t *needed = json_object_get(analysis, "repetitions_needed");
    if (reader_string(r, analysis, "verdict", 1, NULL, &out->verdict) != 0 ||
        reader_string(r, analysis, "verdict_note", 0, "", &out->verdict_note) != 0 ||
        (!json_is_null(needed) &&
         reader_integer(r, analysis, "repetitions_needed", 0, 1, &out->repetitions_needed) != 0) ||
        reader_nullable_string(r, analysis, "limiting_factor", &out->limiting_factor) != 0 ||
        reader_string(r, analysis, "error", 0, NULL, &out->error) != 0 ||
        reader_field(r, analysis, "usl", JSON_OBJECT, 1, &usl) != 0)
        return -1;
    size_t back = reader_enter_key(r, "usl");
    if (read_usl(r, usl, &out->usl) != 0)
        return -1;
    reader_leave(r, back);
    return read_predictions(r, analysis, out);
}

/* {"kind": "twice-app", "model": M} or {"kind": "command", "command": C[, "cwd": D]}. */
static int read_target(reader *r, json_t *target, report_target *out)
{
    out->present = 1;
    if (reader_string(r, target, "kind", 1, NULL, &out->kind) != 0)
        return -1;
    if (strcmp(out->kind, "twice-app") == 0)
        return reader_string(r, target, "model", 1, NULL, &out->model);
    if (strcmp(out->kind, "command") == 0)
        return reader_string(r, target, "command", 1, NULL, &out->command) != 0 ||
                       reader_string(r, target, "cwd", 0, NULL, &out->cwd) != 0
                   ? -1
                   : 0;
    size_t back = reader_enter_key(r, "kind");
    reader_fail(r, "expected \"twice-app\" or \"command\"");
    reader_leave(r, back);
    return -1;
}

static int read_model(reader *r, json_t *model, size_t i, void *ctx)
{
    report_model *out = &((report_doc *)ctx)->models[i];
    json_t *steps, *analysis, *target;
    if (reader_string(r, model, "model", 1, NULL, &out->name) != 0 ||
        reader_field(r, model, "target", JSON_OBJECT, 0, &target) != 0 ||
        reader_field(r, model, "steps", JSON_ARRAY, 1, &steps) != 0 ||
        reader_field(r, model, "analysis", JSON_OBJECT, 0, &analysis) != 0)
        return -1;
    if (target != NULL) {
        size_t at = reader_enter_key(r, "target");
        if (read_target(r, target, &out->target) != 0)
            return -1;
        reader_leave(r, at);
    }
    out->nsteps = json_array_size(steps);
    if ((out->steps = reader_array_of(r, out->nsteps, sizeof(*out->steps))) == NULL ||
        reader_each(r, steps, "steps", JSON_OBJECT, read_step, out) != 0)
        return -1;
    if (analysis == NULL)
        return 0;
    size_t back = reader_enter_key(r, "analysis");
    if (read_analysis(r, analysis, &out->analysis) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

static int read_models(reader *r, json_t *top, report_doc *doc)
{
    json_t *models;
    if (reader_field(r, top, "models", JSON_ARRAY, 1, &models) != 0)
        return -1;
    doc->nmodels = json_array_size(models);
    if ((doc->models = reader_array_of(r, doc->nmodels, sizeof(*doc->models))) == NULL)
        return -1;
    return reader_each(r, models, "models", JSON_OBJECT, read_model, doc);
}

/* The thresholds as scenario.c bounds them. */
static int read_gate(reader *r, json_t *gate, scenario_gate *g)
{
    return reader_number(r, gate, "min_efficiency", 0, 0, 1, 1, &g->min_efficiency,
                         &g->has_min_efficiency) != 0 ||
                   reader_number(r, gate, "max_sigma", 0, 0, 0, 1, &g->max_sigma,
                                 &g->has_max_sigma) != 0 ||
                   reader_number(r, gate, "max_p99_ms", 0, 0, 1, 3600000, &g->max_p99_ms,
                                 &g->has_max_p99_ms) != 0 ||
                   reader_number(r, gate, "max_error_rate", 0, 0, 0, 1, &g->max_error_rate,
                                 &g->has_max_error_rate) != 0
               ? -1
               : 0;
}

static int read_scenario(reader *r, json_t *top, report_doc *doc)
{
    json_t *scenario, *workload, *gate;
    if (reader_field(r, top, "scenario", JSON_OBJECT, 1, &scenario) != 0)
        return -1;
    size_t back = reader_enter_key(r, "scenario");
    /* The route is the workload's: "workload" beside a "targets" list, or the older
     * "target". */
    const char *holder = json_object_get(scenario, "workload") != NULL ? "workload" : "target";
    if (reader_string(r, scenario, "name", 1, NULL, &doc->name) != 0 ||
        reader_string(r, scenario, "description", 0, "", &doc->description) != 0 ||
        reader_field(r, scenario, holder, JSON_OBJECT, 1, &workload) != 0 ||
        reader_field(r, scenario, "gate", JSON_OBJECT, 0, &gate) != 0)
        return -1;
    size_t at = reader_enter_key(r, holder);
    if (reader_string(r, workload, "route", 1, NULL, &doc->route) != 0)
        return -1;
    reader_leave(r, at);
    at = reader_enter_key(r, "gate");
    if (read_gate(r, gate, &doc->gate) != 0)
        return -1;
    reader_leave(r, at);
    reader_leave(r, back);
    return 0;
}

static int read_machine(reader *r, json_t *top, report_doc *doc)
{
    json_t *machine;
    if (reader_field(r, top, "machine", JSON_OBJECT, 1, &machine) != 0)
        return -1;
    size_t back = reader_enter_key(r, "machine");
    if (reader_nullable_string(r, machine, "cpu_model", &doc->cpu_model) != 0 ||
        reader_string(r, machine, "kernel", 1, NULL, &doc->kernel) != 0 ||
        reader_integer(r, machine, "cores", 1, 1, &doc->cores) != 0)
        return -1;
    doc->cpu_model = doc->cpu_model != NULL ? doc->cpu_model : "";
    reader_leave(r, back);
    return 0;
}

/* How the run made its intervals and the seed of its order, when the report says. */
static int read_statistics(reader *r, json_t *top, report_doc *doc)
{
    json_t *statistics;
    doc->interval = "";
    if (reader_field(r, top, "statistics", JSON_OBJECT, 0, &statistics) != 0)
        return -1;
    if (statistics == NULL)
        return 0;
    size_t back = reader_enter_key(r, "statistics");
    json_t *seed;
    if (reader_string(r, statistics, "interval", 0, "", &doc->interval) != 0 ||
        reader_integer(r, statistics, "seed", 0, 0, &doc->seed) != 0)
        return -1;
    reader_field(r, statistics, "seed", JSON_INTEGER, 0, &seed);
    doc->has_seed = seed != NULL;
    reader_leave(r, back);
    return 0;
}

/* The inventory the run was given, when it was given one: where its servers, clients and
 * balancer were. */
static int read_inventory(reader *r, json_t *top, report_doc *doc)
{
    json_t *inventory;
    report_inventory *out = &doc->inventory;
    if (reader_field(r, top, "inventory", JSON_OBJECT, 0, &inventory) != 0)
        return -1;
    if (inventory == NULL)
        return 0;
    out->present = 1;
    size_t back = reader_enter_key(r, "inventory");
    if (reader_string(r, inventory, "file", 1, NULL, &out->file) != 0 ||
        reader_strings(r, inventory, "servers", 1, &out->servers, &out->nservers) != 0 ||
        reader_strings(r, inventory, "clients", 1, &out->clients, &out->nclients) != 0 ||
        reader_string(r, inventory, "balancer", 1, NULL, &out->balancer) != 0)
        return -1;
    reader_leave(r, back);
    return 0;
}

/* A Twice report says so first: anything else (a scenario, another schema) stops here. */
static int read_head(reader *r, json_t *top, report_doc *doc)
{
    const char *schema;
    if (!json_is_object(top))
        return reader_fail(r, "expected an object (a twice report), got %s", json_type_name(top));
    if (json_object_get(top, "schema") == NULL) {
        reader_enter_key(r, "schema");
        return reader_fail(r, "missing: not a twice report (one says \"schema\": \"%s\")",
                           REPORT_SCHEMA);
    }
    if (reader_string(r, top, "schema", 1, NULL, &schema) != 0)
        return -1;
    if (strcmp(schema, REPORT_SCHEMA) != 0) {
        reader_enter_key(r, "schema");
        return reader_fail(r, "not a twice report of schema \"%s\"", REPORT_SCHEMA);
    }
    if (reader_string(r, top, "status", 1, NULL, &doc->status) != 0 ||
        reader_string(r, top, "error", 0, "", &doc->error) != 0)
        return -1;
    if (strcmp(doc->status, "complete") != 0 && strcmp(doc->status, "failed") != 0 &&
        strcmp(doc->status, "interrupted") != 0) {
        reader_enter_key(r, "status");
        return reader_fail(r, "expected \"complete\", \"failed\" or \"interrupted\"");
    }
    return 0;
}

int report_read_json(report_doc *doc, json_t *json, const char *name, char *err, size_t errlen)
{
    reader r = {.name = name, .path = "$", .len = 1, .err = err, .errlen = errlen};
    memset(doc, 0, sizeof(*doc));
    doc->json = json_incref(json);
    if ((doc->source = strdup(name)) == NULL) {
        report_doc_free(doc);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    if (read_head(&r, json, doc) != 0 || read_scenario(&r, json, doc) != 0 ||
        read_machine(&r, json, doc) != 0 || read_statistics(&r, json, doc) != 0 ||
        read_inventory(&r, json, doc) != 0 || read_models(&r, json, doc) != 0) {
        report_doc_free(doc);
        return -1;
    }
    return 0;
}

int report_read_text(report_doc *doc, const char *name, const char *text, size_t len, char *err,
                     size_t errlen)
{
    json_error_t error;
    memset(doc, 0, sizeof(*doc));
    /* A key twice would leave it to the parser which one counts: refuse the doubt. */
    json_t *json = json_text_check(text, len, &error) == 0
                       ? json_loadb(text, len, JSON_REJECT_DUPLICATES, &error)
                       : NULL;
    if (json == NULL) {
        snprintf(err, errlen, "%s:%d:%d: %s", name, error.line, error.column, error.text);
        return -1;
    }
    int rc = report_read_json(doc, json, name, err, errlen);
    json_decref(json);
    return rc;
}

int report_read_file(report_doc *doc, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = read_file(path, &len, err, errlen);
    if (text == NULL) {
        memset(doc, 0, sizeof(*doc));
        return -1;
    }
    int rc = report_read_text(doc, path, text, len, err, errlen);
    free(text);
    return rc;
}

void report_doc_free(report_doc *doc)
{
    for (size_t i = 0; doc->models != NULL && i < doc->nmodels; i++) {
        for (size_t j = 0; doc->models[i].steps != NULL && j < doc->models[i].nsteps; j++) {
            report_step *step = &doc->models[i].steps[j];
            free(step->summary.flags);
            free(step->summary.resources.servers);
            for (size_t k = 0; step->run_resources != NULL && k < step->nruns; k++)
                free(step->run_resources[k].servers);
            free(step->run_resources);
            free(step->runs);
            free(step->server_requests);
            free(step->hosts);
            for (size_t k = 0; step->run_clients != NULL && k < step->nruns; k++)
                free(step->run_clients[k].clients);
            free(step->run_clients);
        }
        free(doc->models[i].steps);
        free(doc->models[i].analysis.predictions);
    }
    free(doc->models);
    free(doc->inventory.servers);
    free(doc->inventory.clients);
    free(doc->source);
    json_decref(doc->json);
    memset(doc, 0, sizeof(*doc));
}
