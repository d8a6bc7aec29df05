/*
 * test_analyze.c - the analysis of a model's steps (analyze.h) on data whose
 * answer is known: exactly linear data, data that scales at half the ideal,
 * a flagged step, a step without throughput, and input that breaks the
 * contract.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis_json.h"
#include "analyze.h"

/* Steps at servers[i] whose repetitions are x[i][0..reps). */
static void steps_of(analysis_input *in, const unsigned *servers, const double (*x)[5],
                     size_t nsteps, size_t reps)
{
    for (size_t i = 0; i < nsteps; i++)
        in[i] = (analysis_input){servers[i], x[i], reps, 1};
}

Test(analyze, exactly_linear_data_is_linear)
{
    unsigned servers[] = {1, 2, 3, 4};
    double x[4][5];
    for (size_t i = 0; i < 4; i++)
        for (size_t r = 0; r < 5; r++)
            x[i][r] = 1000.0 * servers[i] * (1 + 0.01 * (double)r);
    analysis_input in[4];
    steps_of(in, servers, x, 4, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 4, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "linear");
    cr_assert_null(a.limiting_factor);
    cr_assert_str_eq(a.error, "");
    cr_assert_float_eq(a.steps[3].throughput.median, 4080, 1e-9);
    cr_assert_float_eq(a.steps[3].throughput.min, 4000, 1e-9);
    cr_assert_float_eq(a.steps[3].throughput.max, 4160, 1e-9);
    for (size_t i = 0; i < 4; i++)
        cr_assert_float_eq(a.steps[i].efficiency, 1, 1e-9);
    cr_assert_float_eq(a.min_efficiency, 1, 1e-9);
}

Test(analyze, half_the_ideal_is_sub_linear_and_limited_by_contention)
{
    /* Amdahl with sigma = 1: X(N) = 1000 whatever N. */
    unsigned servers[] = {1, 2, 4};
    double x[3][5] = {{1000, 1000}, {1000, 1000}, {1000, 1000}};
    analysis_input in[3];
    steps_of(in, servers, x, 3, 2);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 3, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "sub-linear");
    cr_assert_str_eq(a.limiting_factor, "contention");
    cr_assert_float_eq(a.steps[2].efficiency, 0.25, 1e-9);
    cr_assert_float_eq(a.min_efficiency, 0.25, 1e-9);
}

Test(analyze, a_flagged_step_makes_the_verdict_invalid)
{
    unsigned servers[] = {1, 2};
    double x[2][5] = {{1000}, {2000}};
    analysis_input in[2];
    steps_of(in, servers, x, 2, 1);
    in[1].valid = 0;
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "invalid");
}

Test(analyze, one_server_count_is_unknown)
{
    unsigned servers[] = {2};
    double x[1][5] = {{1000, 1100}};
    analysis_input in[1];
    steps_of(in, servers, x, 1, 2);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 1, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "unknown");
}

Test(analyze, a_step_without_throughput_is_unknown_and_says_where)
{
    unsigned servers[] = {1, 2, 4};
    double x[3][5] = {{1000}, {0}, {3000}};
    analysis_input in[3];
    steps_of(in, servers, x, 3, 1);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 3, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "unknown");
    cr_assert(strstr(a.error, "no throughput at 2 servers") != NULL, "%s", a.error);
    cr_assert_eq(a.fitted, 0);
}

Test(analyze, input_that_breaks_the_contract_is_refused)
{
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(NULL, 0, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), -1);
    cr_assert(strstr(err, "0 steps") != NULL, "%s", err);
    double x[1] = {1000};
    analysis_input none = {1, x, 0, 1};
    cr_assert_eq(analysis_run(&none, 1, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), -1);
    cr_assert(strstr(err, "no repetitions") != NULL, "%s", err);
}

Test(analyze, intervals_bracket_the_medians_and_come_back_from_the_seed)
{
    unsigned servers[] = {1, 2, 4};
    double x[3][5] = {{980, 1000, 1010, 990, 1020},
                      {1900, 2050, 1980, 2010, 1950},
                      {3700, 3900, 3850, 4020, 3600}};
    analysis_input in[3];
    steps_of(in, servers, x, 3, 5);
    analysis a, again;
    char err[256];
    cr_assert_eq(analysis_run(in, 3, &(analysis_options){.seed = 11}, &a, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(analysis_run(in, 3, &(analysis_options){.seed = 11}, &again, err, sizeof(err)), 0,
                 "%s", err);
    for (size_t i = 0; i < 3; i++) {
        const analysis_step *s = &a.steps[i];
        cr_assert(s->throughput_ci.lo <= s->throughput.median &&
                      s->throughput.median <= s->throughput_ci.hi,
                  "step %zu: %g outside [%g, %g]", i, s->throughput.median, s->throughput_ci.lo,
                  s->throughput_ci.hi);
        cr_assert(s->throughput_ci.lo >= s->throughput.min &&
                      s->throughput_ci.hi <= s->throughput.max,
                  "a median of resamples stays within the sample");
        cr_assert(s->efficiency_ci.lo <= s->efficiency && s->efficiency <= s->efficiency_ci.hi);
        cr_assert_eq(s->efficiency_ci.lo, again.steps[i].efficiency_ci.lo,
                     "same seed, same interval");
        cr_assert_eq(s->efficiency_ci.hi, again.steps[i].efficiency_ci.hi);
    }
    cr_assert_eq(a.steps[0].efficiency_ci.lo, 1, "the first step is the reference");
    cr_assert_eq(a.steps[0].efficiency_ci.hi, 1);
    /* E(4) from the extreme medians the resamples can reach: 3600/(4*1020) to 4020/(4*980). */
    cr_assert_gt(a.steps[2].efficiency_ci.lo, 3600.0 / (4 * 1020) - 1e-9);
    cr_assert_lt(a.steps[2].efficiency_ci.hi, 4020.0 / (4 * 980) + 1e-9);
    cr_assert_lt(a.steps[2].efficiency_ci.lo, a.steps[2].efficiency_ci.hi, "noise: some width");
}

Test(analyze, repetitions_that_agree_give_intervals_of_no_width)
{
    unsigned servers[] = {1, 3};
    double x[2][5] = {{500, 500, 500, 500, 500}, {1200, 1200, 1200, 1200, 1200}};
    analysis_input in[2];
    steps_of(in, servers, x, 2, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 3}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_float_eq(a.steps[1].throughput_ci.lo, 1200, 1e-9);
    cr_assert_float_eq(a.steps[1].throughput_ci.hi, 1200, 1e-9);
    cr_assert_float_eq(a.steps[1].efficiency_ci.lo, 0.8, 1e-12);
    cr_assert_float_eq(a.steps[1].efficiency_ci.hi, 0.8, 1e-12);
}

Test(analyze, a_run_without_throughput_leaves_no_ratio_interval_and_says_so)
{
    /* The first step's median is above 0, but one of its runs served nothing: E(N)'s bootstrap
     * would divide by it. */
    unsigned servers[] = {1, 2};
    double x[2][5] = {{1000, 0, 1000}, {2000, 2000, 2000}};
    analysis_input in[2];
    steps_of(in, servers, x, 2, 3);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 3}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "unknown");
    cr_assert(strstr(a.error, "no interval at 2 servers") != NULL, "%s", a.error);
    cr_assert_float_eq(a.steps[1].efficiency_ci.lo, a.steps[1].efficiency, 1e-12,
                       "the point stands in for the interval");
}

Test(analyze, an_interval_that_straddles_the_threshold_is_inconclusive_and_says_how_many_more)
{
    /* X(1) exact; X(2)'s median 1830 gives E(2) = 0.915, but its repetitions reach down to
     * 1720 (E = 0.86): the interval straddles 0.90. */
    unsigned servers[] = {1, 2};
    double x[2][5] = {{1000, 1000, 1000, 1000, 1000}, {1720, 1780, 1830, 1860, 1900}};
    analysis_input in[2];
    steps_of(in, servers, x, 2, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 5}, &a, err, sizeof(err)), 0, "%s",
                 err);
    const bootstrap_interval *ci = &a.steps[1].efficiency_ci;
    cr_assert(ci->lo < 0.9 && ci->hi > 0.9, "the data straddle: [%g, %g]", ci->lo, ci->hi);
    cr_assert_str_eq(a.verdict, "inconclusive");
    cr_assert_null(a.limiting_factor, "nothing to blame before the verdict is known");
    /* Half-width h over distance d = 0.015 from 0.90: 5 (h / d)^2 repetitions in all. */
    double half = (ci->hi - ci->lo) / 2, d = 0.915 - 0.9;
    unsigned want = (unsigned)ceil(5 * (half / d) * (half / d));
    cr_assert_eq(a.repetitions_needed, want);
    cr_assert_gt(a.repetitions_needed, 5);
    char expected[160];
    snprintf(expected, sizeof(expected), "about %u repetitions in all would likely decide it",
             want);
    cr_assert(strstr(a.verdict_note, "E(2) = 0.92, 95% interval") != NULL, "%s", a.verdict_note);
    cr_assert(strstr(a.verdict_note, "straddles 0.90") != NULL, "%s", a.verdict_note);
    cr_assert(strstr(a.verdict_note, expected) != NULL, "%s", a.verdict_note);
}

Test(analyze, e_n_on_the_threshold_promises_no_number_of_repetitions)
{
    unsigned servers[] = {1, 2};
    double x[2][5] = {{1000, 1000, 1000, 1000, 1000}, {1700, 1760, 1800, 1840, 1900}};
    analysis_input in[2];
    steps_of(in, servers, x, 2, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 5}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "inconclusive");
    cr_assert_eq(a.repetitions_needed, 0);
    cr_assert(strstr(a.verdict_note, "sits on the threshold") != NULL, "%s", a.verdict_note);
}

Test(analyze, one_interval_below_the_threshold_makes_it_sub_linear_whatever_the_others)
{
    /* E(2) straddles, E(4) lies wholly below: the finding is sub-linear. */
    unsigned servers[] = {1, 2, 4};
    double x[3][5] = {{1000, 1000, 1000, 1000, 1000},
                      {1720, 1780, 1830, 1860, 1900},
                      {3000, 3050, 3100, 3150, 3200}};
    analysis_input in[3];
    steps_of(in, servers, x, 3, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 3, &(analysis_options){.seed = 5}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "sub-linear");
    cr_assert_eq(a.repetitions_needed, 0);
    cr_assert(strstr(a.verdict_note, "E(4) = 0.78, 95% interval [0.75, 0.80], lies below 0.90") !=
                  NULL,
              "%s", a.verdict_note);
}

Test(analyze, the_law_is_fitted_to_every_repetition_and_linear_data_gives_intervals_around_0)
{
    unsigned servers[] = {1, 2, 3, 4};
    double x[4][5];
    for (size_t i = 0; i < 4; i++)
        for (size_t r = 0; r < 5; r++)
            x[i][r] = 1000.0 * servers[i] * (1 + 0.01 * (double)((r * 3 + i) % 5));
    analysis_input in[4];
    steps_of(in, servers, x, 4, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 4, &(analysis_options){.seed = 9}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert(a.fitted);
    cr_assert_eq(a.usl.points, 20, "every repetition, not the 4 medians");
    cr_assert_eq(a.usl.counts, 4);
    cr_assert(a.usl.sigma.has_ci && a.usl.sigma.lo <= 0 && a.usl.sigma.hi >= 0,
              "sigma [%g, %g] contains 0", a.usl.sigma.lo, a.usl.sigma.hi);
    cr_assert(a.usl.amdahl || (a.usl.kappa.lo <= 0 && a.usl.kappa.hi >= 0),
              "kappa is 0 or its interval contains 0");
    cr_assert_str_eq(a.verdict, "linear");
    cr_assert_null(a.limiting_factor);
}

Test(analyze, contention_is_named_only_with_an_interval_above_0)
{
    /* X(N) = 1000 / (1 + 0.5 (N - 1)) with a little noise: sigma 0.5, clearly above 0. */
    unsigned servers[] = {1, 2, 3, 4};
    double x[4][5];
    for (size_t i = 0; i < 4; i++)
        for (size_t r = 0; r < 5; r++)
            x[i][r] =
                1000.0 * servers[i] / (1 + 0.5 * (servers[i] - 1)) * (1 + 0.005 * ((double)r - 2));
    analysis_input in[4];
    steps_of(in, servers, x, 4, 5);
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 4, &(analysis_options){.seed = 9}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(a.verdict, "sub-linear");
    cr_assert_str_eq(a.limiting_factor, "contention");
    cr_assert(a.usl.sigma.lo > 0.45 && a.usl.sigma.hi < 0.55, "[%g, %g]", a.usl.sigma.lo,
              a.usl.sigma.hi);
    cr_assert(strstr(a.verdict_note, "limited by contention: sigma = 0.5") != NULL, "%s",
              a.verdict_note);
}

/* X(N) of the law with sigma 0.05, kappa 0.002, lambda 1000, each repetition off by up to 1%. */
static void law_steps(analysis_input *in, double (*x)[5], const unsigned *servers, size_t nsteps)
{
    for (size_t i = 0; i < nsteps; i++) {
        double n = servers[i], law = 1000 * n / (1 + 0.05 * (n - 1) + 0.002 * n * (n - 1));
        for (size_t r = 0; r < 5; r++)
            x[i][r] = law * (1 + 0.005 * ((double)((r * 7 + i * 3) % 5) - 2));
        in[i] = (analysis_input){servers[i], x[i], 5, 1};
    }
}

Test(analyze, predictions_come_with_an_interval_and_measured_ones_are_verified_from_the_others)
{
    unsigned servers[] = {1, 2, 3, 4, 6, 8}, predict[] = {16, 6};
    double x[6][5];
    analysis_input in[6];
    law_steps(in, x, servers, 6);
    analysis a;
    char err[256];
    analysis_options options = {.seed = 1, .predict = predict, .npredict = 2};
    cr_assert_eq(analysis_run(in, 6, &options, &a, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(a.npredictions, 2);
    const analysis_prediction *beyond = &a.predictions[0], *six = &a.predictions[1];
    double law16 = 1000 * 16 / (1 + 0.05 * 15 + 0.002 * 16 * 15);
    cr_assert(beyond->ok && !beyond->measured);
    cr_assert(beyond->law.pi_lo <= law16 && law16 <= beyond->law.pi_hi, "%g in [%g, %g]", law16,
              beyond->law.pi_lo, beyond->law.pi_hi);
    cr_assert(six->ok && six->measured && six->held, "%s", six->note);
    cr_assert_float_eq(six->median, a.steps[4].throughput.median, 1e-9);
    cr_assert(strstr(a.verdict_note, "the prediction at 6 servers held: measured ") != NULL, "%s",
              a.verdict_note);
}

Test(analyze, a_measurement_outside_the_prediction_interval_is_said_not_to_hold)
{
    unsigned servers[] = {1, 2, 3, 4, 6, 8}, predict[] = {8};
    double x[6][5];
    analysis_input in[6];
    law_steps(in, x, servers, 6);
    for (size_t r = 0; r < 5; r++)
        x[5][r] *= 0.5; /* 8 servers gave half what the law of the others says */
    analysis a;
    char err[256];
    analysis_options options = {.seed = 1, .predict = predict, .npredict = 1};
    cr_assert_eq(analysis_run(in, 6, &options, &a, err, sizeof(err)), 0, "%s", err);
    cr_assert(a.predictions[0].ok && a.predictions[0].measured && !a.predictions[0].held);
    cr_assert(strstr(a.verdict_note, "the prediction at 8 servers did not hold") != NULL, "%s",
              a.verdict_note);
}

Test(analyze, no_prediction_without_a_fit_says_why)
{
    unsigned servers[] = {1, 2}, predict[] = {2};
    double x[2][5] = {{1000, 1010}, {2000, 1990}};
    analysis_input in[2];
    steps_of(in, servers, x, 2, 2);
    analysis a;
    char err[256];
    analysis_options options = {.seed = 1, .predict = predict, .npredict = 1};
    cr_assert_eq(analysis_run(in, 2, &options, &a, err, sizeof(err)), 0, "%s", err);
    cr_assert(!a.predictions[0].ok && a.predictions[0].measured);
    cr_assert(strstr(a.predictions[0].note, "no fit without the 2-server step") != NULL, "%s",
              a.predictions[0].note);
}

/* A step with fewer runs than the scenario's repetitions (its target failed part-way) is
 * refused, never analysed as if whole. */
Test(analyze, a_step_without_all_its_repetitions_is_refused)
{
    double one[] = {100, 101, 99}, two[] = {190};
    analysis_input in[] = {{1, one, 3, 1}, {2, two, 1, 1}};
    analysis a;
    char err[256];
    analysis_options options = {.seed = 7, .repetitions = 3};
    cr_assert_eq(analysis_run(in, 2, &options, &a, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "step 2 (2 servers) has 1 of its 3 repetitions");
    in[1].nruns = 1;
    options.repetitions = 1;
    cr_assert_eq(analysis_run(in, 2, &options, &a, err, sizeof(err)), -1, "nor more than asked");
    cr_assert_str_eq(err, "step 1 (1 servers) has 3 of its 1 repetitions");
}

/* A first step that served nothing leaves E(N) undefined: no step gets an efficiency (0.00
 * would read as a measured collapse), and the verdict is unknown, saying why. */
Test(analyze, no_efficiency_against_a_first_step_without_throughput)
{
    double one[] = {0, 0}, two[] = {180, 190};
    analysis_input in[] = {{1, one, 2, 1}, {2, two, 2, 1}};
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_not(a.has_efficiency);
    cr_assert_str_eq(a.verdict, "unknown");
    cr_assert(strstr(a.error, "no throughput at 1 servers") != NULL, "%s", a.error);
    json_t *steps = json_pack("[{s:{}}, {s:{}}]", "summary", "summary");
    analysis_json_steps(&a, steps);
    for (size_t i = 0; i < 2; i++) {
        json_t *summary = json_object_get(json_array_get(steps, i), "summary");
        cr_assert_not_null(json_object_get(summary, "throughput"));
        cr_assert_null(json_object_get(summary, "efficiency"), "step %zu", i);
        cr_assert_null(json_object_get(summary, "efficiency_ci95"), "step %zu", i);
    }
    json_decref(steps);
    /* With throughput at the first step, every step has one. */
    one[0] = one[1] = 100;
    cr_assert_eq(analysis_run(in, 2, &(analysis_options){.seed = 7}, &a, err, sizeof(err)), 0);
    cr_assert(a.has_efficiency);
    cr_assert_float_eq(a.steps[1].efficiency, 0.925, 1e-9);
}
