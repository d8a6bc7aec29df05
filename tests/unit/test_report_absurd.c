/*
 * test_report_absurd.c - reports the reader accepts whose figures make no
 * sense together: a balancer's CPU or spread, a client's wrk CPU or a sum
 * of errors beyond what a double holds, a bound next to nothing, a loss
 * within the reader's rounding of a tiny ideal, a baseline's median next to
 * nothing. Every writer (Markdown, JUnit, HTML, the terminal table, the
 * gate) finishes and prints "n/a" where a ratio, a share or a sum has no
 * number, never "inf" or "nan". Each case is also in the report fuzz
 * corpus (tests/fuzz/corpus/report/absurd-*.json).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "report_doc.h"
#include "report_format.h"
#include "report_steps.h"
#include "report_table.h"

/* The resources fixture (steps of 1, 2 and 4 servers) to edit. */
static json_t *fixture(void)
{
    json_error_t error;
    json_t *json = json_load_file(FIXTURES_DIR "/report-resources.json", 0, &error);
    cr_assert_not_null(json, "%s", error.text);
    return json;
}

/* Every writer's output for doc, one after another, gated against baseline (or its own
 * thresholds alone when NULL); the test fails on "inf" or "nan" anywhere in it (malloc'd). */
static char *render_all(const report_doc *doc, const report_doc *baseline)
{
    static const report_format *const formats[] = {&report_markdown, &report_junit, &report_html};
    char *text = NULL, err[512];
    size_t len;
    FILE *out = open_memstream(&text, &len);
    gate_limits limits = gate_limits_from_report(doc);
    gate_checks checks;
    cr_assert_eq(gate_check(&checks, doc, baseline, &limits, err, sizeof(err)), 0, "%s", err);
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        cr_assert_eq(formats[i]->write(out, doc, &checks), 0);
    report_print_table(out, doc);
    gate_print(out, &checks);
    gate_checks_free(&checks);
    fclose(out);
    cr_assert_null(strstr(text, "inf"), "%s", text);
    cr_assert_null(strstr(text, "nan"), "%s", text);
    return text;
}

/* json (stolen) read and rendered by every writer (render_all), without a baseline. */
static char *rendered(json_t *json)
{
    report_doc doc;
    read_doc(&doc, json);
    char *text = render_all(&doc, NULL);
    report_doc_free(&doc);
    return text;
}

/* A balancer at 1e307 of its core and a spread of 1e307: the percentages overflow. */
Test(report_absurd, a_balancers_cpu_and_spread_beyond_a_double_are_na)
{
    json_t *json = fixture();
    json_object_set_new(report_summary_json(json, 1), "front",
                        json_pack("{s:s, s:s, s:f, s:f}", "name", "haproxy", "balance",
                                  "roundrobin", "cpu", 1e307, "spread", 1e307));
    char *text = rendered(json);
    /* Markdown's Front section and the table's balancer line. */
    cr_assert_eq(occurrences(text, "CPU n/a of its core; spread n/a"), 2, "%s", text);
    free(text);
}

/* A load client whose wrk used 1e307 of its threads. */
Test(report_absurd, a_clients_wrk_cpu_beyond_a_double_is_na)
{
    json_t *json = fixture();
    json_object_set_new(
        json_array_get(json_object_get(report_step_json(json, 1), "runs"), 0), "clients",
        json_pack("[{s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:f},"
                  " {s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:f}]",
                  "host", "root@198.18.1.10:22", "connections", 16, "threads", 1, "requests", 100.0,
                  "throughput", 50.0, "latency_ms", "p50", 1.0, "p99", 2.0, "errors", 0.0,
                  "wrk_cpu", 1e307, "host", "root@198.18.1.11:22", "connections", 16, "threads", 1,
                  "requests", 100.0, "throughput", 50.0, "latency_ms", "p50", 1.0, "p99", 2.0,
                  "errors", 0.0, "wrk_cpu", 0.5));
    char *text = rendered(json);
    cr_assert(strstr(text, "| 1 | root@198.18.1.10:22 | 16 | 1 | 100 | 50 | 1.00 | 2.00 | 0 | "
                           "n/a |\n") != NULL,
              "%s", text);
    cr_assert(strstr(text, "| 50% |\n") != NULL, "the other client's share: %s", text);
    free(text);
}

/* A bound of 5e-324 requests per second: the median's share of it is beyond a double. */
Test(report_absurd, a_median_against_a_bound_of_almost_nothing_is_na)
{
    json_t *json = fixture();
    json_object_set_new(report_summary_json(json, 1), "bounds",
                        json_pack("{s:f}", "littles_law", 5e-324));
    char *text = rendered(json);
    cr_assert(strstr(text, " n/a of 0 ") != NULL, "%s", text);
    free(text);
}

/* Errors and non-2xx responses each near the largest double: their sum is not one. */
Test(report_absurd, errors_whose_sum_is_beyond_a_double_are_na)
{
    json_t *json = fixture();
    json_object_set_new(report_summary_json(json, 1), "errors", json_real(1.7e308));
    json_object_set_new(report_summary_json(json, 1), "non2xx", json_real(1.7e308));
    char *text = rendered(json);
    cr_assert(strstr(text, " | n/a | 0 |") != NULL, "Markdown: %s", text);
    cr_assert(strstr(text, "<td>n/a</td>") != NULL, "HTML: %s", text);
    cr_assert(strstr(text, "     n/a       0") != NULL, "the table: %s", text);
    free(text);
}

/* Two servers' CPU each near the largest double: the step's user CPU is no sum a double holds. */
Test(report_absurd, resources_whose_sum_is_beyond_a_double_are_na)
{
    json_t *json = fixture();
    json_t *servers =
        json_object_get(json_object_get(report_summary_json(json, 1), "resources"), "servers");
    for (size_t i = 0; i < 2; i++)
        json_object_set_new(json_array_get(servers, i), "cpu_user_s", json_real(1.7e308));
    char *text = rendered(json);
    cr_assert(strstr(text, "(user n/a, system 1.20)") != NULL, "%s", text);
    free(text);
}

/*
 * An ideal of 5e-324 requests per second with a loss of 0.5, within the reader's rounding of
 * a request per second: every share of it is beyond a double. The writers once looped for
 * ever handing out the percentage points of such a loss.
 */
Test(report_absurd, a_loss_of_a_tiny_ideal_is_na_and_ends, .timeout = 10)
{
    json_t *json = fixture();
    json_t *breakdown = json_object_get(report_summary_json(json, 1), "breakdown"), *part;
    size_t i;
    json_object_set_new(breakdown, "ideal", json_real(5e-324));
    json_object_set_new(breakdown, "measured", json_real(0));
    json_object_set_new(breakdown, "lost", json_real(0.5));
    json_array_foreach(json_object_get(breakdown, "parts"), i, part) json_object_set_new(
        part, "lost",
        json_real(strcmp(json_string_value(json_object_get(part, "part")), "system") == 0 ? 0.5
                                                                                          : 0));
    json_object_set_new(breakdown, "largest", json_string("system"));
    char *text = rendered(json);
    /* Markdown, JUnit's output, HTML and the table: the loss and its part have no share. */
    cr_assert_eq(occurrences(text, "lost n/a: system n/a; largest: system, 100% of the loss"), 4,
                 "%s", text);
    free(text);
}

/* A baseline whose median is 5e-324: the change against it is beyond a double. */
Test(report_absurd, a_median_against_a_baseline_of_almost_nothing_is_na)
{
    json_t *json = fixture(), *was = fixture(), *run;
    size_t i;
    json_t *throughput = json_object_get(report_summary_json(was, 1), "throughput");
    json_object_set_new(throughput, "median", json_real(5e-324));
    json_object_set_new(throughput, "min", json_real(5e-324));
    json_object_del(throughput, "ci95");
    json_array_foreach(json_object_get(report_step_json(was, 1), "runs"), i, run)
        json_object_set_new(run, "throughput", json_real(5e-324));
    report_doc doc, baseline;
    read_doc(&doc, json);
    read_doc(&baseline, was);
    char *text = render_all(&doc, &baseline);
    cr_assert(strstr(text, "thread 2 servers               n/a >= 0.90 or p >= 0.05  PASS (median "
                           "n/a, Mann-Whitney p = ") != NULL,
              "the gate's table: %s", text);
    cr_assert(strstr(text, "<td>throughput vs baseline thread 2 servers</td><td>n/a</td>") != NULL,
              "%s", text);
    free(text);
    report_doc_free(&doc);
    report_doc_free(&baseline);
}
