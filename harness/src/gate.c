/*
 * gate.c - the gate. Every threshold becomes one check per step (or per
 * model, for sigma), so that a CI log shows exactly which figure broke
 * which limit. Against a baseline, a step fails only when its throughput
 * dropped by more than the tolerance and by more than the noise the two
 * runs show themselves (their min-max spread): a gate that fails on noise
 * gets switched off.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_field.h"
#include "gate.h"
#include "report.h"

gate_limits gate_limits_from_report(json_t *report)
{
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    json_t *gate = json_object_get(json_object_get(report, "scenario"), "gate");
    scenario_gate *t = &limits.thresholds;
#define TAKE(field)                                                                                \
    if (json_is_number(json_object_get(gate, #field))) {                                           \
        t->field = json_num(gate, #field);                                                         \
        t->has_##field = 1;                                                                        \
    }
    TAKE(min_efficiency)
    TAKE(max_sigma)
    TAKE(max_p99_ms)
    TAKE(max_error_rate)
#undef TAKE
    return limits;
}

static void add(json_t *checks, int *failed, int pass, const char *note, double figure,
                const char *limit, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void add(json_t *checks, int *failed, int pass, const char *note, double figure,
                const char *limit, const char *fmt, ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    json_array_append_new(checks, json_pack("{s:s, s:f, s:s, s:b, s:s}", "check", name, "figure",
                                            figure, "limit", limit, "pass", pass, "note", note));
    *failed += !pass;
}

static json_t *find_step(json_t *report, const char *model, json_int_t servers)
{
    json_t *m, *step;
    size_t i, j;
    json_array_foreach(json_object_get(report, "models"), i, m)
    {
        if (strcmp(json_string_value(json_object_get(m, "model")), model) != 0)
            continue;
        json_array_foreach(json_object_get(m, "steps"), j, step)
        {
            if (json_integer_value(json_object_get(step, "servers")) == servers)
                return step;
        }
    }
    return NULL;
}

static double spread(json_t *summary)
{
    json_t *x = json_object_get(summary, "throughput");
    double median = json_num(x, "median");
    return median > 0 ? (json_num(x, "max") - json_num(x, "min")) / median : 0;
}

static int comparable(json_t *report, json_t *baseline, char *err, size_t errlen)
{
    const char *schema = json_string_value(json_object_get(baseline, "schema"));
    if (schema == NULL || strcmp(schema, REPORT_SCHEMA) != 0) {
        snprintf(err, errlen,
                 "the baseline's schema is \"%s\", not \"%s\": reports of different "
                 "schemas cannot be compared",
                 schema != NULL ? schema : "(none)", REPORT_SCHEMA);
        return 0;
    }
    json_t *a = json_object_get(report, "scenario"), *b = json_object_get(baseline, "scenario");
    json_t *route_a = json_object_get(json_object_get(a, "target"), "route");
    json_t *route_b = json_object_get(json_object_get(b, "target"), "route");
    if (!json_equal(json_object_get(a, "name"), json_object_get(b, "name")) ||
        !json_equal(route_a, route_b)) {
        snprintf(err, errlen,
                 "the baseline ran another scenario (\"%s\" %s, against \"%s\" %s): "
                 "reports of different scenarios cannot be compared",
                 json_string_value(json_object_get(b, "name")), json_string_value(route_b),
                 json_string_value(json_object_get(a, "name")), json_string_value(route_a));
        return 0;
    }
    return 1;
}

static void check_step(json_t *checks, int *failed, const gate_limits *limits, const char *model,
                       json_t *step, json_t *baseline)
{
    const scenario_gate *t = &limits->thresholds;
    json_int_t n = json_integer_value(json_object_get(step, "servers"));
    json_t *summary = json_object_get(step, "summary");
    char limit[64];
    int valid = json_is_true(json_object_get(summary, "valid"));
    add(checks, failed, valid, valid ? "" : "flagged: see the report", valid, "1 (valid)",
        "valid %s %lld servers", model, (long long)n);
    if (t->has_min_efficiency) {
        snprintf(limit, sizeof(limit), ">= %.2f", t->min_efficiency);
        double e = json_num(summary, "efficiency");
        add(checks, failed, e >= t->min_efficiency - 1e-9, "", e, limit,
            "efficiency %s %lld servers", model, (long long)n);
    }
    if (t->has_max_p99_ms) {
        snprintf(limit, sizeof(limit), "<= %.1f ms", t->max_p99_ms);
        double p99 = json_num(json_object_get(summary, "latency_ms"), "p99");
        add(checks, failed, p99 <= t->max_p99_ms, "", p99, limit, "p99 %s %lld servers", model,
            (long long)n);
    }
    if (t->has_max_error_rate) {
        double requests = json_num(summary, "requests");
        double bad = json_num(summary, "errors") + json_num(summary, "non2xx") +
                     json_num(summary, "failed_checks");
        double rate = requests + json_num(summary, "errors") > 0
                          ? bad / (requests + json_num(summary, "errors"))
                          : 0;
        snprintf(limit, sizeof(limit), "<= %g", t->max_error_rate);
        add(checks, failed, rate <= t->max_error_rate, "", rate, limit,
            "error rate %s %lld servers", model, (long long)n);
    }
    json_t *old = baseline != NULL ? find_step(baseline, model, n) : NULL;
    if (old != NULL) {
        json_t *was = json_object_get(old, "summary");
        double before = json_num(json_object_get(was, "throughput"), "median");
        double now = json_num(json_object_get(summary, "throughput"), "median");
        double ratio = before > 0 ? now / before : 1;
        double noise = (spread(summary) + spread(was)) / 2;
        double allowed = fmax(limits->tolerance, noise);
        snprintf(limit, sizeof(limit), ">= %.2f", 1 - allowed);
        const char *note = ratio > 1 + allowed   ? "improved"
                           : ratio < 1 - allowed ? "regressed beyond tolerance and noise"
                                                 : "";
        add(checks, failed, ratio >= 1 - allowed, note, ratio, limit,
            "throughput vs baseline %s %lld servers", model, (long long)n);
    }
}

json_t *gate_check(json_t *report, json_t *baseline, const gate_limits *limits, int *failed,
                   char *err, size_t errlen)
{
    *failed = 0;
    const char *schema = json_string_value(json_object_get(report, "schema"));
    if (schema == NULL || strcmp(schema, REPORT_SCHEMA) != 0) {
        snprintf(err, errlen, "not a twice report of schema \"%s\"", REPORT_SCHEMA);
        return NULL;
    }
    const char *status = json_string_value(json_object_get(report, "status"));
    if (status == NULL || strcmp(status, "complete") != 0) {
        snprintf(err, errlen, "the run did not complete (status \"%s\"): nothing to gate",
                 status != NULL ? status : "(none)");
        return NULL;
    }
    if (baseline != NULL && !comparable(report, baseline, err, errlen))
        return NULL;
    json_t *checks = json_array(), *m, *step;
    size_t i, j;
    json_array_foreach(json_object_get(report, "models"), i, m)
    {
        const char *model = json_string_value(json_object_get(m, "model"));
        json_array_foreach(json_object_get(m, "steps"), j, step)
            check_step(checks, failed, limits, model, step, baseline);
        json_t *usl = json_object_get(json_object_get(m, "analysis"), "usl");
        if (limits->thresholds.has_max_sigma && json_is_true(json_object_get(usl, "fitted"))) {
            char limit[64];
            snprintf(limit, sizeof(limit), "<= %.4f", limits->thresholds.max_sigma);
            double sigma = json_num(usl, "sigma");
            add(checks, failed, sigma <= limits->thresholds.max_sigma, "", sigma, limit, "sigma %s",
                model);
        }
    }
    return checks;
}

void gate_print(FILE *out, json_t *checks, int failed)
{
    fprintf(out, "%-46s %10s %14s  %s\n", "gate", "figure", "limit", "result");
    json_t *c;
    size_t i;
    json_array_foreach(checks, i, c)
    {
        const char *note = json_string_value(json_object_get(c, "note"));
        fprintf(out, "%-46s %10.3f %14s  %s%s%s\n", json_string_value(json_object_get(c, "check")),
                json_num(c, "figure"), json_string_value(json_object_get(c, "limit")),
                json_is_true(json_object_get(c, "pass")) ? "PASS" : "FAIL", *note ? " - " : "",
                note);
    }
    if (failed != 0)
        fprintf(out, "gate: FAIL (%d of %zu checks failed)\n", failed, json_array_size(checks));
    else
        fprintf(out, "gate: PASS (%zu checks)\n", json_array_size(checks));
}

static json_t *find_check(json_t *checks, const char *name)
{
    json_t *c;
    size_t i;
    json_array_foreach(checks, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "check")), name) == 0)
            return c;
    }
    return NULL;
}

void gate_print_comparison(FILE *out, json_t *a, json_t *b, json_t *checks)
{
    fprintf(out, "%-10s %7s %12s %12s %7s  %s\n", "model", "servers", "A req/s", "B req/s", "B/A",
            "judgement");
    json_t *model, *step;
    size_t i, j;
    json_array_foreach(json_object_get(b, "models"), i, model)
    {
        const char *name = json_string_value(json_object_get(model, "model"));
        json_array_foreach(json_object_get(model, "steps"), j, step)
        {
            json_int_t n = json_integer_value(json_object_get(step, "servers"));
            json_t *old = find_step(a, name, n);
            double now =
                json_num(json_object_get(json_object_get(step, "summary"), "throughput"), "median");
            if (old == NULL) {
                fprintf(out, "%-10s %7lld %12s %12.0f %7s  only in B\n", name, (long long)n, "-",
                        now, "-");
                continue;
            }
            double before =
                json_num(json_object_get(json_object_get(old, "summary"), "throughput"), "median");
            char check_name[256];
            snprintf(check_name, sizeof(check_name), "throughput vs baseline %s %lld servers", name,
                     (long long)n);
            json_t *c = find_check(checks, check_name);
            const char *note = json_string_value(json_object_get(c, "note"));
            fprintf(out, "%-10s %7lld %12.0f %12.0f %7.2f  %s\n", name, (long long)n, before, now,
                    before > 0 ? now / before : 0,
                    c == NULL ? "-"
                    : !json_is_true(json_object_get(c, "pass"))
                        ? "REGRESSED beyond tolerance and noise"
                    : note != NULL && *note ? note
                                            : "same, within tolerance and noise");
        }
    }
}
