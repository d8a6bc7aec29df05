/*
 * test_stats.c - the statistics primitives against known answers: the
 * generator's published and reference vectors, bootstrap intervals whose
 * distribution can be worked out by hand (and their coverage), and
 * Mann-Whitney p-values computed by SciPy (stats_scipy.py printed them).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "bootstrap.h"
#include "mann_whitney.h"
#include "rng.h"

Test(rng, splitmix64_published_vector)
{
    uint64_t state = 0;
    cr_assert_eq(rng_splitmix64(&state), 0xe220a8397b1dcdafu);
    cr_assert_eq(rng_splitmix64(&state), 0x6e789e6aa1b965f4u);
    cr_assert_eq(rng_splitmix64(&state), 0x06c45d188009454fu);
}

Test(rng, xoshiro256starstar_reference_vectors)
{
    /* From state {1, 2, 3, 4}: the reference implementation's first outputs. */
    rng r = {{1, 2, 3, 4}};
    cr_assert_eq(rng_next(&r), 11520u);
    cr_assert_eq(rng_next(&r), 0u);
    cr_assert_eq(rng_next(&r), 1509978240u);
    cr_assert_eq(rng_next(&r), 1215971899390074240u);

    /* Seeded through splitmix64 (stats_scipy.py's transcription). */
    static const uint64_t want[] = {0x15780b2e0c2ec716u, 0x6104d9866d113a7eu, 0xae17533239e499a1u,
                                    0xecb8ad4703b360a1u};
    rng_seed(&r, 42);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(rng_next(&r), want[i], "output %d", i);
}

Test(rng, a_permutation_holds_every_index_once_and_comes_back_from_its_seed)
{
    size_t first[7], again[7], seen_first_place[7] = {0};
    rng r, r2;
    rng_seed(&r, 2026);
    rng_seed(&r2, 2026);
    for (int trial = 0; trial < 7000; trial++) {
        rng_permutation(&r, first, 7);
        rng_permutation(&r2, again, 7);
        cr_assert_arr_eq(first, again, sizeof(first), "the same seed, the same order");
        int count[7] = {0};
        for (size_t i = 0; i < 7; i++) {
            cr_assert_lt(first[i], 7u);
            count[first[i]]++;
        }
        for (size_t i = 0; i < 7; i++)
            cr_assert_eq(count[i], 1, "trial %d: index %zu appears %d times", trial, i, count[i]);
        seen_first_place[first[0]]++;
    }
    /* Uniform: each index leads about 1000 times in 7000 (sd about 30). */
    for (size_t i = 0; i < 7; i++)
        cr_assert(seen_first_place[i] > 850 && seen_first_place[i] < 1150,
                  "index %zu led %zu times", i, seen_first_place[i]);
    rng_seed(&r2, 2027);
    rng_permutation(&r2, again, 7);
    rng_seed(&r, 2026);
    rng_permutation(&r, first, 7);
    cr_assert(memcmp(first, again, sizeof(first)) != 0, "another seed, another order");
    rng_permutation(&r, first, 0); /* nothing to order: no draw, no write */
}

Test(rng, uniform_and_bounded_draws_stay_in_range_and_spread_evenly)
{
    rng r;
    rng_seed(&r, 1);
    int bins[6] = {0};
    for (int i = 0; i < 60000; i++) {
        double u = rng_uniform(&r);
        cr_assert(u >= 0 && u < 1);
        uint64_t k = rng_below(&r, 6);
        cr_assert_lt(k, 6u);
        bins[k]++;
    }
    for (int k = 0; k < 6; k++)
        cr_assert(bins[k] > 9500 && bins[k] < 10500, "bin %d: %d of 60000", k, bins[k]);
    cr_assert_eq(rng_below(&r, 1), 0u);
}

Test(bootstrap, median_of_three_has_a_hand_computed_interval)
{
    /* A resample's median is 1 with probability 7/27, 2 with 13/27, 3 with 7/27: the 2.5th
     * percentile is 1 and the 97.5th is 3. */
    double x[] = {3, 1, 2};
    bootstrap_interval ci;
    char err[128];
    cr_assert_eq(bootstrap_median(x, 3, BOOTSTRAP_DEFAULT_RESAMPLES, 5, &ci, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(ci.lo, 1);
    cr_assert_eq(ci.hi, 3);
    cr_assert_eq(x[0], 3, "the caller's values are not reordered");

    double constant[] = {7, 7, 7, 7};
    cr_assert_eq(bootstrap_median(constant, 4, 1000, 5, &ci, err, sizeof(err)), 0);
    cr_assert(ci.lo == 7 && ci.hi == 7);
}

Test(bootstrap, same_seed_same_interval)
{
    double x[] = {101, 97, 104, 99, 100.5, 98, 103, 96.5, 102};
    bootstrap_interval a, b, c;
    char err[128];
    cr_assert_eq(bootstrap_median(x, 9, 2000, 11, &a, err, sizeof(err)), 0);
    cr_assert_eq(bootstrap_median(x, 9, 2000, 11, &b, err, sizeof(err)), 0);
    cr_assert(a.lo == b.lo && a.hi == b.hi);
    cr_assert(a.lo <= 100.5 && 100.5 <= a.hi, "contains the sample median: [%g, %g]", a.lo, a.hi);
    cr_assert_eq(bootstrap_median_ratio(x, 9, x, 9, 2000, 11, &c, err, sizeof(err)), 0);
    cr_assert(c.lo < 1 && 1 < c.hi, "a sample against itself: [%g, %g]", c.lo, c.hi);
}

static double gaussian(rng *r)
{
    double u = 1 - rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

Test(bootstrap, intervals_cover_the_true_median_and_ratio)
{
    enum { TRIALS = 200, N = 31 };
    int median_covered = 0, ratio_covered = 0;
    for (int t = 0; t < TRIALS; t++) {
        rng r;
        rng_seed(&r, 1000 + (uint64_t)t);
        double num[N], den[N];
        for (int i = 0; i < N; i++) {
            num[i] = 2 * (100 + 10 * gaussian(&r));
            den[i] = 100 + 10 * gaussian(&r);
        }
        bootstrap_interval m, q;
        char err[128];
        cr_assert_eq(bootstrap_median(den, N, 2000, (uint64_t)t, &m, err, sizeof(err)), 0);
        cr_assert_eq(
            bootstrap_median_ratio(num, N, den, N, 2000, (uint64_t)t, &q, err, sizeof(err)), 0);
        median_covered += m.lo <= 100 && 100 <= m.hi;
        ratio_covered += q.lo <= 2 && 2 <= q.hi;
    }
    cr_log_info("median covered %d, ratio %d of %d", median_covered, ratio_covered, TRIALS);
    cr_expect_geq(median_covered, TRIALS * 9 / 10, "median covered %d of %d", median_covered,
                  TRIALS);
    cr_expect_geq(ratio_covered, TRIALS * 9 / 10, "ratio covered %d of %d", ratio_covered, TRIALS);
}

Test(bootstrap, bad_input_is_refused_with_a_reason)
{
    double x[] = {1, NAN}, zero[] = {1, 0};
    bootstrap_interval ci;
    char err[128];
    cr_assert_eq(bootstrap_median(x, 0, 1000, 1, &ci, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "sample: no values");
    cr_assert_eq(bootstrap_median(x, 2, 1000, 1, &ci, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "sample[1] = nan: expected a finite number");
    cr_assert_eq(bootstrap_median(x, 1, 10, 1, &ci, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "10 resamples: at least 100 are needed for a 95% interval");
    cr_assert_eq(bootstrap_median_ratio(x, 1, zero, 2, 1000, 1, &ci, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "denominator[1] = 0: expected a finite number above 0");
}

static void assert_mann_whitney(const double *a, size_t na, const double *b, size_t nb, int exact,
                                double u1, double p)
{
    mann_whitney mw, swapped;
    char err[128];
    cr_assert_eq(mann_whitney_test(a, na, b, nb, &mw, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(mw.exact, exact);
    cr_assert_float_eq(mw.u1, u1, 1e-9);
    cr_assert_float_eq(mw.u2, (double)(na * nb) - u1, 1e-9);
    cr_assert(fabs(mw.p - p) <= 1e-9 * p, "p = %.12g, SciPy %.12g", mw.p, p);
    cr_assert_eq(mann_whitney_test(b, nb, a, na, &swapped, err, sizeof(err)), 0);
    cr_assert(swapped.u1 == mw.u2 && swapped.p == mw.p, "two-sided: symmetric");
}

#define LEN(a) (sizeof(a) / sizeof(*(a)))

Test(mann_whitney, exact_p_values_match_scipy)
{
    double a1[] = {1.1, 2.3, 3.2}, b1[] = {4.5, 5.1, 6.7};
    assert_mann_whitney(a1, 3, b1, 3, 1, 0, 0.1);
    double a2[] = {10, 12, 14, 16, 18}, b2[] = {11, 13, 15, 17, 19};
    assert_mann_whitney(a2, 5, b2, 5, 1, 10, 0.690476190476);
    double a3[] = {5.0, 7.5, 9.1, 3.3, 8.8, 6.2, 4.4}, b3[] = {1.0, 2.2, 0.5, 3.1};
    assert_mann_whitney(a3, LEN(a3), b3, LEN(b3), 1, 28, 0.00606060606061);
    double a4[] = {101.0, 99.5, 100.4, 102.2, 98.7, 100.9, 101.6, 99.1, 100.2, 103.0, 97.9, 100.7};
    double b4[] = {96.1, 98.2, 97.4, 99.8, 95.5, 97.0, 98.9, 96.8, 97.7, 99.3};
    assert_mann_whitney(a4, LEN(a4), b4, LEN(b4), 1, 110, 0.000429910646629);
}

Test(mann_whitney, tied_and_large_samples_use_the_corrected_normal_approximation)
{
    double a1[] = {1, 2, 2, 3, 3, 3}, b1[] = {2, 3, 4, 4, 5, 5};
    assert_mann_whitney(a1, 6, b1, 6, 0, 5.5, 0.0479678737427);
    double a2[] = {7, 7, 7, 8}, b2[] = {7, 7, 9, 9, 9};
    assert_mann_whitney(a2, 4, b2, 5, 0, 5, 0.217808753548);
    double a3[60], b3[60];
    for (int i = 0; i < 60; i++)
        a3[i] = i, b3[i] = i + 10.5;
    assert_mann_whitney(a3, 60, b3, 60, 0, 1225, 0.00256688794352);

    double same[] = {4, 4, 4};
    mann_whitney mw;
    char err[128];
    cr_assert_eq(mann_whitney_test(same, 3, same, 3, &mw, err, sizeof(err)), 0);
    cr_assert_eq(mw.p, 1, "nothing tells identical samples apart");
}

Test(mann_whitney, bad_input_is_refused_with_a_reason)
{
    double a[] = {1, INFINITY};
    mann_whitney mw;
    char err[128];
    cr_assert_eq(mann_whitney_test(a, 1, a, 0, &mw, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "second sample: no values");
    cr_assert_eq(mann_whitney_test(a, 2, a, 1, &mw, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "first sample[1] = inf: expected a finite number");
}
