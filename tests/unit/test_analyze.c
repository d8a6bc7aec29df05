/*
 * test_analyze.c - the analysis of a model's steps (analyze.h) on data whose
 * answer is known: exactly linear data, data that scales at half the ideal,
 * a flagged step, a step without throughput, and input that breaks the
 * contract.
 */
#include <criterion/criterion.h>
#include <string.h>

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
    cr_assert_eq(analysis_run(in, 4, &a, err, sizeof(err)), 0, "%s", err);
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
    cr_assert_eq(analysis_run(in, 3, &a, err, sizeof(err)), 0, "%s", err);
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
    cr_assert_eq(analysis_run(in, 2, &a, err, sizeof(err)), 0, "%s", err);
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
    cr_assert_eq(analysis_run(in, 1, &a, err, sizeof(err)), 0, "%s", err);
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
    cr_assert_eq(analysis_run(in, 3, &a, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(a.verdict, "unknown");
    cr_assert(strstr(a.error, "no throughput at 2 servers") != NULL, "%s", a.error);
    cr_assert_eq(a.usl.fitted, 0);
}

Test(analyze, input_that_breaks_the_contract_is_refused)
{
    analysis a;
    char err[256];
    cr_assert_eq(analysis_run(NULL, 0, &a, err, sizeof(err)), -1);
    cr_assert(strstr(err, "0 steps") != NULL, "%s", err);
    double x[1] = {1000};
    analysis_input none = {1, x, 0, 1};
    cr_assert_eq(analysis_run(&none, 1, &a, err, sizeof(err)), -1);
    cr_assert(strstr(err, "no repetitions") != NULL, "%s", err);
}
