/*
 * test_usl_nls.c - the nonlinear USL fit against known answers: synthetic data
 * with known sigma, kappa and lambda and Gaussian noise must be recovered
 * inside the 95% intervals in at least 90% of seeded trials; exactly linear
 * data must give sigma and kappa intervals containing 0; super-linear data a
 * sigma below 0; and the shipped synthetic CSV must agree with SciPy's
 * curve_fit (tests/fixtures/usl_scipy.py printed the expected values).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "fit_csv.h"
#include "rng.h"
#include "usl_nls.h"

#define TRIALS 200

static double usl(double lambda, double sigma, double kappa, double n)
{
    return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/* A standard normal deviate (Box-Muller). */
static double gaussian(rng *r)
{
    double u = 1 - rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static int covers(const usl_estimate *e, double truth)
{
    cr_assert(e->has_ci, "no interval");
    return e->lo <= truth && truth <= e->hi;
}

static usl_nls fit_ok(const double *n, const double *x, size_t count)
{
    usl_nls fit;
    char err[256];
    cr_assert_eq(usl_nls_fit(n, x, count, &fit, err, sizeof(err)), 0, "%s", err);
    return fit;
}

Test(usl_nls, noisy_data_is_recovered_inside_the_intervals)
{
    static const double counts[] = {1, 2, 4, 8, 12, 16, 24, 32};
    const double lambda = 1000, sigma = 0.05, kappa = 0.002, noise = 15, far = 40;
    double n[24], x[24];
    int covered[6] = {0};
    for (int trial = 0; trial < TRIALS; trial++) {
        rng r;
        rng_seed(&r, (uint64_t)trial);
        for (size_t i = 0; i < 24; i++) {
            n[i] = counts[i / 3];
            x[i] = usl(lambda, sigma, kappa, n[i]) + noise * gaussian(&r);
        }
        usl_nls fit = fit_ok(n, x, 24);
        cr_assert_not(fit.amdahl, "trial %d: kappa is far from 0", trial);
        covered[0] += covers(&fit.lambda, lambda);
        covered[1] += covers(&fit.sigma, sigma);
        covered[2] += covers(&fit.kappa, kappa);
        covered[3] += covers(&fit.peak_n, sqrt((1 - sigma) / kappa));
        usl_prediction p;
        char err[256];
        cr_assert_eq(usl_nls_predict(&fit, far, &p, err, sizeof(err)), 0, "%s", err);
        double truth = usl(lambda, sigma, kappa, far);
        covered[4] += p.ci_lo <= truth && truth <= p.ci_hi;
        double fresh = truth + noise * gaussian(&r);
        covered[5] += p.pi_lo <= fresh && fresh <= p.pi_hi;
        cr_assert(p.pi_lo < p.ci_lo && p.ci_hi < p.pi_hi, "a new measurement varies more");
    }
    static const char *const names[] = {"lambda",  "sigma",        "kappa",
                                        "peak N*", "X(40) (mean)", "X(40) (new)"};
    for (int i = 0; i < 6; i++) {
        cr_log_info("%s covered in %d of %d trials", names[i], covered[i], TRIALS);
        cr_expect_geq(covered[i], TRIALS * 9 / 10, "%s covered in %d of %d trials", names[i],
                      covered[i], TRIALS);
    }
}

Test(usl_nls, exactly_linear_data_gives_intervals_containing_zero)
{
    double n[] = {1, 1, 2, 2, 4, 4, 8, 8}, x[8];
    for (int i = 0; i < 8; i++)
        x[i] = 250 * n[i];
    usl_nls fit = fit_ok(n, x, 8);
    cr_assert(covers(&fit.sigma, 0), "sigma [%g, %g]", fit.sigma.lo, fit.sigma.hi);
    cr_assert(covers(&fit.kappa, 0), "kappa [%g, %g]", fit.kappa.lo, fit.kappa.hi);
    cr_assert(fit.amdahl && !fit.has_peak);
    cr_assert_float_eq(fit.lambda.value, 250, 1e-9);
    cr_assert(strstr(fit.notes, "contains 0") != NULL, "%s", fit.notes);
}

Test(usl_nls, super_linear_data_gives_sigma_below_zero)
{
    static const double counts[] = {1, 2, 3, 4, 6, 8};
    double n[18], x[18];
    rng r;
    rng_seed(&r, 7);
    for (size_t i = 0; i < 18; i++) {
        n[i] = counts[i / 3];
        x[i] = usl(100, -0.04, 0, n[i]) * (1 + 0.005 * gaussian(&r));
    }
    usl_nls fit = fit_ok(n, x, 18);
    cr_assert_lt(fit.sigma.value, 0, "not clamped: %g", fit.sigma.value);
    cr_assert_lt(fit.sigma.hi, 0, "the whole interval is below 0: [%g, %g]", fit.sigma.lo,
                 fit.sigma.hi);
    cr_assert(covers(&fit.sigma, -0.04));
    cr_assert(strstr(fit.notes, "super-linear") != NULL, "%s", fit.notes);

    /* Far enough out, 1 + sigma (N - 1) reaches 0: no prediction, and no NaN. */
    usl_prediction p;
    char err[256];
    cr_assert_eq(usl_nls_predict(&fit, 100, &p, err, sizeof(err)), -1);
    cr_assert(strstr(err, "not positive") != NULL, "%s", err);
}

static void assert_digits(double got, double want, const char *what)
{
    /* Three significant digits: within half a unit of the third. */
    double unit = pow(10, floor(log10(fabs(want))) - 2);
    cr_assert_leq(fabs(got - want), unit / 2, "%s: got %.10g, SciPy %.10g", what, got, want);
}

Test(usl_nls, agrees_with_scipy_curve_fit)
{
    fit_data data;
    char err[512];
    cr_assert_eq(fit_csv_read(FIXTURES_DIR "/usl-synthetic.csv", &data, err, sizeof(err)), 0, "%s",
                 err);
    usl_nls fit = fit_ok(data.servers, data.throughput, data.count);
    fit_data_free(&data);
    /* tests/fixtures/usl_scipy.py, SciPy 1.10.1 */
    assert_digits(fit.lambda.value, 1001.141215, "lambda");
    assert_digits(fit.sigma.value, 0.05049242493, "sigma");
    assert_digits(fit.kappa.value, 0.001992611067, "kappa");
    assert_digits(fit.lambda.lo, 996.5860076, "lambda's lower bound");
    assert_digits(fit.sigma.hi, 0.05145909057, "sigma's upper bound");
    assert_digits(fit.kappa.lo, 0.001973796946, "kappa's lower bound");
    assert_digits(fit.residual_se, 10.92480523, "residual standard error");
    cr_assert_eq(fit.dof, 21);
}

Test(usl_nls, what_each_number_of_server_counts_can_fit)
{
    double n[] = {1, 1, 2, 2, 4, 4, 8, 8}, x[8];
    for (int i = 0; i < 8; i++)
        x[i] = usl(1000, 0.1, 0.01, n[i]) * (i % 2 ? 1.01 : 0.99);

    usl_nls two = fit_ok(n, x, 4);
    cr_assert(two.amdahl && two.sigma.has_ci && !two.kappa.has_ci && !two.has_peak);
    cr_assert_eq(two.dof, 2);
    cr_assert(strstr(two.notes, "2 server counts: Amdahl's law fitted") != NULL, "%s", two.notes);

    usl_nls three = fit_ok(n, x, 6);
    cr_assert(!three.amdahl && three.sigma.has_ci && !three.kappa.has_ci);
    cr_assert(three.has_peak && !three.peak_n.has_ci, "a peak, but no interval for it");
    cr_assert(strstr(three.notes, "has no interval (that needs 4 counts)") != NULL, "%s",
              three.notes);

    usl_nls four = fit_ok(n, x, 8);
    cr_assert(!four.amdahl && four.kappa.has_ci && four.peak_n.has_ci && four.peak_x.has_ci);
    cr_assert(covers(&four.kappa, 0.01));

    double one_each[] = {1, 2, 4}, exact_x[3];
    for (int i = 0; i < 3; i++)
        exact_x[i] = usl(1000, 0.1, 0.01, one_each[i]);
    usl_nls exact = fit_ok(one_each, exact_x, 3);
    cr_assert_eq(exact.dof, 0);
    cr_assert(!exact.sigma.has_ci && !exact.lambda.has_ci);
    cr_assert(strstr(exact.notes, "no residual error and no interval") != NULL, "%s", exact.notes);
    usl_prediction p;
    char err[256];
    cr_assert_eq(usl_nls_predict(&exact, 3, &p, err, sizeof(err)), 0, "%s", err);
    cr_assert_not(p.has_intervals);
}

Test(usl_nls, exact_data_is_predicted_exactly)
{
    double n[] = {1, 2, 4, 8, 16, 32}, x[6];
    for (int i = 0; i < 6; i++)
        x[i] = usl(800, 0.03, 0.0005, n[i]);
    usl_nls fit = fit_ok(n, x, 6);
    usl_prediction p;
    char err[256];
    cr_assert_eq(usl_nls_predict(&fit, 64, &p, err, sizeof(err)), 0, "%s", err);
    cr_assert_float_eq(p.value, usl(800, 0.03, 0.0005, 64), 1e-6);
    cr_assert_float_eq(fit.peak_n.value, sqrt(0.97 / 0.0005), 1e-6);
    cr_assert_float_eq(fit.peak_x.value, usl(800, 0.03, 0.0005, sqrt(0.97 / 0.0005)), 1e-6);
}

Test(usl_nls, bad_input_is_refused_with_a_reason)
{
    static const struct {
        double n, x;
        const char *why;
    } cases[] = {
        {2, 0, "measurement 2: throughput must be a finite number above 0, got 0"},
        {2, -5, "measurement 2: throughput must be a finite number above 0, got -5"},
        {2, NAN, "measurement 2: throughput must be a finite number above 0, got nan"},
        {2, INFINITY, "measurement 2: throughput must be a finite number above 0, got inf"},
        {0, 10, "measurement 2: servers must be from 1 to 1e+06, got 0"},
        {NAN, 10, "measurement 2: servers must be from 1 to 1e+06, got nan"},
        {1, 10, "every measurement is at 1 servers: a fit needs at least 2 server counts"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        double n[] = {1, cases[i].n}, x[] = {10, cases[i].x};
        usl_nls fit;
        char err[256] = "";
        cr_assert_eq(usl_nls_fit(n, x, 2, &fit, err, sizeof(err)), -1, "case %zu", i);
        cr_assert_str_eq(err, cases[i].why);
    }
    usl_nls fit;
    char err[256];
    cr_assert_eq(usl_nls_fit(NULL, NULL, 0, &fit, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "no measurements to fit");
    /* Found by fuzzing: 1e-300 next to 1e300 underflowed the solver's units to a wrong fit. */
    double n[] = {1, 2}, x[] = {1e300, 1e-300};
    cr_assert_eq(usl_nls_fit(n, x, 2, &fit, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "throughput ranges from 1e-300 to 1e+300: more than 1e+12 times apart, "
                          "which no scaling measurement is");
    /* Found by fuzzing: far from N = 1, lambda and sigma grew together without bound, and the
     * delta method's sums cancelled to a negative variance. */
    double far_n[] = {16, 2, 4, 8}, far_x[] = {100, 868, 400, 800};
    cr_assert_eq(usl_nls_fit(far_n, far_x, 4, &fit, err, sizeof(err)), -1);
    cr_assert(strstr(err, "the fit is degenerate: these measurements cannot tell lambda from "
                          "sigma") != NULL,
              "%s", err);
}
