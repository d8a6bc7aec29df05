/*
 * test_gain.c - where a super-linear step's gain came from (analysis/gain.c)
 * on synthetic windows: the servers' requests per CPU-second and the shared
 * kernel's interrupt time per request at one server and at the step, each
 * said with its figures; a kernel cost that did not fall, or was not
 * measured, or is another machine's, said as such; no gain where the step
 * did not pass N·X(1); and the report object.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "gain.h"

/* A 1 s window of n servers that each served requests for cpu_s, the machine spending
 * interrupt_s in irq and softirq (-1: not measured). */
static breakdown_run window(breakdown_server *servers, size_t n, long requests, double cpu_s,
                            double interrupt_s)
{
    for (size_t i = 0; i < n; i++)
        servers[i] = (breakdown_server){.cpu_s = cpu_s, .connections = 16, .requests = requests};
    return (breakdown_run){.round = 1,
                           .window_s = 1,
                           .servers = servers,
                           .nservers = n,
                           .machine_interrupt_s = interrupt_s,
                           .cores = 2};
}

/* One server: 10000 requests for 0.1 core-seconds, 0.05 s of interrupts (5 µs a request).
 * Two servers: 15000 each for 0.1, 0.06 s of interrupts (2 µs a request): 3 times X(1). */
static breakdown_server one[1], two[2];
static breakdown_run first, step;

static breakdown_input input(double step_interrupt_s)
{
    first = window(one, 1, 10000, 0.1, 0.05);
    step = window(two, 2, 15000, 0.1, step_interrupt_s);
    return (breakdown_input){.servers = 2,
                             .x1 = 10000,
                             .measured = 30000,
                             .runs = &step,
                             .nruns = 1,
                             .ref = breakdown_reference_of(&first, 1)};
}

Test(gain, a_shared_kernel_that_got_cheaper_per_request_is_named_with_its_figures)
{
    breakdown_input in = input(0.06);
    gain g;
    cr_assert_eq(gain_compute(&in, 1, &g), 1);
    cr_assert_float_eq(g.ideal, 20000, 1e-9);
    cr_assert_float_eq(g.gained, 10000, 1e-9);
    cr_assert_float_eq(g.requests_per_cpu_s[0], 100000, 1e-6);
    cr_assert_float_eq(g.requests_per_cpu_s[1], 150000, 1e-6);
    cr_assert_float_eq(g.interrupt_per_request_s[0], 5e-6, 1e-12);
    cr_assert_float_eq(g.interrupt_per_request_s[1], 2e-6, 1e-12);
    cr_assert_str_eq(g.evidence,
                     "the servers served 150000 requests per CPU-second against 100000 at one "
                     "server (+50%); the machine's interrupt time (irq + softirq) per request "
                     "fell from 5.00 to 2.00 µs: one kernel carries every server's packets, in "
                     "larger batches as their rate grows, and charges that work to whatever "
                     "runs, capped servers included; separate machines would not share it");
}

Test(gain, a_kernel_cost_that_held_unknown_or_elsewhere_is_said_so)
{
    gain g;
    breakdown_input in = input(0.3 * 0.95); /* 9.5 µs: no fall */
    cr_assert_eq(gain_compute(&in, 1, &g), 1);
    cr_assert(strstr(g.evidence, "; the machine's interrupt time per request did not fall "
                                 "(9.50 µs against 5.00 µs at one server)") != NULL,
              "%s", g.evidence);
    in = input(-1);
    cr_assert_eq(gain_compute(&in, 1, &g), 1);
    cr_assert(strstr(g.evidence, "; the machine's interrupt time per request is not known at "
                                 "both steps") != NULL,
              "%s", g.evidence);
    in = input(0.06);
    cr_assert_eq(gain_compute(&in, 0, &g), 1);
    cr_assert_float_eq(g.interrupt_per_request_s[1], 0, 0, "another machine's kernel");
    cr_assert(strstr(g.evidence, "; the servers' hosts are machines of their own, whose "
                                 "kernels' work is not measured from here") != NULL,
              "%s", g.evidence);
    two[1].requests = -1; /* a server that did not say */
    cr_assert_eq(gain_compute(&in, 1, &g), 1);
    const char *neither = "the servers' requests per CPU-second are not known at both steps; the "
                          "machine's interrupt time per request is not known";
    cr_assert(strncmp(g.evidence, neither, strlen(neither)) == 0, "%s", g.evidence);
}

Test(gain, a_step_at_or_below_n_times_x1_has_none)
{
    gain g = {.gained = -7};
    breakdown_input in = input(0.06);
    in.measured = 20000; /* exactly linear */
    cr_assert_eq(gain_compute(&in, 1, &g), 0);
    in.measured = 19000;
    cr_assert_eq(gain_compute(&in, 1, &g), 0);
    in.measured = 30000;
    in.x1 = 0; /* no valid first step */
    cr_assert_eq(gain_compute(&in, 1, &g), 0);
    in = input(0.06);
    in.servers = 1;
    cr_assert_eq(gain_compute(&in, 1, &g), 0);
    cr_assert_float_eq(g.gained, -7, 0, "left untouched");
}

Test(gain, the_report_object_has_both_figures_or_null)
{
    gain g;
    breakdown_input in = input(0.06);
    cr_assert_eq(gain_compute(&in, 1, &g), 1);
    json_t *o = gain_json(&g);
    cr_assert_float_eq(json_number_value(json_object_get(o, "gained")), 10000, 1e-9);
    json_t *rate = json_object_get(o, "requests_per_cpu_s");
    cr_assert_float_eq(json_number_value(json_object_get(rate, "one_server")), 100000, 1e-6);
    cr_assert_float_eq(json_number_value(json_object_get(rate, "this_step")), 150000, 1e-6);
    json_t *irq = json_object_get(o, "interrupt_s_per_request");
    cr_assert_float_eq(json_number_value(json_object_get(irq, "this_step")), 2e-6, 1e-12);
    cr_assert_str_eq(json_string_value(json_object_get(o, "evidence")), g.evidence);
    json_decref(o);
    cr_assert_eq(gain_compute(&in, 0, &g), 1);
    o = gain_json(&g);
    cr_assert(json_is_null(json_object_get(o, "interrupt_s_per_request")));
    json_decref(o);
}
