/*
 * test_step_services.c - a shared service's figures on their way from the
 * runs' resources (resources.services) to the step: the summary's medians,
 * and the figures the breakdown reads, with what was not measured read as
 * such.
 */
#include <criterion/criterion.h>

#include "step_figures.h"
#include "step_resources.h"

/* A run whose window measured one server and postgres at cpu_s (null when negative). */
static json_t *run_with_service(double throughput, double cpu_s, json_t *throttled_s,
                                long connections)
{
    return json_pack("{s:f, s:I, s:{s:f, s:[{s:f}], s:{s:{s:o, s:o, s:o, s:I}}}}", "throughput",
                     throughput, "round", (json_int_t)1, "resources", "window_s", 2.0, "servers",
                     "cpu_s", 0.5, "services", "postgres", "cpu_s",
                     cpu_s >= 0 ? json_real(cpu_s) : json_null(), "throttled_s", throttled_s,
                     "nr_throttled", json_is_null(throttled_s) ? json_null() : json_integer(4),
                     "connections", (json_int_t)connections);
}

Test(step_services, the_summary_has_each_service_s_medians)
{
    json_t *runs = json_pack("[o, o, o]", run_with_service(100, 0.2, json_real(0.1), 8),
                             run_with_service(100, 0.6, json_real(0.3), 16),
                             run_with_service(100, 0.4, json_null(), 12));
    json_t *summary = step_resources_summary(runs);
    json_t *pg = json_object_get(json_object_get(summary, "services"), "postgres");
    cr_assert_not_null(pg);
    cr_assert_float_eq(json_number_value(json_object_get(pg, "cpu_s")), 0.4, 1e-9);
    /* Two runs measured throttling: their median. */
    cr_assert_float_eq(json_number_value(json_object_get(pg, "throttled_s")), 0.2, 1e-9);
    cr_assert_eq(json_integer_value(json_object_get(pg, "nr_throttled")), 4);
    cr_assert_eq(json_integer_value(json_object_get(pg, "connections")), 12);
    json_decref(summary);
    json_decref(runs);
}

Test(step_services, the_breakdown_reads_the_service_and_what_was_not_measured)
{
    json_t *runs = json_pack("[o, o]", run_with_service(100, 0.3, json_real(0.5), 8),
                             run_with_service(100, -1, json_null(), 8));
    step_figures figures;
    cr_assert_eq(step_figures_read(runs, 2, &figures), 0);
    cr_assert_eq(figures.nruns, 2);
    cr_assert_eq(figures.runs[0].has_service, 1);
    cr_assert_float_eq(figures.runs[0].service_cpu_s, 0.3, 1e-9);
    cr_assert_eq(figures.runs[0].service_has_throttling, 1);
    cr_assert_float_eq(figures.runs[0].service_throttled_s, 0.5, 1e-9);
    cr_assert_eq(figures.runs[1].has_service, 0, "a null CPU is not a measured 0");
    cr_assert_eq(figures.runs[1].service_has_throttling, 0);
    step_figures_free(&figures);
    json_decref(runs);
}

Test(step_services, runs_without_services_have_none)
{
    json_t *runs = json_pack("[{s:f, s:{s:f, s:[{s:f}]}}]", "throughput", 10.0, "resources",
                             "window_s", 1.0, "servers", "cpu_s", 0.1);
    json_t *summary = step_resources_summary(runs);
    cr_assert_null(json_object_get(summary, "services"));
    step_figures figures;
    cr_assert_eq(step_figures_read(runs, 1, &figures), 0);
    cr_assert_eq(figures.runs[0].has_service, 0);
    step_figures_free(&figures);
    json_decref(summary);
    json_decref(runs);
}

Test(step_services, the_breakdown_reads_each_server_s_periods_and_requests_or_their_absence)
{
    json_t *runs = json_pack(
        "[{s:f, s:{s:f, s:[{s:f, s:f, s:f, s:I, s:I, s:I, s:I}, {s:f, s:n, s:n, s:n, s:n, "
        "s:n}]}}]",
        "throughput", 10.0, "resources", "window_s", 1.0, "servers", "cpu_s", 0.1,
        "runqueue_wait_s", 0.9, "throttled_s", 0.85, "nr_throttled", (json_int_t)20, "nr_periods",
        (json_int_t)21, "connections", (json_int_t)16, "requests", (json_int_t)20000, "cpu_s", 0.1,
        "throttled_s", "nr_throttled", "nr_periods", "connections", "requests");
    step_figures figures;
    cr_assert_eq(step_figures_read(runs, 1, &figures), 0);
    const breakdown_server *capped = &figures.runs[0].servers[0];
    cr_assert_eq(capped->has_throttling, 1);
    cr_assert_eq(capped->nr_throttled, 20);
    cr_assert_eq(capped->nr_periods, 21);
    cr_assert_eq(capped->requests, 20000);
    cr_assert_float_eq(breakdown_cpu_wait_s(capped), 0.05, 1e-9);
    const breakdown_server *unknown = &figures.runs[0].servers[1];
    cr_assert_eq(unknown->has_throttling, 0);
    cr_assert_eq(unknown->nr_periods, -1, "a null count is not a counted 0");
    cr_assert_eq(unknown->requests, -1);
    cr_assert_eq(unknown->connections, -1);
    step_figures_free(&figures);
    json_decref(runs);
}
