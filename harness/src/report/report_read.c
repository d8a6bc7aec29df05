/*
 * report_read.c - see report_read.h. The reader walks the report once, in
 * the order of the schema, keeping the JSON path it stands on ("$.models[2]
 * .steps[0]") so that the first thing wrong is named exactly where it is.
 * Everything optional gets its default here, so that the gate, compare and
 * the writers never meet an absent field, a NULL string or a wrong type.
 */
#include <errno.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_positions.h"
#include "json_type.h"
#include "read_file.h"
#include "report_read.h"

typedef struct reader {
    const char *name; /* the file, for messages */
    char path[256];   /* where we are: "$.models[2].steps[0]" (the schema is shallow) */
    size_t len;
    char *err;
    size_t errlen;
} reader;

static int fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(reader *r, const char *fmt, ...)
{
    int used = snprintf(r->err, r->errlen, "%s: %s: ", r->name, r->path);
    if (used >= 0 && (size_t)used < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + used, r->errlen - (size_t)used, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Steps into a key or an index; returns where to come back to with leave(). */
static size_t enter_key(reader *r, const char *key)
{
    size_t back = r->len;
    int n = snprintf(r->path + r->len, sizeof(r->path) - r->len, ".%s", key);
    r->len = n > 0 && (size_t)n < sizeof(r->path) - r->len ? r->len + (size_t)n : back;
    r->path[r->len] = '\0';
    return back;
}

static size_t enter_index(reader *r, size_t i)
{
    size_t back = r->len;
    int n = snprintf(r->path + r->len, sizeof(r->path) - r->len, "[%zu]", i);
    r->len = n > 0 && (size_t)n < sizeof(r->path) - r->len ? r->len + (size_t)n : back;
    r->path[r->len] = '\0';
    return back;
}

static void leave(reader *r, size_t back)
{
    r->len = back;
    r->path[back] = '\0';
}

/*
 * The value at key of obj in *out, checked against type (one of jansson's, JSON_TRUE
 * standing for either boolean, or ANY_NUMBER for an integer or a real). Absent: an error when
 * required, else *out is NULL. Failing leaves the path at the key; succeeding leaves it where it
 * was.
 */
#define ANY_NUMBER (-1)

static int field(reader *r, json_t *obj, const char *key, int type, int required, json_t **out)
{
    static const char *const expected[] = {
        [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
        [JSON_INTEGER] = "an integer", [JSON_TRUE] = "a boolean", [JSON_NULL] = "null"};
    size_t back = enter_key(r, key);
    json_t *v = json_object_get(obj, key);
    const char *want = type == ANY_NUMBER ? "a number" : expected[type];
    *out = v;
    if (v == NULL) {
        if (required)
            return fail(r, "missing: expected %s", want);
        leave(r, back);
        return 0;
    }
    int ok = type == ANY_NUMBER  ? json_is_number(v)
             : type == JSON_TRUE ? json_is_boolean(v)
                                 : (int)json_typeof(v) == type;
    if (!ok)
        return fail(r, "expected %s, got %s", want, json_type_name(v));
    leave(r, back);
    return 0;
}

static int string_field(reader *r, json_t *obj, const char *key, int required, const char *dflt,
                        const char **out)
{
    json_t *v;
    if (field(r, obj, key, JSON_STRING, required, &v) != 0)
        return -1;
    *out = v != NULL ? json_string_value(v) : dflt;
    return 0;
}

/* A string, or null or absent (both NULL). */
static int nullable_string(reader *r, json_t *obj, const char *key, const char **out)
{
    *out = NULL;
    return json_is_null(json_object_get(obj, key)) ? 0 : string_field(r, obj, key, 0, NULL, out);
}

/* A number in [min, max] (above min when min_exclusive). */
static int number_field(reader *r, json_t *obj, const char *key, int required, double min,
                        int min_exclusive, double max, double *out, int *present)
{
    json_t *v;
    if (field(r, obj, key, ANY_NUMBER, required, &v) != 0)
        return -1;
    if (present != NULL)
        *present = v != NULL;
    *out = 0;
    if (v == NULL)
        return 0;
    double x = json_number_value(v);
    if ((min_exclusive ? x <= min : x < min) || x > max) {
        enter_key(r, key);
        return fail(r, "expected a number %s %.10g and at most %.10g, got %.17g",
                    min_exclusive ? ">" : ">=", min, max, x);
    }
    *out = x;
    return 0;
}

static int nonnegative_field(reader *r, json_t *obj, const char *key, double *out)
{
    return number_field(r, obj, key, 1, 0, 0, DBL_MAX, out, NULL);
}

static int bool_field(reader *r, json_t *obj, const char *key, int required, int *out)
{
    json_t *v;
    if (field(r, obj, key, JSON_TRUE, required, &v) != 0)
        return -1;
    *out = json_is_true(v);
    return 0;
}

static int integer_field(reader *r, json_t *obj, const char *key, int required, long long min,
                         long long *out)
{
    json_t *v;
    if (field(r, obj, key, JSON_INTEGER, required, &v) != 0)
        return -1;
    *out = v != NULL ? (long long)json_integer_value(v) : 0;
    if (v != NULL && *out < min) {
        enter_key(r, key);
        return fail(r, "expected an integer >= %lld, got %lld", min, *out);
    }
    return 0;
}

/* calloc for n items that is not NULL for n == 0 in error checks. */
static void *array_of(reader *r, size_t n, size_t size)
{
    void *p = calloc(n != 0 ? n : 1, size);
    if (p == NULL)
        fail(r, "out of memory for %zu items", n);
    return p;
}

static int read_flags(reader *r, json_t *summary, report_summary *s)
{
    json_t *flags, *flag;
    size_t i;
    if (field(r, summary, "flags", JSON_ARRAY, 1, &flags) != 0)
        return -1;
    s->nflags = json_array_size(flags);
    if ((s->flags = array_of(r, s->nflags, sizeof(*s->flags))) == NULL)
        return -1;
    size_t back = enter_key(r, "flags");
    json_array_foreach(flags, i, flag)
    {
        if (!json_is_string(flag)) {
            enter_index(r, i);
            return fail(r, "expected a string, got %s", json_type_name(flag));
        }
        s->flags[i] = json_string_value(flag);
    }
    leave(r, back);
    return 0;
}

/* The step's bounds ({"littles_law": X, "serial": Y}, each optional): the lowest counts. */
static int read_bounds(reader *r, json_t *summary, report_summary *s)
{
    json_t *bounds, *value;
    const char *key;
    s->best_bound = 0;
    if (field(r, summary, "bounds", JSON_OBJECT, 0, &bounds) != 0)
        return -1;
    size_t back = enter_key(r, "bounds");
    json_object_foreach(bounds, key, value)
    {
        double bound;
        if (number_field(r, bounds, key, 1, 0, 1, DBL_MAX, &bound, NULL) != 0)
            return -1;
        if (s->best_bound == 0 || bound < s->best_bound)
            s->best_bound = bound;
    }
    leave(r, back);
    return 0;
}

/* An optional [lo, hi] of numbers from min up, lo <= hi. */
static int read_interval(reader *r, json_t *obj, const char *key, double min, report_interval *out)
{
    json_t *v;
    memset(out, 0, sizeof(*out));
    if (field(r, obj, key, JSON_ARRAY, 0, &v) != 0)
        return -1;
    if (v == NULL)
        return 0;
    size_t back = enter_key(r, key);
    if (json_array_size(v) != 2)
        return fail(r, "expected [lo, hi], an array of 2 numbers, got %zu items",
                    json_array_size(v));
    double bound[2];
    for (size_t i = 0; i < 2; i++) {
        json_t *item = json_array_get(v, i);
        size_t at = enter_index(r, i);
        if (!json_is_number(item))
            return fail(r, "expected a number, got %s", json_type_name(item));
        bound[i] = json_number_value(item);
        if (bound[i] < min || bound[i] > DBL_MAX)
            return fail(r, "expected a number >= %.10g, got %.17g", min, bound[i]);
        leave(r, at);
    }
    if (bound[0] > bound[1])
        return fail(r, "expected lo <= hi, got [%.17g, %.17g]", bound[0], bound[1]);
    leave(r, back);
    *out = (report_interval){1, bound[0], bound[1]};
    return 0;
}

static int read_summary(reader *r, json_t *summary, report_summary *s)
{
    json_t *x, *latency;
    if (field(r, summary, "throughput", JSON_OBJECT, 1, &x) != 0)
        return -1;
    size_t back = enter_key(r, "throughput");
    if (nonnegative_field(r, x, "median", &s->median) != 0 ||
        nonnegative_field(r, x, "min", &s->min) != 0 ||
        nonnegative_field(r, x, "max", &s->max) != 0 || read_interval(r, x, "ci95", 0, &s->ci) != 0)
        return -1;
    leave(r, back);
    if (number_field(r, summary, "efficiency", 0, 0, 0, DBL_MAX, &s->efficiency,
                     &s->has_efficiency) != 0 ||
        read_interval(r, summary, "efficiency_ci95", 0, &s->efficiency_ci) != 0 ||
        bool_field(r, summary, "valid", 1, &s->valid) != 0 || read_flags(r, summary, s) != 0 ||
        field(r, summary, "latency_ms", JSON_OBJECT, 1, &latency) != 0)
        return -1;
    back = enter_key(r, "latency_ms");
    if (nonnegative_field(r, latency, "p50", &s->p50_ms) != 0 ||
        nonnegative_field(r, latency, "p99", &s->p99_ms) != 0)
        return -1;
    leave(r, back);
    if (read_bounds(r, summary, s) != 0)
        return -1;
    return nonnegative_field(r, summary, "requests", &s->requests) != 0 ||
                   nonnegative_field(r, summary, "errors", &s->errors) != 0 ||
                   nonnegative_field(r, summary, "non2xx", &s->non2xx) != 0 ||
                   nonnegative_field(r, summary, "failed_checks", &s->failed_checks) != 0
               ? -1
               : 0;
}

/* Each repetition's throughput, for the gate's test against a baseline; none when absent. */
static int read_runs(reader *r, json_t *step, report_step *out)
{
    json_t *runs, *run;
    size_t i;
    if (field(r, step, "runs", JSON_ARRAY, 0, &runs) != 0)
        return -1;
    out->nruns = json_array_size(runs);
    if ((out->runs = array_of(r, out->nruns, sizeof(*out->runs))) == NULL)
        return -1;
    size_t back = enter_key(r, "runs");
    json_array_foreach(runs, i, run)
    {
        size_t at = enter_index(r, i);
        if (!json_is_object(run))
            return fail(r, "expected an object, got %s", json_type_name(run));
        if (nonnegative_field(r, run, "throughput", &out->runs[i]) != 0)
            return -1;
        leave(r, at);
    }
    leave(r, back);
    return 0;
}

/* A step the run never reached has no summary, and may have no server count either. */
static int read_step(reader *r, json_t *step, report_step *out)
{
    json_t *summary;
    if (!json_is_object(step))
        return fail(r, "expected an object, got %s", json_type_name(step));
    if (field(r, step, "summary", JSON_OBJECT, 0, &summary) != 0 ||
        integer_field(r, step, "servers", summary != NULL, 1, &out->servers) != 0 ||
        read_runs(r, step, out) != 0)
        return -1;
    out->has_summary = summary != NULL;
    if (summary == NULL)
        return 0;
    size_t back = enter_key(r, "summary");
    if (read_summary(r, summary, &out->summary) != 0)
        return -1;
    leave(r, back);
    return 0;
}

/* {"value": v, "ci95": [lo, hi] or null}, v in [min, max]. */
static int read_estimate(reader *r, json_t *obj, const char *key, double min, report_estimate *out)
{
    json_t *e;
    memset(out, 0, sizeof(*out));
    if (field(r, obj, key, JSON_OBJECT, 1, &e) != 0)
        return -1;
    size_t back = enter_key(r, key);
    if (number_field(r, e, "value", 1, min, 0, DBL_MAX, &out->value, NULL) != 0 ||
        (!json_is_null(json_object_get(e, "ci95")) &&
         read_interval(r, e, "ci95", -DBL_MAX, &out->ci) != 0))
        return -1;
    leave(r, back);
    return 0;
}

static int read_usl(reader *r, json_t *usl, report_usl *out)
{
    if (bool_field(r, usl, "fitted", 1, &out->fitted) != 0 ||
        string_field(r, usl, "note", 0, "", &out->note) != 0)
        return -1;
    if (!out->fitted)
        return 0;
    json_t *residual = json_object_get(usl, "residual_se");
    out->has_peak = !json_is_null(json_object_get(usl, "peak_servers"));
    return bool_field(r, usl, "amdahl", 1, &out->amdahl) != 0 ||
                   bool_field(r, usl, "super_linear", 1, &out->super_linear) != 0 ||
                   read_estimate(r, usl, "lambda", 0, &out->lambda) != 0 ||
                   /* below 0: super-linear (Gunther), reported as it came out */
                   read_estimate(r, usl, "sigma", -DBL_MAX, &out->sigma) != 0 ||
                   read_estimate(r, usl, "kappa", -DBL_MAX, &out->kappa) != 0 ||
                   (!json_is_null(residual) &&
                    number_field(r, usl, "residual_se", 1, 0, 0, DBL_MAX, &out->residual_se,
                                 &out->has_residual_se) != 0) ||
                   (out->has_peak &&
                    (read_estimate(r, usl, "peak_servers", 0, &out->peak_servers) != 0 ||
                     read_estimate(r, usl, "peak_throughput", 0, &out->peak_throughput) != 0))
               ? -1
               : 0;
}

static int read_prediction(reader *r, json_t *p, report_prediction *out)
{
    if (!json_is_object(p))
        return fail(r, "expected an object, got %s", json_type_name(p));
    json_t *value = json_object_get(p, "value"), *median = json_object_get(p, "measured"),
           *held = json_object_get(p, "held");
    out->has_value = value != NULL && !json_is_null(value);
    out->measured = median != NULL && !json_is_null(median);
    out->has_held = held != NULL && !json_is_null(held);
    return integer_field(r, p, "servers", 1, 1, &out->servers) != 0 ||
                   (out->has_value &&
                    number_field(r, p, "value", 1, -DBL_MAX, 0, DBL_MAX, &out->value, NULL) != 0) ||
                   (!json_is_null(json_object_get(p, "pi95")) &&
                    read_interval(r, p, "pi95", -DBL_MAX, &out->pi) != 0) ||
                   (out->measured &&
                    number_field(r, p, "measured", 1, 0, 0, DBL_MAX, &out->median, NULL) != 0) ||
                   (out->has_held && bool_field(r, p, "held", 1, &out->held) != 0) ||
                   string_field(r, p, "note", 0, "", &out->note) != 0
               ? -1
               : 0;
}

/* The predictions asked for ("predict" in the scenario); none in older reports. */
static int read_predictions(reader *r, json_t *analysis, report_analysis *out)
{
    json_t *list, *p;
    size_t i;
    if (field(r, analysis, "predictions", JSON_ARRAY, 0, &list) != 0)
        return -1;
    out->npredictions = json_array_size(list);
    if ((out->predictions = array_of(r, out->npredictions, sizeof(*out->predictions))) == NULL)
        return -1;
    size_t back = enter_key(r, "predictions");
    json_array_foreach(list, i, p)
    {
        size_t at = enter_index(r, i);
        if (read_prediction(r, p, &out->predictions[i]) != 0)
            return -1;
        leave(r, at);
    }
    leave(r, back);
    return 0;
}

static int read_analysis(reader *r, json_t *analysis, report_analysis *out)
{
    json_t *usl;
    out->present = 1;
    json_t *needed = json_object_get(analysis, "repetitions_needed");
    if (string_field(r, analysis, "verdict", 1, NULL, &out->verdict) != 0 ||
        string_field(r, analysis, "verdict_note", 0, "", &out->verdict_note) != 0 ||
        (!json_is_null(needed) &&
         integer_field(r, analysis, "repetitions_needed", 0, 1, &out->repetitions_needed) != 0) ||
        nullable_string(r, analysis, "limiting_factor", &out->limiting_factor) != 0 ||
        string_field(r, analysis, "error", 0, NULL, &out->error) != 0 ||
        field(r, analysis, "usl", JSON_OBJECT, 1, &usl) != 0)
        return -1;
    size_t back = enter_key(r, "usl");
    if (read_usl(r, usl, &out->usl) != 0)
        return -1;
    leave(r, back);
    return read_predictions(r, analysis, out);
}

/* {"kind": "twice-app", "model": M} or {"kind": "command", "command": C[, "cwd": D]}. */
static int read_target(reader *r, json_t *target, report_target *out)
{
    out->present = 1;
    if (string_field(r, target, "kind", 1, NULL, &out->kind) != 0)
        return -1;
    if (strcmp(out->kind, "twice-app") == 0)
        return string_field(r, target, "model", 1, NULL, &out->model);
    if (strcmp(out->kind, "command") == 0)
        return string_field(r, target, "command", 1, NULL, &out->command) != 0 ||
                       string_field(r, target, "cwd", 0, NULL, &out->cwd) != 0
                   ? -1
                   : 0;
    size_t back = enter_key(r, "kind");
    fail(r, "expected \"twice-app\" or \"command\"");
    leave(r, back);
    return -1;
}

static int read_model(reader *r, json_t *model, report_model *out)
{
    json_t *steps, *step, *analysis, *target;
    size_t i;
    if (!json_is_object(model))
        return fail(r, "expected an object, got %s", json_type_name(model));
    if (string_field(r, model, "model", 1, NULL, &out->name) != 0 ||
        field(r, model, "target", JSON_OBJECT, 0, &target) != 0 ||
        field(r, model, "steps", JSON_ARRAY, 1, &steps) != 0 ||
        field(r, model, "analysis", JSON_OBJECT, 0, &analysis) != 0)
        return -1;
    if (target != NULL) {
        size_t at = enter_key(r, "target");
        if (read_target(r, target, &out->target) != 0)
            return -1;
        leave(r, at);
    }
    out->nsteps = json_array_size(steps);
    if ((out->steps = array_of(r, out->nsteps, sizeof(*out->steps))) == NULL)
        return -1;
    size_t back = enter_key(r, "steps");
    json_array_foreach(steps, i, step)
    {
        size_t at = enter_index(r, i);
        if (read_step(r, step, &out->steps[i]) != 0)
            return -1;
        leave(r, at);
    }
    leave(r, back);
    if (analysis == NULL)
        return 0;
    back = enter_key(r, "analysis");
    if (read_analysis(r, analysis, &out->analysis) != 0)
        return -1;
    leave(r, back);
    return 0;
}

static int read_models(reader *r, json_t *top, report_doc *doc)
{
    json_t *models, *model;
    size_t i;
    if (field(r, top, "models", JSON_ARRAY, 1, &models) != 0)
        return -1;
    doc->nmodels = json_array_size(models);
    if ((doc->models = array_of(r, doc->nmodels, sizeof(*doc->models))) == NULL)
        return -1;
    size_t back = enter_key(r, "models");
    json_array_foreach(models, i, model)
    {
        size_t at = enter_index(r, i);
        if (read_model(r, model, &doc->models[i]) != 0)
            return -1;
        leave(r, at);
    }
    leave(r, back);
    return 0;
}

/* The thresholds as scenario.c bounds them. */
static int read_gate(reader *r, json_t *gate, scenario_gate *g)
{
    return number_field(r, gate, "min_efficiency", 0, 0, 1, 1, &g->min_efficiency,
                        &g->has_min_efficiency) != 0 ||
                   number_field(r, gate, "max_sigma", 0, 0, 0, 1, &g->max_sigma,
                                &g->has_max_sigma) != 0 ||
                   number_field(r, gate, "max_p99_ms", 0, 0, 1, 3600000, &g->max_p99_ms,
                                &g->has_max_p99_ms) != 0 ||
                   number_field(r, gate, "max_error_rate", 0, 0, 0, 1, &g->max_error_rate,
                                &g->has_max_error_rate) != 0
               ? -1
               : 0;
}

static int read_scenario(reader *r, json_t *top, report_doc *doc)
{
    json_t *scenario, *workload, *gate;
    if (field(r, top, "scenario", JSON_OBJECT, 1, &scenario) != 0)
        return -1;
    size_t back = enter_key(r, "scenario");
    /* The route is the workload's: "workload" beside a "targets" list, or the older
     * "target". */
    const char *holder = json_object_get(scenario, "workload") != NULL ? "workload" : "target";
    if (string_field(r, scenario, "name", 1, NULL, &doc->name) != 0 ||
        string_field(r, scenario, "description", 0, "", &doc->description) != 0 ||
        field(r, scenario, holder, JSON_OBJECT, 1, &workload) != 0 ||
        field(r, scenario, "gate", JSON_OBJECT, 0, &gate) != 0)
        return -1;
    size_t at = enter_key(r, holder);
    if (string_field(r, workload, "route", 1, NULL, &doc->route) != 0)
        return -1;
    leave(r, at);
    at = enter_key(r, "gate");
    if (read_gate(r, gate, &doc->gate) != 0)
        return -1;
    leave(r, at);
    leave(r, back);
    return 0;
}

static int read_machine(reader *r, json_t *top, report_doc *doc)
{
    json_t *machine;
    if (field(r, top, "machine", JSON_OBJECT, 1, &machine) != 0)
        return -1;
    size_t back = enter_key(r, "machine");
    if (nullable_string(r, machine, "cpu_model", &doc->cpu_model) != 0 ||
        string_field(r, machine, "kernel", 1, NULL, &doc->kernel) != 0 ||
        integer_field(r, machine, "cores", 1, 1, &doc->cores) != 0)
        return -1;
    doc->cpu_model = doc->cpu_model != NULL ? doc->cpu_model : "";
    leave(r, back);
    return 0;
}

/* How the run made its intervals and the seed of its order, when the report says. */
static int read_statistics(reader *r, json_t *top, report_doc *doc)
{
    json_t *statistics;
    doc->interval = "";
    if (field(r, top, "statistics", JSON_OBJECT, 0, &statistics) != 0)
        return -1;
    if (statistics == NULL)
        return 0;
    size_t back = enter_key(r, "statistics");
    json_t *seed;
    if (string_field(r, statistics, "interval", 0, "", &doc->interval) != 0 ||
        integer_field(r, statistics, "seed", 0, 0, &doc->seed) != 0)
        return -1;
    field(r, statistics, "seed", JSON_INTEGER, 0, &seed);
    doc->has_seed = seed != NULL;
    leave(r, back);
    return 0;
}

/* A Twice report says so first: anything else (a scenario, another schema) stops here. */
static int read_head(reader *r, json_t *top, report_doc *doc)
{
    const char *schema;
    if (!json_is_object(top))
        return fail(r, "expected an object (a twice report), got %s", json_type_name(top));
    if (json_object_get(top, "schema") == NULL) {
        enter_key(r, "schema");
        return fail(r, "missing: not a twice report (one says \"schema\": \"%s\")", REPORT_SCHEMA);
    }
    if (string_field(r, top, "schema", 1, NULL, &schema) != 0)
        return -1;
    if (strcmp(schema, REPORT_SCHEMA) != 0) {
        enter_key(r, "schema");
        return fail(r, "not a twice report of schema \"%s\"", REPORT_SCHEMA);
    }
    if (string_field(r, top, "status", 1, NULL, &doc->status) != 0 ||
        string_field(r, top, "error", 0, "", &doc->error) != 0)
        return -1;
    if (strcmp(doc->status, "complete") != 0 && strcmp(doc->status, "failed") != 0 &&
        strcmp(doc->status, "interrupted") != 0) {
        enter_key(r, "status");
        return fail(r, "expected \"complete\", \"failed\" or \"interrupted\"");
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
        read_models(&r, json, doc) != 0) {
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
            free(doc->models[i].steps[j].summary.flags);
            free(doc->models[i].steps[j].runs);
        }
        free(doc->models[i].steps);
        free(doc->models[i].analysis.predictions);
    }
    free(doc->models);
    free(doc->source);
    json_decref(doc->json);
    memset(doc, 0, sizeof(*doc));
}
