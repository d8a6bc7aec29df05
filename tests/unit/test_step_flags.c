/*
 * test_step_flags.c - a step's flags (analysis/step_flags.c) rest on what
 * was measured and state the figure that tripped them: the direct front's
 * one wrk thread per server is not a core per thread, a busy machine is
 * "disturbed" and makes the step invalid, which the verdict then treats as
 * it treats a saturated load generator.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "analyze.h"
#include "step_flags.h"

static const double steady[3] = {1000, 1010, 990};

/* The step's flags joined by " | ", for assertions and messages. */
static const char *flags_text(json_t *flags)
{
    static char text[2048];
    json_t *flag;
    size_t i;
    text[0] = '\0';
    json_array_foreach(flags, i, flag)
    {
        strncat(text, json_string_value(flag), sizeof(text) - strlen(text) - 4);
        strncat(text, " | ", sizeof(text) - strlen(text) - 1);
    }
    return text;
}

Test(step_flags, the_direct_front_with_four_capped_servers_is_valid_when_wrk_is_light)
{
    /* 4 servers capped at 0.1 on 2 cores, wrk one thread per server, each thread 12% busy:
     * 0.4 + 0.48 cores. Counting each thread as a core (4.4 > 2) flagged this step. */
    const double busy[3] = {0.12, 0.11, 0.12};
    step_flags_input in = {.throughputs = steady,
                           .wrk_busy = busy,
                           .n = 3,
                           .servers = 4,
                           .threads = 4,
                           .servers_here = 4,
                           .threads_here = 4,
                           .cpu_cap = 0.1,
                           .capped = 1,
                           .cores = 2};
    json_t *flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
}

Test(step_flags, caps_and_wrk_measured_beyond_the_cores_are_flagged_with_the_figures)
{
    const double busy[3] = {0.3, 0.45, 0.4};
    step_flags_input in = {.throughputs = steady,
                           .wrk_busy = busy,
                           .n = 3,
                           .servers = 4,
                           .threads = 4,
                           .servers_here = 4,
                           .threads_here = 4,
                           .cpu_cap = 0.25,
                           .capped = 1,
                           .cores = 2};
    json_t *flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 1, "%s", flags_text(flags));
    cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
                     "CPU caps (0.25 x 4 = 1.00 cores) and the load generator (1.80 cores "
                     "measured) need more than the 2 cores");
    json_decref(flags);
    /* Uncapped, the caps take nothing. */
    in.capped = 0;
    flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
}

/* Servers and load clients on other hosts take none of this machine's cores: only those here
 * count against them. */
Test(step_flags, only_what_runs_on_this_machine_counts_against_its_cores)
{
    const double busy[3] = {0.3, 0.45, 0.4};
    step_flags_input in = {.throughputs = steady,
                           .wrk_busy = busy,
                           .n = 3,
                           .servers = 4,
                           .threads = 4,
                           .servers_here = 0,
                           .threads_here = 4,
                           .cpu_cap = 0.25,
                           .capped = 1,
                           .cores = 2};
    json_t *flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 0, "servers elsewhere: %s", flags_text(flags));
    json_decref(flags);
    /* The servers here, two of wrk's four threads on another client host. */
    in.servers_here = 4;
    in.threads_here = 2;
    flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 0, "half of wrk elsewhere: %s", flags_text(flags));
    json_decref(flags);
    in.threads_here = 4;
    flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 1, "everything here: %s", flags_text(flags));
    json_decref(flags);
}

Test(step_flags, a_saturated_generator_and_noisy_repetitions_say_their_figures)
{
    const double busy[2] = {0.5, 0.95};
    const double noisy[2] = {1000, 1500};
    step_flags_input in = {
        .throughputs = noisy, .wrk_busy = busy, .n = 2, .servers = 2, .threads = 2, .cores = 2};
    json_t *flags = step_flags(&in);
    cr_assert_str_eq(flags_text(flags),
                     "load generator saturated: wrk used 95% of its 2 threads | repetitions too "
                     "noisy: coefficient of variation 0.28 > 0.10 | ");
    json_decref(flags);
}

/* One window of two servers over 2 s: the machine as busy as the run (1.2 core-seconds) and
 * foreign_cpu_s, the servers waiting wait_s each. */
static breakdown_run window(breakdown_server *servers, double foreign_cpu_s, double wait_s)
{
    for (int i = 0; i < 2; i++)
        servers[i] = (breakdown_server){.cpu_s = 0.4, .runqueue_wait_s = wait_s, .connections = 8};
    return (breakdown_run){.round = 2,
                           .window_s = 2,
                           .servers = servers,
                           .nservers = 2,
                           .wrk_cpu_s = 0.4,
                           .wrk_runqueue_wait_s = 0.01,
                           .wrk_threads = 1,
                           .machine_busy_s = 1.2 + foreign_cpu_s,
                           .foreign_cpu_s = foreign_cpu_s,
                           .cores = 2};
}

/* The flags of a step of windows[0..n), its hosts a test bed's when emulated is set. */
static json_t *flags_of_hosts(const breakdown_run *windows, size_t n, int emulated)
{
    const double busy[1] = {0.2};
    step_flags_input in = {.throughputs = steady,
                           .wrk_busy = busy,
                           .n = 1,
                           .servers = 2,
                           .threads = 1,
                           .cores = 2,
                           .hosts_emulated = emulated,
                           .windows = windows,
                           .nwindows = n};
    return step_flags(&in);
}

static json_t *flags_of(const breakdown_run *windows, size_t n)
{
    return flags_of_hosts(windows, n, 0);
}

Test(step_flags, foreign_cpu_that_fills_the_machine_is_disturbed_with_its_figures)
{
    breakdown_server quiet[2], hog[2];
    /* 0.3 foreign cores of the 2.8 core-seconds left idle: nothing taken from the run. */
    breakdown_run windows[2] = {window(quiet, 0.6, 0), window(hog, 2.7, 0)};
    json_t *flags = flags_of(windows, 1);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
    flags = flags_of(windows, 2);
    cr_assert_eq(json_array_size(flags), 1, "%s", flags_text(flags));
    const char *flag = json_string_value(json_array_get(flags, 0));
    cr_assert_str_eq(flag, "disturbed: round 2: processes twice did not start used 1.35 cores "
                           "(threshold 0.25) and left 0.05 of the 2 cores idle (threshold 0.25)");
    cr_assert(step_flag_is_disturbed(flag));
    json_decref(flags);
}

Test(step_flags, run_queue_waits_are_a_disturbance_only_with_foreign_cpu)
{
    breakdown_server crowded[2], starved[2];
    /* The servers and wrk crowding each other: what is measured, not a disturbance. */
    breakdown_run alone = window(crowded, 0.0, 0.4);
    json_t *flags = flags_of(&alone, 1);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
    /* The same waits while something else used 0.3 cores. */
    breakdown_run beside = window(starved, 0.6, 0.4);
    flags = flags_of(&beside, 1);
    cr_assert_str_eq(flags_text(flags),
                     "disturbed: round 2: the servers' threads waited for a CPU 50% of their "
                     "runnable time (threshold 25%) while processes twice did not start used "
                     "0.30 cores | ");
    json_decref(flags);
    cr_assert(!step_flag_is_disturbed("load generator saturated: wrk used 95% of its 2 threads"));
}

Test(step_flags, a_capped_server_s_throttled_stalls_are_not_waits_for_a_cpu)
{
    /* cpu-capped.json: a server capped at a tenth of a core is throttled most of each period,
     * and the kernel counts that stall as run-queue delay (0.85 of its 0.9 s here). Beside
     * 0.3 foreign cores that left the machine idle enough, that is its cap, not a
     * disturbance. */
    breakdown_server capped[2];
    breakdown_run beside = window(capped, 0.6, 1.8);
    for (int i = 0; i < 2; i++) {
        capped[i].has_throttling = 1;
        capped[i].throttled_s = 1.7;
    }
    json_t *flags = flags_of(&beside, 1);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
    /* What they waited beyond their stalls still counts: 0.4 s each, as long as they ran. */
    for (int i = 0; i < 2; i++)
        capped[i].runqueue_wait_s = 2.1;
    flags = flags_of(&beside, 1);
    cr_assert_str_eq(flags_text(flags),
                     "disturbed: round 2: the servers' threads waited for a CPU 50% of their "
                     "runnable time (threshold 25%) while processes twice did not start used "
                     "0.30 cores | ");
    json_decref(flags);
}

Test(step_flags, a_disturbed_step_makes_the_verdict_invalid)
{
    /* The run marks a flagged step invalid; the analysis never reads its figure as the
     * system's. */
    const double x1[3] = {1000, 1000, 1000}, x2[3] = {1200, 1210, 1190};
    analysis_input steps[2] = {{1, x1, 3, 1}, {2, x2, 3, 0}};
    analysis_options options = {.seed = 1};
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(steps, 2, &options, &a, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(a.verdict, "invalid");
    cr_assert_null(a.limiting_factor);
}

Test(step_flags, a_shared_service_s_cap_counts_with_the_servers_caps)
{
    /* 4 x 0.1 + wrk's 1.2 cores = 1.6 of 2: fits; with a database capped at half a core it
     * does not. */
    const double busy[1] = {0.3};
    step_flags_input in = {.throughputs = steady,
                           .wrk_busy = busy,
                           .n = 1,
                           .servers = 4,
                           .threads = 4,
                           .servers_here = 4,
                           .threads_here = 4,
                           .cpu_cap = 0.1,
                           .capped = 1,
                           .cores = 2};
    json_t *flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
    in.service_cap = 0.5;
    flags = step_flags(&in);
    cr_assert_eq(json_array_size(flags), 1, "%s", flags_text(flags));
    cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
                     "CPU caps (0.1 x 4 = 0.40 cores) and the load generator (1.20 cores "
                     "measured) and the shared service's cap (0.50 cores) need more than the 2 "
                     "cores");
    json_decref(flags);
}

/* Three runs of a test bed's hosts whose machine was busy busy_s of its 2 cores' 4
 * core-seconds in each 2 s window. */
static json_t *bed_flags(int emulated, const double busy_s[3])
{
    breakdown_server servers[3][2];
    breakdown_run windows[3];
    for (int k = 0; k < 3; k++) {
        windows[k] = window(servers[k], 0, 0);
        windows[k].machine_busy_s = busy_s[k];
    }
    return flags_of_hosts(windows, 3, emulated);
}

Test(step_flags, a_test_bed_whose_machine_had_next_to_no_idle_core_is_saturated)
{
    /* Idle 0.4, 0.6 and 0.2 cores: a median of 0.4, below a quarter of the 2 cores. */
    const double busy[3] = {3.2, 2.8, 3.6};
    json_t *flags = bed_flags(1, busy);
    cr_assert_eq(json_array_size(flags), 1, "%s", flags_text(flags));
    cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
                     "test bed saturated: its hosts, emulated on this machine, left a median of "
                     "0.40 of its 2 cores idle over 3 runs (threshold 0.50): hosts that share a "
                     "machine's last cores wait on each other, so the step measures the machine");
    json_decref(flags);
    /* The same machine with hosts that are real machines: their cores are their own. */
    flags = bed_flags(0, busy);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
    /* One busy run of three does not decide it: idle 0.1, 0.8, 0.9. */
    const double one_busy[3] = {3.8, 2.4, 2.2};
    flags = bed_flags(1, one_busy);
    cr_assert_eq(json_array_size(flags), 0, "%s", flags_text(flags));
    json_decref(flags);
}
