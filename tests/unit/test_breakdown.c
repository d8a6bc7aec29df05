/*
 * test_breakdown.c - the loss breakdown (analysis/breakdown.c) on synthetic
 * figures built to make one part dominate: a skewed front on a waiting
 * route and on CPU work, a throttled cgroup, threads starved of CPU, a load
 * generator that opened fewer connections than asked; and the rules every
 * breakdown keeps: parts never negative, summing to the loss, scaled down
 * (and saying so) when they over-explain it, and saying what was missing;
 * the report object, and a verdict that names the system's limit withdrawn
 * when most of the loss was not the system's.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "breakdown.h"
#include "breakdown_json.h"
#include "rng.h"

/* A run of n servers over a 1 s window where nothing is amiss: connections even, no waits,
 * requests not counted. */
static breakdown_run quiet_run(breakdown_server *servers, size_t n, unsigned connections)
{
    for (size_t i = 0; i < n; i++)
        servers[i] =
            (breakdown_server){.cpu_s = 0.1, .connections = connections / n, .requests = -1};
    return (breakdown_run){.round = 1,
                           .window_s = 1,
                           .servers = servers,
                           .nservers = n,
                           .wrk_cpu_s = 0.1,
                           .wrk_threads = 2,
                           .wrk_connections_open = connections,
                           .wrk_connections_asked = connections,
                           .cores = 2};
}

static void assert_sums_to_loss(const breakdown *b)
{
    double sum = 0;
    for (int p = 0; p < BREAKDOWN_PARTS; p++) {
        cr_assert_geq(b->parts[p], 0, "%s is negative: %g", breakdown_part_name(p), b->parts[p]);
        cr_assert_neq(b->evidence[p][0], '\0', "%s has no evidence", breakdown_part_name(p));
        sum += b->parts[p];
    }
    cr_assert_float_eq(sum, b->lost, 1e-6 * b->ideal, "parts sum to %g, the loss is %g", sum,
                       b->lost);
    cr_assert_float_eq(b->lost, b->ideal - b->measured, 1e-9);
}

Test(breakdown, a_skewed_front_on_a_waiting_route_is_the_largest_part)
{
    /* 4 servers of one process worker each, 4 connections: 2, 1, 1, 0. Little's law: 3 in
     * service instead of 4, a quarter of the ideal lost. */
    breakdown_server servers[4];
    breakdown_run run = quiet_run(servers, 4, 4);
    long counts[4] = {2, 1, 1, 0};
    for (int i = 0; i < 4; i++)
        servers[i].connections = counts[i];
    breakdown_input in = {.servers = 4,
                          .x1 = 50,
                          .measured = 140,
                          .service_s = 0.02,
                          .holds = 1,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&run, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.ideal, 200, 1e-9);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 50, 1e-9);
    cr_assert_float_eq(b.parts[BREAKDOWN_SYSTEM], 10, 1e-9);
    cr_assert_eq(b.largest, BREAKDOWN_FRONT_IMBALANCE);
    cr_assert(strstr(b.evidence[BREAKDOWN_FRONT_IMBALANCE],
                     "server 4 held 0 of 4 connections (fair share 1.0)") != NULL,
              "%s", b.evidence[BREAKDOWN_FRONT_IMBALANCE]);
    /* Coroutines hold every connection they get: the same split costs nothing. */
    in.holds = 0;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0, 1e-9);
    cr_assert_eq(b.largest, BREAKDOWN_SYSTEM);
}

Test(breakdown, io_wait_with_too_few_threads_for_the_busiest_server)
{
    /* issue 10's io-wait: 64 connections over 4 servers of 16 threads, one got 20. */
    breakdown_server servers[4];
    breakdown_run run = quiet_run(servers, 4, 64);
    long counts[4] = {20, 16, 14, 14};
    for (int i = 0; i < 4; i++)
        servers[i].connections = counts[i];
    breakdown_input in = {.servers = 4,
                          .x1 = 800,
                          .measured = 3000,
                          .service_s = 0.02,
                          .holds = 16,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&run, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    /* 16 + 16 + 14 + 14 = 60 in service against 64. */
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 3200 * (1 - 60.0 / 64), 1e-9);
    cr_assert(strstr(b.evidence[BREAKDOWN_FRONT_IMBALANCE], "60 in service against 64") != NULL,
              "%s", b.evidence[BREAKDOWN_FRONT_IMBALANCE]);
}

Test(breakdown, capped_servers_underfed_by_the_front_on_cpu_work)
{
    /* cpu-capped: 0.1 core each; server 2 held 9 of 64 connections and used 0.06 cores: it
     * produced about 0.6 X(1). */
    breakdown_server reference_servers[1];
    breakdown_run reference = quiet_run(reference_servers, 1, 16);
    breakdown_server servers[4];
    breakdown_run run = quiet_run(servers, 4, 64);
    long counts[4] = {22, 9, 17, 16};
    for (int i = 0; i < 4; i++)
        servers[i].connections = counts[i];
    servers[1].cpu_s = 0.06;
    breakdown_input in = {.servers = 4,
                          .x1 = 1000,
                          .measured = 3500,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 400, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_FRONT_IMBALANCE);
    cr_assert(strstr(b.evidence[BREAKDOWN_FRONT_IMBALANCE],
                     "server 2 held 9 of 64 connections (fair share 16.0) and used 0.060 cores "
                     "against 0.100 at one server") != NULL,
              "%s", b.evidence[BREAKDOWN_FRONT_IMBALANCE]);
}

/* Server i capped: throttled in nr_throttled of 20 CFS periods, throttled_s in all. */
static void capped(breakdown_server *s, long nr_throttled, double throttled_s)
{
    s->has_throttling = 1;
    s->nr_throttled = nr_throttled;
    s->nr_periods = 20;
    s->throttled_s = throttled_s;
    s->runqueue_wait_s = throttled_s; /* the kernel counts a throttled stall as waiting */
}

Test(breakdown, a_server_its_cap_stopped_short_is_throttling)
{
    /* At one server the cap held it in each of 20 periods at 0.1 cores; at two, server 2 was
     * held in each period as well, yet used 0.06 cores: its cap ended its turns early. */
    breakdown_server reference_servers[1];
    breakdown_run reference = quiet_run(reference_servers, 1, 16);
    capped(&reference_servers[0], 20, 0.85);
    breakdown_server servers[2];
    breakdown_run run = quiet_run(servers, 2, 32);
    capped(&servers[0], 20, 0.85);
    capped(&servers[1], 20, 0.9);
    servers[1].cpu_s = 0.06;
    breakdown_input in = {.servers = 2,
                          .x1 = 1000,
                          .measured = 1500,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    /* 0.04 cores short at 10000 requests per core. */
    cr_assert_float_eq(b.parts[BREAKDOWN_THROTTLING], 400, 1e-6);
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 0, 1e-6);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_THROTTLING);
    cr_assert_str_eq(b.evidence[BREAKDOWN_THROTTLING],
                     "round 1: server 2 was throttled in 20 of 20 CFS periods (100%; 100% at one "
                     "server), 0.900 s in all, and used 0.060 cores against 0.100 at one server");
    /* Held in half the periods: half its shortfall is the cap's, the other half it idled
     * while server 1, at the cap, had more work than it could take. */
    servers[1].nr_throttled = 10;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_THROTTLING], 200, 1e-6);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 200, 1e-6);
}

Test(breakdown, throttled_longer_at_the_same_cpu_is_no_loss)
{
    /* The old reading: throttled 50% of the window against 10% at one server cost 40% of
     * X(1). But a server that used all the CPU one server used ran out its quota sooner in
     * each period, which is what more work does: it lost nothing to its cap. */
    breakdown_server reference_servers[1];
    breakdown_run reference = quiet_run(reference_servers, 1, 16);
    capped(&reference_servers[0], 20, 0.1);
    breakdown_server servers[2];
    breakdown_run run = quiet_run(servers, 2, 32);
    capped(&servers[0], 20, 0.1);
    capped(&servers[1], 20, 0.5);
    breakdown_input in = {.servers = 2,
                          .x1 = 1000,
                          .measured = 1500,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_THROTTLING], 0, 1e-9);
    /* Nor is the stall waiting for a CPU. */
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 0, 1e-9);
    cr_assert_float_eq(b.parts[BREAKDOWN_SYSTEM], 500, 1e-9);
    cr_assert(strstr(b.evidence[BREAKDOWN_CPU_STARVATION],
                     "waited 0.000 s for a CPU (their cgroups' 0.600 s throttled, which the "
                     "kernel counts as waiting, left out)") != NULL,
              "%s", b.evidence[BREAKDOWN_CPU_STARVATION]);
}

Test(breakdown, threads_waiting_for_a_cpu_are_starvation)
{
    breakdown_server reference_servers[1];
    breakdown_run reference = quiet_run(reference_servers, 1, 16);
    breakdown_server servers[2];
    breakdown_run run = quiet_run(servers, 2, 32);
    /* Each server waited as long as it ran, and ran half what one server alone ran. */
    for (int i = 0; i < 2; i++) {
        servers[i].cpu_s = 0.05;
        servers[i].runqueue_wait_s = 0.05;
    }
    run.foreign_cpu_s = 0.9;
    breakdown_input in = {.servers = 2,
                          .x1 = 1000,
                          .measured = 1000,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 1000, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_CPU_STARVATION);
    cr_assert(strstr(b.evidence[BREAKDOWN_CPU_STARVATION],
                     "waited 0.100 s for a CPU and ran 0.100 s (50% of their runnable time, "
                     "0% at one server)") != NULL &&
                  strstr(b.evidence[BREAKDOWN_CPU_STARVATION],
                         "processes twice did not start used 0.90 of 2 cores") != NULL,
              "%s", b.evidence[BREAKDOWN_CPU_STARVATION]);
    /* Capped servers: the throttled stalls in their run-queue delay are not waits for a CPU;
     * only what is beyond them is. */
    for (int i = 0; i < 2; i++) {
        capped(&servers[i], 10, 0.8);
        servers[i].runqueue_wait_s = 0.85;
    }
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 1000, 1e-6);
    cr_assert(strstr(b.evidence[BREAKDOWN_CPU_STARVATION],
                     "waited 0.100 s for a CPU (their cgroups' 1.600 s throttled") != NULL,
              "%s", b.evidence[BREAKDOWN_CPU_STARVATION]);
    /* As long as they ran at one server: their waits cost them nothing. */
    for (int i = 0; i < 2; i++)
        servers[i].cpu_s = 0.1;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 0, 1e-6);
}

/* A capped server's figures over a window, as cpu-capped.json's runs measure them. */
static breakdown_server measured_server(double cpu_s, long nr_throttled, long nr_periods,
                                        double throttled_s, double wait_s, long connections,
                                        long requests)
{
    return (breakdown_server){.cpu_s = cpu_s,
                              .runqueue_wait_s = wait_s,
                              .has_throttling = 1,
                              .throttled_s = throttled_s,
                              .nr_throttled = nr_throttled,
                              .nr_periods = nr_periods,
                              .connections = connections,
                              .requests = requests};
}

static breakdown_run measured_run(breakdown_server *servers, size_t n, double window_s,
                                  double wrk_cpu_s)
{
    return (breakdown_run){.round = 1,
                           .window_s = window_s,
                           .servers = servers,
                           .nservers = n,
                           .wrk_cpu_s = wrk_cpu_s,
                           .wrk_threads = 1,
                           .wrk_connections_open = 16 * (long)n,
                           .wrk_connections_asked = 16 * (unsigned)n,
                           .cores = 2};
}

Test(breakdown, capped_servers_with_their_share_that_served_fewer_requests_per_cpu_second)
{
    /* Each server held its share of the connections, used about its cap and was throttled in
     * every period, and served 180952 requests per CPU-second against 213571 at one server:
     * neither the front nor the cap took that; the system's evidence names it. */
    breakdown_server one[1] = {measured_server(0.21, 21, 21, 1.83, 1.83, 16, 44850)};
    breakdown_run reference = measured_run(one, 1, 2.02, 0.27);
    breakdown_server four[4];
    for (int i = 0; i < 4; i++)
        four[i] = measured_server(0.21, 21, 21, 1.7, 1.7, 16, 38000);
    breakdown_run run = measured_run(four, 4, 2.04, 1.0);
    breakdown_input in = {.servers = 4,
                          .x1 = 21215,
                          .measured = 74600,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_eq(b.largest, BREAKDOWN_SYSTEM);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0, 1e-9);
    /* 0.103 cores against 0.104 at one server, held by the cap in every period. */
    cr_assert_lt(b.parts[BREAKDOWN_THROTTLING], 0.1 * b.lost);
    cr_assert(strstr(b.evidence[BREAKDOWN_SYSTEM],
                     "its servers served 180952 requests per CPU-second against 213571 at one "
                     "server (+18% CPU per request), using 0.103 cores each against 0.104") != NULL,
              "%s", b.evidence[BREAKDOWN_SYSTEM]);
    cr_assert(strstr(b.evidence[BREAKDOWN_FRONT_IMBALANCE],
                     "nor served fewer requests per CPU-second for holding few connections "
                     "against its share") != NULL,
              "%s", b.evidence[BREAKDOWN_FRONT_IMBALANCE]);
}

Test(breakdown, a_capped_server_with_few_connections_serves_fewer_requests_per_cpu_second)
{
    /* cpu-capped.json, 16 connections per server, round 1 of a quiet run: reuseport gave
     * server 3 seven connections. At its cap like the others, it served 110495 requests per
     * CPU-second; those that held their share, 155074. */
    breakdown_server one[1] = {measured_server(0.2, 20, 20, 1.717665, 1.740389, 16, 35673)};
    breakdown_run reference = measured_run(one, 1, 2.009382, 0.27);
    breakdown_server four[4] = {measured_server(0.2, 20, 20, 1.718505, 1.795205, 19, 31615),
                                measured_server(0.21, 20, 20, 1.613677, 1.75065, 18, 31405),
                                measured_server(0.2, 21, 21, 1.573429, 1.679825, 7, 22099),
                                measured_server(0.2, 20, 20, 1.693474, 1.774043, 20, 31575)};
    breakdown_run run = measured_run(four, 4, 2.006135, 0.95);
    breakdown_input in = {.servers = 4,
                          .x1 = 17455,
                          .measured = 59347,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    /* At its 0.0997 cores it would have served 0.0997 x 155074 = 15460 requests/s at the
     * others' rate; it served 22099 / 2.006 = 11016. */
    double cores = 0.2 / 2.006135, served = 22099 / 2.006135;
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], cores * (94595 / 0.61) - served, 1e-6);
    cr_assert_str_eq(b.evidence[BREAKDOWN_FRONT_IMBALANCE],
                     "round 1: server 3 held 7 of 64 connections (fair share 16.0) and served "
                     "110495 requests per CPU-second at 0.100 cores, against 155074 for the "
                     "servers that held their share (175369 at one server): with fewer requests "
                     "in hand at each turn, each request cost it more CPU");
    /* 15 of a fair share of 18: near it, within what the CPU figure resolves. */
    four[2].connections = 15;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0, 1e-9);
    /* 12 of a fair share of 17.25, below BREAKDOWN_FEW_CONNECTIONS of it: few. */
    four[2].connections = 12;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_gt(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0);
    /* An even split: no server below its share, nothing lost to the front. */
    for (int i = 0; i < 4; i++)
        four[i].connections = 16;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0, 1e-9);
}

Test(breakdown, a_capped_server_idle_while_another_is_held_by_its_cap_is_the_front_s)
{
    /* Server 1 got 26 connections and was held by its cap in every period; server 2 got 6
     * and idled: 0.06 cores, throttled in 4 of 20 periods. */
    breakdown_server one[1] = {measured_server(0.1, 20, 20, 0.8, 0.8, 16, 20000)};
    breakdown_run reference = measured_run(one, 1, 1, 0.1);
    breakdown_server two[2] = {measured_server(0.1, 20, 20, 0.85, 0.85, 26, 20000),
                               measured_server(0.06, 4, 20, 0.05, 0.05, 6, 12000)};
    breakdown_run run = measured_run(two, 2, 1, 0.2);
    breakdown_input in = {.servers = 2,
                          .x1 = 20000,
                          .measured = 31500,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    /* 0.04 cores short, a fifth of it held by its cap (4 of the reference's 20 periods): 0.008
     * cores, 1600 requests/s; the other 0.032, while server 1 was at 0.1, 6400. */
    cr_assert_float_eq(b.parts[BREAKDOWN_THROTTLING], 1600, 1e-3);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 6400, 1e-3);
    cr_assert_eq(b.largest, BREAKDOWN_FRONT_IMBALANCE);
    cr_assert_str_eq(b.evidence[BREAKDOWN_FRONT_IMBALANCE],
                     "round 1: server 2 held 6 of 32 connections (fair share 16.0) and used 0.060 "
                     "cores against 0.100 at one server (12000 requests/s), while server 1 used "
                     "0.100 (20000 requests/s, throttled in 20 of 20 CFS periods, 26 "
                     "connections): the front gave the work to a server that could not take "
                     "more");
}

Test(breakdown, servers_all_idle_for_want_of_requests_are_the_load_s)
{
    /* Each server used 0.07 cores and was never throttled: none had the work to use its cap,
     * whatever the front did. */
    breakdown_server one[1] = {measured_server(0.1, 20, 20, 0.8, 0.8, 16, 20000)};
    breakdown_run reference = measured_run(one, 1, 1, 0.1);
    breakdown_server two[2] = {measured_server(0.07, 0, 20, 0, 0, 16, 14000),
                               measured_server(0.07, 0, 20, 0, 0, 16, 14000)};
    breakdown_run run = measured_run(two, 2, 1, 0.3);
    breakdown_input in = {.servers = 2,
                          .x1 = 20000,
                          .measured = 28000,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&reference, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_LOAD_GENERATOR], 12000, 1e-3);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 0, 1e-6);
    cr_assert_float_eq(b.parts[BREAKDOWN_THROTTLING], 0, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_LOAD_GENERATOR);
    cr_assert(strstr(b.evidence[BREAKDOWN_LOAD_GENERATOR],
                     "the servers left 12000 requests/s of the CPU one server alone used idle, "
                     "the busiest among them too (0 of them explained by wrk's waits for a CPU): "
                     "the load did not bring them the requests") != NULL,
              "%s", b.evidence[BREAKDOWN_LOAD_GENERATOR]);
    /* wrk waited for a CPU as long as it ran, busy 30% of its thread: 2 x 20000 x 0.5 x 0.3
     * of that idle is its waits'. */
    run.wrk_runqueue_wait_s = 0.3;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 6000, 1e-3);
    cr_assert_float_eq(b.parts[BREAKDOWN_LOAD_GENERATOR], 6000, 1e-3);
    /* Servers at their caps: wrk's waits took nothing from them. */
    for (int i = 0; i < 2; i++) {
        two[i].cpu_s = 0.1;
        two[i].requests = 18000;
    }
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_CPU_STARVATION], 0, 1e-9);
    cr_assert_float_eq(b.parts[BREAKDOWN_LOAD_GENERATOR], 0, 1e-9);
    cr_assert_str_eq(b.evidence[BREAKDOWN_FRONT_IMBALANCE],
                     "round 1: no server idled while another had more work (each used as much "
                     "CPU as the busiest, or one server alone: 0.100 cores), nor served fewer "
                     "requests per CPU-second for holding few connections against its share");
}

Test(breakdown, a_load_generator_that_opened_fewer_connections_than_asked)
{
    /* Debian's wrk (wrk#509): 48 of 64 open. */
    breakdown_server servers[4];
    breakdown_run run = quiet_run(servers, 4, 64);
    run.wrk_connections_open = 48;
    breakdown_input in = {.servers = 4,
                          .x1 = 1000,
                          .measured = 3000,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&run, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_LOAD_GENERATOR], 1000, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_LOAD_GENERATOR);
    cr_assert(strstr(b.evidence[BREAKDOWN_LOAD_GENERATOR], "48 of 64 connections open") != NULL,
              "%s", b.evidence[BREAKDOWN_LOAD_GENERATOR]);
}

Test(breakdown, parts_that_over_explain_the_loss_are_scaled_down_and_say_so)
{
    breakdown_server servers[4];
    breakdown_run run = quiet_run(servers, 4, 4);
    long counts[4] = {2, 2, 0, 0}; /* half the ideal by Little's law */
    for (int i = 0; i < 4; i++)
        servers[i].connections = counts[i];
    run.wrk_connections_open = 2; /* and half the load never offered */
    breakdown_input in = {.servers = 4,
                          .x1 = 50,
                          .measured = 150,
                          .service_s = 0.02,
                          .holds = 1,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&run, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_FRONT_IMBALANCE], 25, 1e-9);
    cr_assert_float_eq(b.parts[BREAKDOWN_LOAD_GENERATOR], 25, 1e-9);
    cr_assert_float_eq(b.parts[BREAKDOWN_SYSTEM], 0, 1e-9);
    cr_assert(strstr(b.evidence[BREAKDOWN_FRONT_IMBALANCE], "scaled by 0.25") != NULL, "%s",
              b.evidence[BREAKDOWN_FRONT_IMBALANCE]);
}

Test(breakdown, figures_not_measured_are_said_and_leave_the_loss_to_the_system)
{
    breakdown_server servers[2];
    breakdown_run run = quiet_run(servers, 2, 32);
    servers[1].connections = -1;   /* not counted */
    run.wrk_connections_open = -1; /* nor wrk's */
    /* A waiting route: its front is read from the connections (Little's law); on CPU work it
     * is read from the servers' CPU and needs none. */
    breakdown_input in = {.servers = 2,
                          .x1 = 1000,
                          .measured = 1800,
                          .service_s = 0.02,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&run, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_SYSTEM], 200, 1e-9);
    cr_assert(strstr(b.evidence[BREAKDOWN_FRONT_IMBALANCE], "connections were not counted") != NULL,
              "%s", b.evidence[BREAKDOWN_FRONT_IMBALANCE]);
    cr_assert(strstr(b.evidence[BREAKDOWN_THROTTLING], "no cgroup throttling counters") != NULL,
              "%s", b.evidence[BREAKDOWN_THROTTLING]);
    cr_assert(strstr(b.evidence[BREAKDOWN_LOAD_GENERATOR], "its connections not counted") != NULL,
              "%s", b.evidence[BREAKDOWN_LOAD_GENERATOR]);
    /* No window measured at all. */
    in.nruns = 0;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_SYSTEM], 200, 1e-9);
    cr_assert_str_eq(b.evidence[BREAKDOWN_THROTTLING],
                     "not measured: no run of this step has resource figures");
}

Test(breakdown, no_breakdown_without_a_loss_or_a_reference)
{
    breakdown b;
    breakdown_input in = {.servers = 1, .x1 = 1000, .measured = 900};
    cr_assert_eq(breakdown_compute(&in, &b), 0, "N = 1");
    in = (breakdown_input){.servers = 2, .x1 = 1000, .measured = 2000};
    cr_assert_eq(breakdown_compute(&in, &b), 0, "E(N) = 1");
    in = (breakdown_input){.servers = 2, .x1 = 0, .measured = 100};
    cr_assert_eq(breakdown_compute(&in, &b), 0, "no valid X(1)");
}

Test(breakdown, random_figures_never_give_a_negative_part_nor_miss_the_loss)
{
    rng r;
    rng_seed(&r, 20261125);
    for (int trial = 0; trial < 500; trial++) {
        breakdown_server servers[3][6];
        breakdown_run runs[3];
        size_t n = 2 + rng_next(&r) % 5;
        for (int k = 0; k < 3; k++) {
            for (size_t i = 0; i < n; i++)
                servers[k][i] = (breakdown_server){.cpu_s = rng_uniform(&r) * 0.5,
                                                   .runqueue_wait_s = rng_uniform(&r) * 0.5,
                                                   .has_throttling = (int)(rng_next(&r) % 2),
                                                   .throttled_s = rng_uniform(&r) * 2,
                                                   .connections = (long)(rng_next(&r) % 40) -
                                                                  (rng_next(&r) % 10 == 0)};
            runs[k] = (breakdown_run){.round = (unsigned)k + 1,
                                      .window_s = 0.5 + rng_uniform(&r),
                                      .servers = servers[k],
                                      .nservers = n,
                                      .wrk_cpu_s = rng_uniform(&r) * 2,
                                      .wrk_runqueue_wait_s = rng_uniform(&r),
                                      .wrk_threads = 1 + (unsigned)(rng_next(&r) % 4),
                                      .wrk_connections_open = (long)(rng_next(&r) % 70) - 1,
                                      .wrk_connections_asked = 64,
                                      .foreign_cpu_s = rng_uniform(&r),
                                      .cores = 2};
        }
        breakdown_input in = {.servers = (unsigned)n,
                              .x1 = 100 + rng_uniform(&r) * 1000,
                              .service_s = rng_next(&r) % 2 ? 0.02 : 0,
                              .holds = (double)(rng_next(&r) % 3) * 8,
                              .runs = runs,
                              .nruns = 1 + rng_next(&r) % 3,
                              .ref = breakdown_reference_of(runs, 1)};
        in.measured = in.x1 * (double)n * rng_uniform(&r);
        breakdown b;
        cr_assert_eq(breakdown_compute(&in, &b), 1);
        assert_sums_to_loss(&b);
    }
}

Test(breakdown, the_report_object_lists_the_parts_in_order_and_the_verdict_reads_against_them)
{
    breakdown_server servers[4];
    breakdown_run run = quiet_run(servers, 4, 64);
    long counts[4] = {20, 16, 14, 14};
    for (int i = 0; i < 4; i++)
        servers[i].connections = counts[i];
    breakdown_input in = {.servers = 4,
                          .x1 = 800,
                          .measured = 2990,
                          .service_s = 0.02,
                          .holds = 16,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&run, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    json_t *json = breakdown_json(&b);
    cr_assert_str_eq(json_string_value(json_object_get(json, "largest")), "front_imbalance");
    const char *order[] = {"front_imbalance", "throttling",     "cpu_starvation",
                           "load_generator",  "shared_service", "system"};
    for (size_t p = 0; p < 6; p++)
        cr_assert_str_eq(json_string_value(json_object_get(
                             json_array_get(json_object_get(json, "parts"), p), "part")),
                         order[p]);
    cr_assert_float_eq(json_number_value(json_object_get(json, "lost")), 210, 1e-9);
    json_decref(json);
    cr_assert(json_is_null(json = breakdown_json(NULL)));
    json_decref(json);
    /* The fit said coherency; 200 of the 210 requests/s lost were the front's. */
    json_t *analysis =
        json_pack("{s:s, s:s}", "verdict_note", "E(4) = 0.93", "limiting_factor", "coherency");
    breakdown_json_qualify(analysis, 4, &b);
    cr_assert(json_is_null(json_object_get(analysis, "limiting_factor")));
    const char *note = json_string_value(json_object_get(analysis, "verdict_note"));
    cr_assert(strstr(note,
                     "E(4) = 0.93; but at 4 servers 200 of the 210 requests/s lost are not "
                     "the system's: the largest part is front_imbalance (round 1: server ") == note,
              "%s", note);
    cr_assert(strstr(note, "so the fit's coherency is not named") != NULL, "%s", note);
    json_decref(analysis);
    /* Most of the loss the system's: the fit's word stands. */
    in.measured = 2000;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    analysis =
        json_pack("{s:s, s:s}", "verdict_note", "E(4) = 0.63", "limiting_factor", "coherency");
    breakdown_json_qualify(analysis, 4, &b);
    cr_assert_str_eq(json_string_value(json_object_get(analysis, "limiting_factor")), "coherency");
    cr_assert_str_eq(json_string_value(json_object_get(analysis, "verdict_note")), "E(4) = 0.63");
    json_decref(analysis);
}

/* A run of n quiet servers beside a shared service that used cores of CPU and was throttled
 * for throttled_s of the 1 s window. */
static breakdown_run service_run_of(breakdown_server *servers, size_t n, double cores,
                                    double throttled_s)
{
    breakdown_run run = quiet_run(servers, n, 16);
    run.has_service = 1;
    run.service_cpu_s = cores;
    run.service_has_throttling = 1;
    run.service_throttled_s = throttled_s;
    return run;
}

Test(breakdown, a_saturated_database_takes_the_loss_it_caused)
{
    /* One server: the database used 0.2 of its 0.5 cores. Four: all 0.5, throttled 30% of the
     * window, for 2500 requests/s: at 5000 requests per database CPU-second it can serve no
     * more than 2500, so the whole loss against 4000 is the database's. */
    breakdown_server one[1], four[4];
    breakdown_run ref = service_run_of(one, 1, 0.2, 0);
    breakdown_run run = service_run_of(four, 4, 0.5, 0.3);
    breakdown_input in = {.servers = 4,
                          .x1 = 1000,
                          .measured = 2500,
                          .service_cap = 0.5,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&ref, 1)};
    breakdown b;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 1500, 1e-6);
    cr_assert_float_eq(b.parts[BREAKDOWN_SYSTEM], 0, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_SHARED_SERVICE);
    cr_assert_str_eq(b.evidence[BREAKDOWN_SHARED_SERVICE],
                     "round 1: the shared service used 0.50 of its 0.50 cores (100%), throttled "
                     "30% of the window (0.20 cores at one server): at most 2500 requests/s at "
                     "its rate, against 4000 for linear scaling");
    cr_assert_float_eq(breakdown_service_capacity(&run, 1, 2500, 0.5), 2500, 1e-9);
    /* At 90% of its cap it could have given a little more: the rest is the system's. */
    run.service_cpu_s = 0.45;
    run.service_throttled_s = 0;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 4000 - 2500 / 0.9, 1e-6);
    cr_assert_eq(b.largest, BREAKDOWN_SHARED_SERVICE);
    /* Throttled for a tenth of the window counts as near its cap even below 90% on average. */
    run.service_cpu_s = 0.4;
    run.service_throttled_s = 0.1;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 4000 - 2500 * 0.5 / 0.4, 1e-6);
}

Test(breakdown, a_database_that_is_not_the_limit_takes_nothing)
{
    breakdown_server one[1], four[4];
    breakdown_run ref = service_run_of(one, 1, 0.2, 0);
    breakdown_run run = service_run_of(four, 4, 0.3, 0.02);
    breakdown_input in = {.servers = 4,
                          .x1 = 1000,
                          .measured = 2500,
                          .service_cap = 0.5,
                          .runs = &run,
                          .nruns = 1,
                          .ref = breakdown_reference_of(&ref, 1)};
    breakdown b;
    /* Below its capacity. */
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    assert_sums_to_loss(&b);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 0, 1e-9);
    cr_assert(strstr(b.evidence[BREAKDOWN_SHARED_SERVICE],
                     "used 0.30 of its 0.50 cores (60%), throttled 2% of the window: not near its "
                     "capacity") != NULL,
              "%s", b.evidence[BREAKDOWN_SHARED_SERVICE]);
    cr_assert_eq(b.largest, BREAKDOWN_SYSTEM);
    /* Saturated, but already at one server: X(1) was the database's rate, not the scaling's
     * loss. */
    run.service_cpu_s = 0.5;
    ref.service_cpu_s = 0.48;
    in.ref = breakdown_reference_of(&ref, 1);
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 0, 1e-9);
    cr_assert(strstr(b.evidence[BREAKDOWN_SHARED_SERVICE],
                     "near its capacity at one server already (0.48 cores)") != NULL,
              "%s", b.evidence[BREAKDOWN_SHARED_SERVICE]);
    /* No cap: its capacity is not known. */
    in.service_cap = 0;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 0, 1e-9);
    cr_assert_str_eq(b.evidence[BREAKDOWN_SHARED_SERVICE],
                     "round 1: the shared service used 0.50 cores with no CPU cap: its capacity "
                     "is not known");
    cr_assert_float_eq(breakdown_service_capacity(&run, 1, 2500, 0), 0, 1e-9);
    /* No service at all. */
    run.has_service = 0;
    in.service_cap = 0.5;
    cr_assert_eq(breakdown_compute(&in, &b), 1);
    cr_assert_float_eq(b.parts[BREAKDOWN_SHARED_SERVICE], 0, 1e-9);
    cr_assert_str_eq(b.evidence[BREAKDOWN_SHARED_SERVICE],
                     "round 1: no shared service was measured");
    cr_assert_float_eq(breakdown_service_capacity(&run, 1, 2500, 0.5), 0, 1e-9);
}
