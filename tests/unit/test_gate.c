/*
 * test_gate.c - the gate's decisions: thresholds, a baseline within and
 * beyond its noise, reports that cannot be compared, reports where nothing
 * was measured, analyses that could not be made, a disturbed step, and
 * compare's view of models and steps that only one side has and of requests
 * per CPU-second.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "report_doc.h"

/* The steps of one model over 1 and 2 servers: per-server throughput x, efficiency e at 2
 * servers, five repetitions spread evenly over +/- spread around the median, and E(2)'s
 * interval e +/- spread. */
static json_t *steps_of(double x, double e, double spread, int valid)
{
    json_t *steps = json_array();
    for (int n = 1; n <= 2; n++) {
        double median = n == 1 ? x : 2 * x * e;
        json_t *runs = json_array();
        for (int r = -2; r <= 2; r++)
            json_array_append_new(runs,
                                  json_pack("{s:f}", "throughput", median * (1 + spread * r / 2)));
        json_array_append_new(
            steps,
            json_pack("{s:i, s:o, s:{s:{s:f, s:f, s:f}, s:f, s:[f, f], s:b, s:[], s:{s:f, s:f}, "
                      "s:f, s:f, s:f, s:f}}",
                      "servers", n, "runs", runs, "summary", "throughput", "median", median, "min",
                      median * (1 - spread), "max", median * (1 + spread), "efficiency",
                      n == 1 ? 1.0 : e, "efficiency_ci95", n == 1 ? 1.0 : e - spread,
                      n == 1 ? 1.0 : e + spread, "valid", valid, "flags", "latency_ms", "p50", 10.0,
                      "p99", 12.0, "requests", 10000.0, "errors", 0.0, "non2xx", 0.0,
                      "failed_checks", n == 2 ? 5.0 : 0.0));
    }
    return steps;
}

static json_t *model_json(const char *name, json_t *steps)
{
    return json_pack("{s:s, s:o, s:{s:s, s:n, s:{s:b, s:b, s:b, s:{s:f, s:n}, s:{s:f, s:n}, "
                     "s:{s:f, s:n}, s:n, s:n, s:n}}}",
                     "model", name, "steps", steps, "analysis", "verdict", "sub-linear",
                     "limiting_factor", "usl", "fitted", 1, "amdahl", 1, "super_linear", 0,
                     "lambda", "value", 100.0, "ci95", "sigma", "value", 0.04, "ci95", "kappa",
                     "value", 0.0, "ci95", "residual_se", "peak_servers", "peak_throughput");
}

static json_t *report_json(const char *name, json_t *models)
{
    return json_pack("{s:s, s:s, s:{s:s, s:{s:s}, s:{s:f, s:f}}, s:{s:s, s:s, s:i}, s:o}", "schema",
                     "twice.report/1", "status", "complete", "scenario", "name", name, "target",
                     "route", "/sleep?ms=10", "gate", "min_efficiency", 0.9, "max_error_rate",
                     0.001, "machine", "cpu_model", "cpu", "kernel", "Linux", "cores", 2, "models",
                     models);
}

/* The first model of report r. */
static json_t *model0_of(json_t *r)
{
    return json_array_get(json_object_get(r, "models"), 0);
}

/* A complete report of one model "thread" (see steps_of()). */
static json_t *report(const char *name, double x, double e, double spread, int valid)
{
    return report_json(name, json_pack("[o]", model_json("thread", steps_of(x, e, spread, valid))));
}

/* How many checks failed, or -1 with err when the report cannot be gated. */
static int gate(json_t *r, json_t *baseline, gate_limits *limits, char *err)
{
    report_doc doc, base;
    read_doc(&doc, json_incref(r));
    if (baseline != NULL)
        read_doc(&base, json_incref(baseline));
    gate_checks checks;
    int failed = gate_check(&checks, &doc, baseline != NULL ? &base : NULL, limits, err, 512) == 0
                     ? (int)checks.failed
                     : -1;
    if (failed >= 0)
        gate_checks_free(&checks);
    report_doc_free(&doc);
    if (baseline != NULL)
        report_doc_free(&base);
    return failed;
}

static gate_limits limits_of(json_t *r)
{
    report_doc doc;
    read_doc(&doc, json_incref(r));
    gate_limits limits = gate_limits_from_report(&doc);
    report_doc_free(&doc);
    return limits;
}

Test(gate, thresholds_come_from_the_scenario)
{
    char err[512];
    json_t *good = report("s", 100, 0.95, 0.01, 1);
    gate_limits limits = limits_of(good);
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
    report_doc now, was;
    read_doc(&now, json_incref(higher));
    read_doc(&was, json_incref(before));
    gate_checks checks;
    cr_assert_eq(gate_check(&checks, &now, &was, &limits, err, sizeof(err)), 0, "%s", err);
    size_t improved = 0;
    for (size_t i = 0; i < checks.n; i++)
        improved += checks.items[i].vs_baseline && strcmp(checks.items[i].note, "improved") == 0;
    cr_assert_eq(improved, 2);
    gate_checks_free(&checks);
    report_doc_free(&now);
    report_doc_free(&was);
    json_decref(before);
    json_decref(same);
    json_decref(lower);
    json_decref(higher);
}

/* The checks of r against baseline, for their notes and details (free with gate_checks_free). */
static gate_checks checks_of(json_t *r, json_t *baseline, const gate_limits *limits)
{
    report_doc now, was;
    char err[512];
    read_doc(&now, json_incref(r));
    if (baseline != NULL)
        read_doc(&was, json_incref(baseline));
    gate_checks checks;
    cr_assert_eq(
        gate_check(&checks, &now, baseline != NULL ? &was : NULL, limits, err, sizeof(err)), 0,
        "%s", err);
    /* The checks keep their names and details; the notes tested here are static. */
    report_doc_free(&now);
    if (baseline != NULL)
        report_doc_free(&was);
    return checks;
}

static const gate_check_result *baseline_check(const gate_checks *checks, long long servers)
{
    for (size_t i = 0; i < checks->n; i++) {
        if (checks->items[i].vs_baseline && checks->items[i].step != NULL &&
            strstr(checks->items[i].name, servers == 1 ? " 1 servers" : " 2 servers") != NULL)
            return &checks->items[i];
    }
    cr_assert_fail("no baseline check at %lld servers", servers);
    return NULL;
}

Test(gate, a_drop_that_is_not_significant_passes)
{
    char err[512];
    /* Repetitions that spread +/- 15% themselves: a 12% drop of the median is beyond the
     * tolerance, but Mann-Whitney finds it not significant (U = 6 of 25, p = 0.22). */
    json_t *before = report("s", 100, 0.95, 0.15, 1);
    json_t *noisy_drop = report("s", 88, 0.95, 0.15, 1);
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    cr_assert_eq(gate(noisy_drop, before, &limits, err), 0);
    gate_checks checks = checks_of(noisy_drop, before, &limits);
    const gate_check_result *c = baseline_check(&checks, 1);
    cr_assert(c->pass);
    cr_assert_str_eq(c->note, "dropped beyond tolerance, but not significantly");
    cr_assert_str_eq(c->detail, "median -12.0%, Mann-Whitney p = 0.222 (5 vs 5 repetitions)");
    gate_checks_free(&checks);
    /* The same 12% drop between steady runs is significant (p = 2/252): a regression. */
    json_t *steady_before = report("s", 100, 0.95, 0.01, 1);
    json_t *steady_drop = report("s", 88, 0.95, 0.01, 1);
    cr_assert_eq(gate(steady_drop, steady_before, &limits, err), 2);
    checks = checks_of(steady_drop, steady_before, &limits);
    c = baseline_check(&checks, 2);
    cr_assert(!c->pass);
    cr_assert_str_eq(c->note, "regressed: beyond tolerance and significant");
    cr_assert_str_eq(c->detail, "median -12.0%, Mann-Whitney p = 0.00794 (5 vs 5 repetitions)");
    gate_checks_free(&checks);
    /* A significant drop within the tolerance passes. */
    json_t *small_drop = report("s", 95, 0.95, 0.01, 1);
    cr_assert_eq(gate(small_drop, steady_before, &limits, err), 0);
    json_decref(before);
    json_decref(noisy_drop);
    json_decref(steady_before);
    json_decref(steady_drop);
    json_decref(small_drop);
}

Test(gate, a_drop_in_reports_without_repetitions_cannot_be_tested_and_fails)
{
    char err[512];
    json_t *before = report("s", 100, 0.95, 0.15, 1);
    json_t *drop = report("s", 80, 0.95, 0.15, 1);
    json_t *step;
    size_t i;
    json_array_foreach(json_object_get(json_array_get(json_object_get(drop, "models"), 0), "steps"),
                       i, step) json_object_del(step, "runs");
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    cr_assert_eq(gate(drop, before, &limits, err), 2);
    gate_checks checks = checks_of(drop, before, &limits);
    cr_assert_str_eq(baseline_check(&checks, 1)->note,
                     "regressed beyond tolerance; no repetitions to test");
    cr_assert_str_eq(baseline_check(&checks, 1)->detail, "median -20.0%, untested");
    gate_checks_free(&checks);
    json_decref(before);
    json_decref(drop);
}

Test(gate, an_efficiency_interval_that_straddles_the_limit_is_inconclusive_and_fails_if_strict)
{
    char err[512];
    json_t *r = report("s", 100, 0.89, 0.03, 1); /* E(2) = 0.89, interval [0.86, 0.92] */
    gate_limits limits = limits_of(r);
    cr_assert_eq(gate(r, NULL, &limits, err), 0, "inconclusive is no failure");
    gate_checks checks = checks_of(r, NULL, &limits);
    const gate_check_result *e = NULL;
    for (size_t i = 0; i < checks.n; i++)
        if (strcmp(checks.items[i].name, "efficiency thread 2 servers") == 0)
            e = &checks.items[i];
    cr_assert_not_null(e);
    cr_assert(e->pass);
    cr_assert_str_eq(e->note, "inconclusive: the 95% interval straddles the limit");
    cr_assert_str_eq(e->detail, "95% interval [0.860, 0.920]");
    gate_checks_free(&checks);
    limits.strict = 1;
    cr_assert_eq(gate(r, NULL, &limits, err), 1, "--strict fails it");
    json_decref(r);
    /* Its point below the limit, but the interval reaching above: not a failure either. */
    json_t *near = report("s", 100, 0.88, 0.05, 1);
    limits.strict = 0;
    cr_assert_eq(gate(near, NULL, &limits, err), 0);
    json_decref(near);
}

Test(gate, reports_that_cannot_be_compared_are_refused)
{
    char err[512];
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    json_t *a = report("one", 100, 0.95, 0.01, 1), *b = report("two", 100, 0.95, 0.01, 1);
    cr_assert_eq(gate(a, b, &limits, err), -1);
    cr_assert_str_eq(err, "the baseline ran another scenario (\"two\" /sleep?ms=10, against "
                          "\"one\" /sleep?ms=10): reports of different scenarios cannot be "
                          "compared");

    json_object_set_new(a, "status", json_string("interrupted"));
    cr_assert_eq(gate(a, NULL, &limits, err), -1);
    cr_assert_str_eq(err, "test.json: the run did not complete (status \"interrupted\"): "
                          "nothing to gate");
    json_decref(a);
    json_decref(b);
}

/* "PASS (0 checks)" gates nothing: a report where nothing was measured is refused. */
Test(gate, a_report_where_nothing_was_measured_is_refused)
{
    char err[512];
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    json_t *no_models = report_json("s", json_array());
    cr_assert_eq(gate(no_models, NULL, &limits, err), -1);
    cr_assert_str_eq(err, "test.json: $.models is empty: nothing was measured, nothing to gate");

    json_t *no_steps = report_json("s", json_pack("[o]", model_json("thread", json_array())));
    cr_assert_eq(gate(no_steps, NULL, &limits, err), -1);
    cr_assert_str_eq(err, "test.json: $.models[0].steps (model \"thread\") is empty: nothing "
                          "was measured");

    json_t *unmeasured = report("s", 100, 0.95, 0.01, 1);
    json_t *steps =
        json_object_get(json_array_get(json_object_get(unmeasured, "models"), 0), "steps");
    json_object_del(json_array_get(steps, 1), "summary");
    cr_assert_eq(gate(unmeasured, NULL, &limits, err), -1);
    cr_assert_str_eq(err, "test.json: $.models[0].steps[1] (model \"thread\") has no summary: a "
                          "complete report measured every step");

    json_t *good = report("s", 100, 0.95, 0.01, 1);
    cr_assert_eq(gate(good, no_steps, &limits, err), -1, "nor is such a baseline");
    cr_assert_str_eq(err, "test.json: $.models[0].steps (model \"thread\") is empty: nothing "
                          "was measured");
    json_decref(no_models);
    json_decref(no_steps);
    json_decref(unmeasured);
    json_decref(good);
}

/* An analysis that could not be made (zero throughput) fails the gate, saying why; so does a
 * sigma limit with no fit to check it against. */
Test(gate, an_analysis_that_could_not_be_made_fails)
{
    char err[512];
    json_t *r = report("s", 100, 0.95, 0.01, 1);
    json_t *model = json_array_get(json_object_get(r, "models"), 0);
    json_object_set_new(model, "analysis",
                        json_pack("{s:s, s:s, s:{s:b, s:s}}", "verdict", "unknown", "error",
                                  "no throughput at 1 servers", "usl", "fitted", 0, "note",
                                  "no throughput at 1 servers"));
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    cr_assert_eq(gate(r, NULL, &limits, err), 1, "the analysis check");
    limits.thresholds.has_max_sigma = 1;
    limits.thresholds.max_sigma = 0.5;
    cr_assert_eq(gate(r, NULL, &limits, err), 2, "and sigma, which has no fit");

    report_doc doc;
    read_doc(&doc, json_incref(r));
    gate_checks checks;
    cr_assert_eq(gate_check(&checks, &doc, NULL, &limits, err, sizeof(err)), 0);
    const gate_check_result *last = &checks.items[checks.n - 1], *before = last - 1;
    cr_assert_str_eq(before->name, "analysis thread");
    cr_assert_str_eq(before->note, "no throughput at 1 servers");
    cr_assert_str_eq(last->name, "sigma thread");
    cr_assert_not(last->pass);
    gate_checks_free(&checks);
    report_doc_free(&doc);
    json_decref(r);
}

static char *print_comparison(json_t *a_json, json_t *b_json, size_t *failed)
{
    report_doc a, b;
    read_doc(&a, json_incref(a_json));
    read_doc(&b, json_incref(b_json));
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    gate_checks checks;
    char err[512], *text = NULL;
    size_t len;
    cr_assert_eq(gate_check(&checks, &b, &a, &limits, err, sizeof(err)), 0, "%s", err);
    FILE *out = open_memstream(&text, &len);
    gate_print_comparison(out, &a, &b, &checks);
    fclose(out);
    *failed = checks.failed;
    gate_checks_free(&checks);
    report_doc_free(&a);
    report_doc_free(&b);
    return text;
}

/* compare names every model and step that only one side has; what the baseline had and the
 * report lacks fails. */
Test(gate, compare_names_models_and_steps_on_one_side_only)
{
    json_t *a = report_json("s", json_pack("[o, o]", model_json("thread", steps_of(100, 1, 0, 1)),
                                           model_json("process", steps_of(100, 1, 0, 1))));
    json_t *b = report_json("s", json_pack("[o, o]", model_json("thread", steps_of(100, 1, 0, 1)),
                                           model_json("coroutine", steps_of(100, 1, 0, 1))));
    json_array_remove(json_object_get(json_array_get(json_object_get(b, "models"), 0), "steps"), 1);
    size_t failed;
    char *text = print_comparison(a, b, &failed);
    cr_assert(strstr(text, "thread           1          100          100    1.00  same") != NULL,
              "%s", text);
    cr_assert(strstr(text, "thread           2          200            -       -  only in A") !=
                  NULL,
              "%s", text);
    cr_assert(strstr(text, "process          1          100            -       -  only in A") !=
                  NULL,
              "%s", text);
    cr_assert(strstr(text, "coroutine        1            -          100       -  only in B") !=
                  NULL,
              "%s", text);
    cr_assert_eq(failed, 3, "thread 2, process 1 and process 2 were not measured in B");
    free(text);
    json_decref(a);
    json_decref(b);
}

/* What the gate prints to a terminal carries no escape sequence from the report. */
Test(gate, names_are_escaped_for_the_terminal)
{
    json_t *r = report_json(
        "s", json_pack("[o]", model_json("\x1b]0;owned\x07\x1b[2J", steps_of(100, 0.95, 0.01, 1))));
    report_doc doc;
    read_doc(&doc, r);
    gate_limits limits = gate_limits_from_report(&doc);
    gate_checks checks;
    char err[512], *text = NULL;
    size_t len;
    cr_assert_eq(gate_check(&checks, &doc, NULL, &limits, err, sizeof(err)), 0, "%s", err);
    FILE *out = open_memstream(&text, &len);
    gate_print(out, &checks);
    fclose(out);
    cr_assert_null(memchr(text, '\x1b', len), "%s", text);
    cr_assert(strstr(text, "valid \\x1b]0;owned\\x07\\x1b[2J 1 servers") != NULL, "%s", text);
    free(text);
    gate_checks_free(&checks);
    report_doc_free(&doc);
}

/* Gives every step of every model in r resources whose requests per server CPU-second are
 * per_cpu (null when per_cpu < 0), one entry per server. */
static void with_resources(json_t *r, double per_cpu)
{
    json_t *model, *step;
    size_t i, j;
    json_array_foreach(json_object_get(r, "models"), i, model)
    {
        json_array_foreach(json_object_get(model, "steps"), j, step)
        {
            json_int_t n = json_integer_value(json_object_get(step, "servers"));
            json_t *servers = json_array();
            for (json_int_t k = 0; k < n; k++)
                json_array_append_new(servers,
                                      json_pack("{s:f, s:f, s:f}", "cpu_user_s", 1.0,
                                                "cpu_system_s", 0.5, "peak_rss_bytes", 1e7));
            json_object_set_new(json_object_get(step, "summary"), "resources",
                                json_pack("{s:o, s:f, s:o}", "servers", servers, "cpu_s",
                                          1.5 * (double)n, "requests_per_cpu_s",
                                          per_cpu >= 0 ? json_real(per_cpu) : json_null()));
        }
    }
}

/* When both reports measured the servers' CPU, compare shows requests per CPU-second and their
 * ratio beside throughput, and says once why that figure is there. */
Test(gate, compare_shows_requests_per_cpu_second_when_both_reports_have_it)
{
    json_t *a = report("s", 100, 1, 0, 1), *b = report("s", 100, 0.8, 0, 1);
    size_t failed;
    char *text = print_comparison(a, b, &failed);
    cr_assert_null(strstr(text, "req/CPU-s"), "neither has resources: %s", text);
    free(text);
    with_resources(a, 24000);
    text = print_comparison(a, b, &failed);
    cr_assert_null(strstr(text, "req/CPU-s"), "only A has resources: %s", text);
    free(text);
    with_resources(b, 23760);
    text = print_comparison(a, b, &failed);
    cr_assert(strstr(text, "model      servers      A req/s      B req/s     B/A  A req/CPU-s  "
                           "B req/CPU-s     B/A  judgement\n") != NULL,
              "%s", text);
    cr_assert(strstr(text, "thread           2          200          160    0.80        24000 "
                           "       23760    0.99  REGRESSED\n") != NULL,
              "%s", text);
    cr_assert_eq(failed, 1, "the throughput drop still fails the gate");
    const char *note = "req/CPU-s: requests per server CPU-second, the figure that stays steady "
                       "on a noisy machine";
    cr_assert(strstr(text, note) != NULL && strstr(strstr(text, note) + 1, note) == NULL,
              "said once: %s", text);
    free(text);
    /* A ratio to nothing, or beyond a double, is no number: "-", not 0.00 or inf. */
    with_resources(a, 1e-300);
    with_resources(b, 1e300);
    text = print_comparison(a, b, &failed);
    cr_assert(
        strstr(text, "thread           1          100          100    1.00            0 1000") !=
            NULL,
        "%s", text);
    cr_assert(strstr(text, "400540160       -  same") != NULL && strstr(text, "inf") == NULL, "%s",
              text);
    free(text);
    json_t *none = report("s", 0, 1, 0, 1);
    text = print_comparison(none, b, &failed);
    cr_assert(strstr(text, "thread           1            0          100       - ") != NULL, "%s",
              text);
    free(text);
    json_decref(none);
    with_resources(a, 24000);
    with_resources(b, -1);
    text = print_comparison(a, b, &failed);
    cr_assert(strstr(text, "thread           1          100          100    1.00        24000 "
                           "           -       -  same") != NULL,
              "unknown in B: %s", text);
    free(text);
    json_decref(a);
    json_decref(b);
}

/* A step disturbed by other work on the machine fails its validity, and says what disturbed
 * it instead of "see the report". */
Test(gate, a_disturbed_step_fails_naming_what_disturbed_it)
{
    json_t *r = report("s", 100, 0.95, 0.01, 1);
    json_t *summary =
        json_object_get(json_array_get(json_object_get(model0_of(r), "steps"), 1), "summary");
    json_object_set_new(summary, "valid", json_false());
    json_object_set_new(summary, "disturbed", json_true());
    json_object_set_new(summary, "flags",
                        json_pack("[s]", "disturbed: foreign CPU 0.62 s per second > 0.25"));
    report_doc doc;
    read_doc(&doc, r);
    gate_limits limits = gate_limits_from_report(&doc);
    gate_checks checks;
    char err[512];
    cr_assert_eq(gate_check(&checks, &doc, NULL, &limits, err, sizeof(err)), 0, "%s", err);
    const gate_check_result *valid = NULL;
    for (size_t i = 0; i < checks.n; i++) {
        if (strcmp(checks.items[i].name, "valid thread 2 servers") == 0)
            valid = &checks.items[i];
    }
    cr_assert_not_null(valid);
    cr_assert_not(valid->pass);
    cr_assert_str_eq(valid->note, "disturbed: foreign CPU 0.62 s per second > 0.25");
    gate_checks_free(&checks);
    report_doc_free(&doc);
}

/* A model whose analysis says E(N) is undefined (no throughput at the first step) has no
 * efficiency to check: the gate fails it on its analysis, once, and reads no 0.00 into its
 * steps; an efficiency missing without such an analysis is still refused as incomplete. */
Test(gate, an_undefined_efficiency_fails_on_the_analysis_alone)
{
    char err[512];
    json_t *r = report("s", 100, 0.95, 0.01, 1);
    json_t *model = json_array_get(json_object_get(r, "models"), 0), *step;
    size_t i;
    json_array_foreach(json_object_get(model, "steps"), i, step)
    {
        json_object_del(json_object_get(step, "summary"), "efficiency");
        json_object_del(json_object_get(step, "summary"), "efficiency_ci95");
    }
    gate_limits limits = limits_of(r);
    cr_assert_eq(gate(r, NULL, &limits, err), -1, "no E(N), and no analysis saying why");
    cr_assert(strstr(err, "has no efficiency: a complete report measured every step") != NULL, "%s",
              err);
    json_object_set_new(model, "analysis",
                        json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", "unknown", "error",
                                  "no throughput at 1 servers", "limiting_factor", "usl", "fitted",
                                  0, "note", ""));
    report_doc doc;
    read_doc(&doc, json_incref(r));
    gate_checks checks;
    cr_assert_eq(gate_check(&checks, &doc, NULL, &limits, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(checks.failed, 1, "the analysis, and nothing made of a missing E(N)");
    for (size_t k = 0; k < checks.n; k++)
        cr_assert(strncmp(checks.items[k].name, "efficiency", 10) != 0, "%s", checks.items[k].name);
    gate_checks_free(&checks);
    report_doc_free(&doc);
    json_decref(r);
}
