/*
 * test_usl.c - the summary of the Universal Scalability Law fit that the run's
 * analysis and the HTML report read (usl.h), on synthetic data whose sigma and
 * kappa are known. The fit itself, with its intervals, is test_usl_nls.c's.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "usl.h"

static void synthesize(double lambda, double sigma, double kappa, const double *n, double *x,
                       size_t count)
{
    for (size_t i = 0; i < count; i++)
        x[i] = lambda * n[i] / (1 + sigma * (n[i] - 1) + kappa * n[i] * (n[i] - 1));
}

static void assert_within(double got, double want, double fraction, const char *what)
{
    cr_assert(fabs(got - want) <= fraction * fabs(want), "%s: got %g, want %g (within %g%%)", what,
              got, want, fraction * 100);
}

Test(usl, recovers_known_contention_and_coherency)
{
    double n[] = {1, 2, 4, 8, 16, 32}, x[6];
    synthesize(1000, 0.05, 0.002, n, x, 6);
    usl_fit fit = usl_fit_points(n, x, 6);
    cr_assert(fit.fitted && !fit.amdahl);
    assert_within(fit.lambda, 1000, 0.01, "lambda");
    assert_within(fit.sigma, 0.05, 0.01, "sigma");
    assert_within(fit.kappa, 0.002, 0.01, "kappa");
    assert_within(fit.peak_n, sqrt(0.95 / 0.002), 0.01, "peak");
    cr_assert_gt(fit.r2, 0.9999);
    cr_assert(fit.has_errors, "6 points leave 3 to spare");
    cr_assert_lt(fit.sigma_se, 1e-6, "exact data: no uncertainty");
    cr_assert_lt(fit.kappa_se, 1e-6, "exact data: no uncertainty");
}

Test(usl, amdahl_only_data_has_no_coherency)
{
    double n[] = {1, 2, 3, 4, 8, 16}, x[6];
    synthesize(500, 0.1, 0, n, x, 6);
    usl_fit fit = usl_fit_points(n, x, 6);
    assert_within(fit.sigma, 0.1, 0.01, "sigma");
    cr_assert(fit.amdahl, "kappa is not distinguishable from 0: %s", fit.note);
    cr_assert_eq(fit.kappa, 0);
    cr_assert(strstr(fit.note, "Amdahl's law (kappa = 0) was fitted") != NULL, "%s", fit.note);
    cr_assert_float_eq(fit.peak_n, 0, 1e-9, "no peak without coherency");
    assert_within(usl_predict(&fit, 32), 500 * 32 / (1 + 0.1 * 31), 0.01, "prediction");
}

Test(usl, perfectly_linear_data)
{
    double n[] = {1, 2, 4, 8}, x[] = {100, 200, 400, 800};
    usl_fit fit = usl_fit_points(n, x, 4);
    cr_assert_lt(fit.sigma, 1e-9);
    cr_assert_lt(fit.kappa, 1e-9);
    assert_within(fit.lambda, 100, 0.001, "lambda");
    cr_assert_gt(fit.r2, 0.999999);
}

Test(usl, a_serial_bottleneck_shows_as_contention)
{
    /* Throughput flat at the serial bound, as /contention gives: sigma near 1. */
    double n[] = {1, 2, 4}, x[] = {469, 461, 448};
    usl_fit fit = usl_fit_points(n, x, 3);
    cr_assert(fit.fitted);
    cr_assert_gt(fit.sigma, 0.9, "sigma %g", fit.sigma);
}

Test(usl, too_few_points_say_so)
{
    double n[] = {1, 2, 4}, x[] = {100, 190, 340};
    usl_fit none = usl_fit_points(n, x, 1);
    cr_assert_not(none.fitted);
    cr_assert(strstr(none.note, "at least 2 server counts") != NULL, "%s", none.note);

    usl_fit two = usl_fit_points(n, x, 2);
    cr_assert(two.fitted && two.amdahl, "two points: Amdahl's law");
    assert_within(two.sigma, 100.0 * 2 / 190 - 1, 1e-6, "sigma from two points");
    cr_assert_not(two.has_errors, "two points, two parameters: nothing to spare");
    cr_assert(strstr(two.note, "2 server counts: Amdahl's law fitted") != NULL, "%s", two.note);

    usl_fit three = usl_fit_points(n, x, 3);
    cr_assert(three.fitted && !three.has_errors);
    cr_assert(strstr(three.note, "no residual error and no interval") != NULL, "%s", three.note);
}

Test(usl, bad_throughput_is_not_fitted)
{
    double n[] = {1, 2, 4}, x[] = {100, 0, 340};
    usl_fit fit = usl_fit_points(n, x, 3);
    cr_assert_not(fit.fitted);
    cr_assert(strstr(fit.note, "measurement 2: throughput must be a finite number above 0") != NULL,
              "%s", fit.note);
}

Test(usl, noisy_data_gets_standard_errors)
{
    double n[] = {1, 2, 4, 8, 16}, x[5];
    synthesize(1000, 0.03, 0.001, n, x, 5);
    double noise[] = {1.0, 1.02, 0.98, 1.01, 0.99};
    for (int i = 0; i < 5; i++)
        x[i] *= noise[i];
    usl_fit fit = usl_fit_points(n, x, 5);
    cr_assert(fit.has_errors);
    cr_assert_gt(fit.sigma_se, 0);
    cr_assert(fit.amdahl ? fit.kappa_se == 0 : fit.kappa_se > 0, "kappa_se %g", fit.kappa_se);
    cr_assert_gt(fit.r2, 0.99);
}

static void assert_refused_and_finite(const usl_fit *fit)
{
    cr_assert(!fit->fitted);
    cr_assert(*fit->note != '\0', "it says why");
    double figures[] = {fit->lambda, fit->sigma,    fit->kappa,   fit->r2,
                        fit->peak_n, fit->sigma_se, fit->kappa_se};
    for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
        cr_assert(isfinite(figures[i]) && figures[i] == 0, "figure %zu: %g", i, figures[i]);
}

/* Zero throughput at a step once made sigma and kappa NaN (and the analysis vanish from the
 * report): such points are refused, saying why, and no figure is NaN or infinite. */
Test(usl, zero_throughput_is_refused_not_nan)
{
    double n[] = {1, 2, 4}, zero_first[] = {0, 100, 200}, zero_later[] = {100, 0, 200};
    usl_fit fit = usl_fit_points(n, zero_first, 3);
    assert_refused_and_finite(&fit);
    cr_assert(strstr(fit.note, "throughput must be a finite number above 0, got 0") != NULL, "%s",
              fit.note);
    fit = usl_fit_points(n, zero_later, 3);
    assert_refused_and_finite(&fit);
    double huge[] = {1.7e308, 1.7e308, 1.7e308};
    fit = usl_fit_points(n, huge, 3);
    cr_assert(!fit.fitted || (isfinite(fit.lambda) && isfinite(fit.r2)), "finite or refused");
}
