/*
 * test_gate.c - the gate's decisions: thresholds, a baseline within and
 * beyond its noise, and reports that cannot be compared.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"

/* A complete report of one model over 1 and 2 servers: per-server throughput x, efficiency
 * e at 2 servers, repetitions spread +/- spread around the median. */
static json_t *report(const char *name, double x, double e, double spread, int valid)
{
    json_t *steps = json_array();
    for (int n = 1; n <= 2; n++) {
        double median = n == 1 ? x : 2 * x * e;
        json_array_append_new(
            steps,
            json_pack("{s:i, s:{s:{s:f, s:f, s:f}, s:f, s:b, s:{s:f}, s:f, s:f, s:f, s:f}}",
                      "servers", n, "summary", "throughput", "median", median, "min",
                      median * (1 - spread), "max", median * (1 + spread), "efficiency",
                      n == 1 ? 1.0 : e, "valid", valid, "latency_ms", "p99", 12.0, "requests",
                      10000.0, "errors", 0.0, "non2xx", 0.0, "failed_checks", n == 2 ? 5.0 : 0.0));
    }
    return json_pack("{s:s, s:s, s:{s:s, s:{s:s}, s:{s:f, s:f}}, s:[{s:s, s:o, s:{s:{s:b, s:f}}}]}",
                     "schema", "twice.report/1", "status", "complete", "scenario", "name", name,
                     "target", "route", "/sleep?ms=10", "gate", "min_efficiency", 0.9,
                     "max_error_rate", 0.001, "models", "model", "thread", "steps", steps,
                     "analysis", "usl", "fitted", 1, "sigma", 0.04);
}

static int gate(json_t *r, json_t *baseline, gate_limits *limits, char *err)
{
    int failed = -1;
    json_t *checks = gate_check(r, baseline, limits, &failed, err, 512);
    if (checks == NULL)
        return -1;
    json_decref(checks);
    return failed;
}

Test(gate, thresholds_come_from_the_scenario)
{
    char err[512];
    json_t *good = report("s", 100, 0.95, 0.01, 1);
    gate_limits limits = gate_limits_from_report(good);
    cr_assert(limits.thresholds.has_min_efficiency && limits.thresholds.has_max_error_rate);
    cr_assert_not(limits.thresholds.has_max_sigma);
    cr_assert_eq(gate(good, NULL, &limits, err), 0, "efficiency 0.95 >= 0.9, 5 of 10000 errors");

    json_t *slow = report("s", 100, 0.80, 0.01, 1);
    cr_assert_eq(gate(slow, NULL, &limits, err), 1, "efficiency 0.80 < 0.9");
    limits.thresholds.max_sigma = 0.01;
    limits.thresholds.has_max_sigma = 1;
    cr_assert_eq(gate(slow, NULL, &limits, err), 2, "and sigma 0.04 > 0.01");
    limits.thresholds.max_error_rate = 0.0001;
    cr_assert_eq(gate(slow, NULL, &limits, err), 3, "and 5 failed checks in 10000 > 0.0001");
    json_decref(good);
    json_decref(slow);
}

Test(gate, a_flagged_step_fails)
{
    char err[512];
    json_t *flagged = report("s", 100, 0.95, 0.01, 0);
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    cr_assert_eq(gate(flagged, NULL, &limits, err), 2, "both steps flagged");
    json_decref(flagged);
}

Test(gate, a_baseline_against_itself_passes_and_a_20_percent_drop_fails)
{
    char err[512];
    json_t *before = report("s", 100, 0.95, 0.01, 1);
    json_t *same = report("s", 100, 0.95, 0.01, 1);
    json_t *lower = report("s", 80, 0.95, 0.01, 1);
    json_t *higher = report("s", 130, 0.95, 0.01, 1);
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    cr_assert_eq(gate(same, before, &limits, err), 0);
    cr_assert_eq(gate(lower, before, &limits, err), 2, "both steps 20%% lower");
    cr_assert_eq(gate(higher, before, &limits, err), 0, "an improvement is reported, not failed");
    int failed;
    json_t *checks = gate_check(higher, before, &limits, &failed, err, sizeof(err));
    char *text = json_dumps(checks, 0);
    cr_assert(strstr(text, "improved") != NULL);
    free(text);
    json_decref(checks);
    json_decref(before);
    json_decref(same);
    json_decref(lower);
    json_decref(higher);
}

Test(gate, a_drop_within_the_runs_noise_passes)
{
    char err[512];
    /* Runs that spread +/- 15% themselves: a 12% drop is within their noise. */
    json_t *before = report("s", 100, 0.95, 0.15, 1);
    json_t *noisy_drop = report("s", 88, 0.95, 0.15, 1);
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    cr_assert_eq(gate(noisy_drop, before, &limits, err), 0);
    /* The same 12% drop between steady runs is a regression. */
    json_t *steady_before = report("s", 100, 0.95, 0.01, 1);
    json_t *steady_drop = report("s", 88, 0.95, 0.01, 1);
    cr_assert_eq(gate(steady_drop, steady_before, &limits, err), 2);
    json_decref(before);
    json_decref(noisy_drop);
    json_decref(steady_before);
    json_decref(steady_drop);
}

Test(gate, reports_that_cannot_be_compared_are_refused)
{
    char err[512];
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    json_t *a = report("one", 100, 0.95, 0.01, 1), *b = report("two", 100, 0.95, 0.01, 1);
    cr_assert_eq(gate(a, b, &limits, err), -1);
    cr_assert(strstr(err, "reports of different scenarios cannot be compared") != NULL, "%s", err);

    json_object_set_new(b, "schema", json_string("twice.report/0"));
    json_object_set_new(b, "scenario", json_deep_copy(json_object_get(a, "scenario")));
    cr_assert_eq(gate(a, b, &limits, err), -1);
    cr_assert(strstr(err, "reports of different schemas cannot be compared") != NULL, "%s", err);

    json_object_set_new(a, "status", json_string("interrupted"));
    cr_assert_eq(gate(a, NULL, &limits, err), -1);
    cr_assert(strstr(err, "did not complete") != NULL, "%s", err);
    json_decref(a);
    json_decref(b);
}
