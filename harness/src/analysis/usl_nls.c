/*
 * usl_nls.c - the Universal Scalability Law by nonlinear least squares (GSL's
 * trust-region solver, gsl_multifit_nlinear), with intervals.
 *
 * The solver works in scaled units (throughput divided by its largest value)
 * so that lambda, sigma and kappa are of comparable size to it, and starts from
 * the best point of a coarse grid over sigma and kappa, where lambda has a
 * closed form: for fixed sigma and kappa the law is linear in lambda. The grid
 * runs on the means of each server count, weighted by their sizes, which gives
 * the same residual sum of squares up to a constant, so it costs little however
 * many repeats there are.
 *
 * Which parameters can be fitted depends on the distinct server counts: 2
 * determine lambda and sigma (Amdahl's law), 3 also kappa, but only a fourth
 * leaves the law something to be tested against, so kappa's interval needs 4.
 */
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usl_nls.h"

#define MAX_SERVERS 1e6
/* Throughputs further apart than this are no scaling measurement, and would underflow the
 * solver's scaled units. */
#define MAX_THROUGHPUT_RATIO 1e12
/* Parameters correlated closer than this to +-1 are not determined separately. */
#define MIN_DECORRELATION 1e-9
#define MAX_ITERATIONS 500
#define TOLERANCE 1e-12

/* The data the solver sees: scaled throughputs and the parameters it does not fit. */
typedef struct problem {
    const double *n;
    double *y; /* x / scale */
    size_t count;
    int amdahl; /* fit lambda and sigma only, kappa = 0 */
} problem;

/* lambda, sigma, kappa in the solver's units. */
typedef struct params {
    double lambda, sigma, kappa;
} params;

static double denominator(const params *p, double n)
{
    return 1 + p->sigma * (n - 1) + p->kappa * n * (n - 1);
}

static params params_from(const gsl_vector *v, int amdahl)
{
    params p = {gsl_vector_get(v, 0), gsl_vector_get(v, 1), amdahl ? 0 : gsl_vector_get(v, 2)};
    return p;
}

/* The gradient of the law at n with respect to lambda, sigma and kappa. */
static void gradient(const params *p, double n, double g[USL_PARAMS])
{
    double d = denominator(p, n);
    g[USL_LAMBDA] = n / d;
    g[USL_SIGMA] = -p->lambda * n * (n - 1) / (d * d);
    g[USL_KAPPA] = -p->lambda * n * n * (n - 1) / (d * d);
}

static int residuals(const gsl_vector *v, void *data, gsl_vector *f)
{
    const problem *pr = data;
    params p = params_from(v, pr->amdahl);
    for (size_t i = 0; i < pr->count; i++)
        gsl_vector_set(f, i, p.lambda * pr->n[i] / denominator(&p, pr->n[i]) - pr->y[i]);
    return GSL_SUCCESS;
}

static int jacobian(const gsl_vector *v, void *data, gsl_matrix *J)
{
    const problem *pr = data;
    params p = params_from(v, pr->amdahl);
    for (size_t i = 0; i < pr->count; i++) {
        double g[USL_PARAMS];
        gradient(&p, pr->n[i], g);
        for (size_t j = 0; j < J->size2; j++)
            gsl_matrix_set(J, i, j, g[j]);
    }
    return GSL_SUCCESS;
}

static void note(usl_nls *fit, const char *fmt, ...)
{
    size_t used = strlen(fit->notes);
    if (used != 0 && used + 1 < sizeof(fit->notes))
        fit->notes[used++] = ' ', fit->notes[used] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fit->notes + used, sizeof(fit->notes) - used, fmt, ap);
    va_end(ap);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The distinct server counts (sorted into groups[].n), each with its mean and size. */
typedef struct group {
    double n, mean, size;
} group;

static size_t group_by_servers(const problem *pr, group *groups)
{
    double *sorted = malloc(pr->count * sizeof(*sorted));
    if (sorted == NULL)
        return 0;
    memcpy(sorted, pr->n, pr->count * sizeof(*sorted));
    qsort(sorted, pr->count, sizeof(*sorted), compare_doubles);
    size_t k = 0;
    for (size_t i = 0; i < pr->count; i++) {
        if (i == 0 || sorted[i] != sorted[i - 1])
            groups[k++] = (group){.n = sorted[i]};
    }
    free(sorted);
    for (size_t i = 0; i < pr->count; i++) {
        /* compare_doubles sees a group's first member, n. */
        group key = {.n = pr->n[i]};
        group *g = bsearch(&key, groups, k, sizeof(*groups), compare_doubles);
        g->size += 1;
        g->mean += (pr->y[i] - g->mean) / g->size;
    }
    return k;
}

/*
 * The grid point (sigma, kappa) whose best lambda leaves the smallest residual sum of
 * squares over the group means; kappa = 0 only when amdahl. Points where the law's
 * denominator is not positive at some server count are skipped; sigma = kappa = 0 never is.
 */
static params grid_start(const group *groups, size_t k, int amdahl)
{
    params best = {0}, p;
    double best_rss = INFINITY;
    int last_kappa = amdahl ? -1 : 16; /* -1 is kappa = 0, then 1e-8 to 1 in half decades */
    for (int s = -45; s <= 100; s++) {
        for (int e = -1; e <= last_kappa; e++) {
            p.sigma = s * 0.02;
            p.kappa = e < 0 ? 0 : pow(10, -8 + e * 0.5);
            double mh = 0, hh = 0;
            int valid = 1;
            for (size_t i = 0; i < k && valid; i++) {
                double d = denominator(&p, groups[i].n), h = groups[i].n / d;
                valid = d > 0;
                mh += groups[i].size * groups[i].mean * h;
                hh += groups[i].size * h * h;
            }
            if (!valid || !(hh > 0))
                continue;
            p.lambda = mh / hh;
            double rss = 0;
            for (size_t i = 0; i < k; i++) {
                double r = groups[i].mean - p.lambda * groups[i].n / denominator(&p, groups[i].n);
                rss += groups[i].size * r * r;
            }
            if (rss < best_rss)
                best_rss = rss, best = p;
        }
    }
    return best;
}

/*
 * GSL reports GSL_ENOPROG when no step lowers the cost any more (GSL_EMAXITER when that
 * happens on the first step), which also happens at an exact minimum: accept it when the residuals
 * are rounding noise against the data, or when the gradient is negligible against them, column by
 * column (the cosine between each column of J and the residual vector).
 */
static int at_minimum(gsl_multifit_nlinear_workspace *w, const problem *pr)
{
    gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    gsl_vector *f = gsl_multifit_nlinear_residual(w);
    gsl_vector_const_view y = gsl_vector_const_view_array(pr->y, pr->count);
    double fnorm = gsl_blas_dnrm2(f);
    if (fnorm <= 1e-12 * gsl_blas_dnrm2(&y.vector))
        return 1;
    for (size_t j = 0; j < J->size2; j++) {
        gsl_vector_view col = gsl_matrix_column(J, j);
        double dot, cnorm = gsl_blas_dnrm2(&col.vector);
        gsl_blas_ddot(&col.vector, f, &dot);
        if (fabs(dot) > 1e-6 * cnorm * fnorm)
            return 0;
    }
    return 1;
}

/*
 * Refuses a covariance that leaves parameters undetermined: not finite, or two parameters
 * so correlated that the data cannot tell them apart (as lambda and sigma, both growing
 * without bound, when the smallest server count is far from 1). Past that point the delta
 * method's sums cancel to nothing but rounding.
 */
static int degenerate(double cov[USL_PARAMS][USL_PARAMS], size_t p, char *err, size_t errlen)
{
    static const char *const names[] = {"lambda", "sigma", "kappa"};
    for (size_t i = 0; i < p; i++) {
        for (size_t j = 0; j < p; j++) {
            double c = cov[i][j], scale = sqrt(cov[i][i] * cov[j][j]);
            if (!isfinite(c)) {
                snprintf(err, errlen,
                         "the fit is degenerate: these measurements do not determine %s "
                         "(its covariance is not finite)",
                         names[i]);
                return -1;
            }
            if (i < j && scale > 0 && fabs(c) / scale > 1 - MIN_DECORRELATION) {
                snprintf(err, errlen,
                         "the fit is degenerate: these measurements cannot tell %s from %s "
                         "(correlation %.12g); measure more server counts, 1 among them",
                         names[i], names[j], c / scale);
                return -1;
            }
        }
    }
    return 0;
}

/*
 * One least-squares fit of pr from start: *out gets the parameters, cov their covariance
 * ((J'J)^-1 s^2, in the solver's units) and *rss the residual sum of squares. -1 with err
 * when the solver fails, or ends where the law is not positive at every measurement.
 */
static int solve(problem *pr, params start, params *out, double cov[USL_PARAMS][USL_PARAMS],
                 double *rss, char *err, size_t errlen)
{
    size_t p = pr->amdahl ? 2 : 3;
    gsl_multifit_nlinear_parameters settings = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &settings, pr->count, p);
    gsl_matrix *covar = gsl_matrix_alloc(p, p);
    int rc = -1;
    if (w == NULL || covar == NULL) {
        snprintf(err, errlen, "out of memory for the fit");
        goto done;
    }
    double x0[3] = {start.lambda, start.sigma, start.kappa};
    gsl_vector_view x = gsl_vector_view_array(x0, p);
    gsl_multifit_nlinear_fdf fdf = {
        .f = residuals, .df = jacobian, .n = pr->count, .p = p, .params = pr};
    int info, status = gsl_multifit_nlinear_init(&x.vector, &fdf, w);
    if (status == GSL_SUCCESS)
        status = gsl_multifit_nlinear_driver(MAX_ITERATIONS, TOLERANCE, TOLERANCE, 0, NULL, NULL,
                                             &info, w);
    if ((status == GSL_ENOPROG || status == GSL_EMAXITER) && at_minimum(w, pr))
        status = GSL_SUCCESS;
    if (status != GSL_SUCCESS) {
        snprintf(err, errlen, "the fit did not converge (%s after %zu iterations)",
                 gsl_strerror(status), gsl_multifit_nlinear_niter(w));
        goto done;
    }
    *out = params_from(gsl_multifit_nlinear_position(w), pr->amdahl);
    double chi = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(w));
    *rss = chi * chi;
    for (size_t i = 0; i < pr->count; i++) {
        if (!(denominator(out, pr->n[i]) > 0)) {
            snprintf(err, errlen,
                     "the fit did not converge (it ended where the law is not positive at %g "
                     "servers)",
                     pr->n[i]);
            goto done;
        }
    }
    memset(cov, 0, sizeof(double) * USL_PARAMS * USL_PARAMS);
    if (pr->count > p) {
        /* With no degrees of freedom there is no interval, whatever J'J is. */
        gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, covar);
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++)
                cov[i][j] = gsl_matrix_get(covar, i, j);
    }
    if (degenerate(cov, p, err, errlen) != 0)
        goto done;
    if (!isfinite(out->lambda) || !isfinite(out->sigma) || !isfinite(out->kappa) ||
        !isfinite(*rss)) {
        snprintf(err, errlen, "the fit did not converge (it ended on a value that is not finite)");
        goto done;
    }
    rc = 0;
done:
    gsl_matrix_free(covar);
    if (w != NULL)
        gsl_multifit_nlinear_free(w);
    return rc;
}

static int check_input(const double *n, const double *x, size_t count, char *err, size_t errlen)
{
    if (count == 0) {
        snprintf(err, errlen, "no measurements to fit");
        return -1;
    }
    double lowest = INFINITY, highest = 0;
    for (size_t i = 0; i < count; i++) {
        if (!isfinite(n[i]) || n[i] < 1 || n[i] > MAX_SERVERS) {
            snprintf(err, errlen, "measurement %zu: servers must be from 1 to %g, got %g", i + 1,
                     MAX_SERVERS, n[i]);
            return -1;
        }
        if (!isfinite(x[i]) || !(x[i] > 0)) {
            snprintf(err, errlen,
                     "measurement %zu: throughput must be a finite number above 0, got %g", i + 1,
                     x[i]);
            return -1;
        }
        lowest = fmin(lowest, x[i]);
        highest = fmax(highest, x[i]);
    }
    if (highest / lowest > MAX_THROUGHPUT_RATIO) {
        snprintf(err, errlen,
                 "throughput ranges from %g to %g: more than %g times apart, which no scaling "
                 "measurement is",
                 lowest, highest, MAX_THROUGHPUT_RATIO);
        return -1;
    }
    return 0;
}

/* value +- t se, unless there is no interval to give. */
static usl_estimate estimate(double value, double variance, double t95, int has_ci)
{
    usl_estimate e = {.value = value, .has_ci = has_ci && variance >= 0 && isfinite(variance)};
    double half = e.has_ci ? t95 * sqrt(variance) : 0;
    e.lo = value - half;
    e.hi = value + half;
    return e;
}

/* Fills lambda, sigma, kappa, residual_se and cov in the caller's units from one solution. */
static void record(usl_nls *fit, const params *p, double cov[USL_PARAMS][USL_PARAMS], double rss,
                   double scale, int kappa_has_ci)
{
    fit->dof = fit->points - (fit->amdahl ? 2 : 3);
    fit->t95 = fit->dof > 0 ? gsl_cdf_tdist_Pinv(0.975, (double)fit->dof) : 0;
    double s2 = fit->dof > 0 ? rss / (double)fit->dof : 0;
    double units[USL_PARAMS] = {scale, 1, 1};
    for (int i = 0; i < USL_PARAMS; i++)
        for (int j = 0; j < USL_PARAMS; j++)
            fit->cov[i][j] = cov[i][j] * s2 * units[i] * units[j];
    fit->residual_se = sqrt(s2) * scale;
    int has_ci = fit->dof > 0;
    fit->lambda = estimate(p->lambda * scale, fit->cov[USL_LAMBDA][USL_LAMBDA], fit->t95, has_ci);
    fit->sigma = estimate(p->sigma, fit->cov[USL_SIGMA][USL_SIGMA], fit->t95, has_ci);
    fit->kappa =
        estimate(p->kappa, fit->cov[USL_KAPPA][USL_KAPPA], fit->t95, has_ci && kappa_has_ci);
}

static double quadratic_form(const double cov[USL_PARAMS][USL_PARAMS], const double g[USL_PARAMS])
{
    double v = 0;
    for (int i = 0; i < USL_PARAMS; i++)
        for (int j = 0; j < USL_PARAMS; j++)
            v += g[i] * cov[i][j] * g[j];
    /* cov is positive semi-definite: a negative sum is rounding (bounded by degenerate()). */
    return fmax(v, 0);
}

/*
 * N* = sqrt((1 - sigma) / kappa) and X(N*), with delta-method intervals when kappa has
 * one. X(N*) needs no term for N*'s own uncertainty: dX/dN is 0 at the peak.
 */
static void find_peak(usl_nls *fit)
{
    double sigma = fit->sigma.value, kappa = fit->kappa.value;
    fit->has_peak = !fit->amdahl && kappa > 0 && sigma < 1;
    if (!fit->has_peak)
        return;
    double peak = sqrt((1 - sigma) / kappa);
    double g[USL_PARAMS] = {0, -1 / (2 * kappa * peak), -peak / (2 * kappa)};
    fit->peak_n = estimate(peak, quadratic_form(fit->cov, g), fit->t95, fit->kappa.has_ci);
    params p = {fit->lambda.value, sigma, kappa};
    gradient(&p, peak, g);
    fit->peak_x = estimate(p.lambda * peak / denominator(&p, peak), quadratic_form(fit->cov, g),
                           fit->t95, fit->kappa.has_ci);
}

static void explain(usl_nls *fit)
{
    if (fit->counts == 2)
        note(fit, "2 server counts: Amdahl's law fitted (kappa = 0); kappa needs 3 counts to be "
                  "fitted and 4 to get an interval.");
    else if (fit->counts == 3 && !fit->amdahl)
        note(fit, "3 server counts: kappa is fitted through them but has no interval (that "
                  "needs 4 counts), so whether it differs from 0 cannot be told, nor how sure "
                  "the peak is.");
    if (fit->dof == 0)
        note(fit, "As many measurements as parameters: the curve passes through every point, "
                  "so there is no residual error and no interval; repeat measurements or add "
                  "server counts.");
    if (fit->sigma.value < 0)
        note(fit,
             "sigma < 0: super-linear scaling (each server added more than the first "
             "gave)%s.",
             !fit->sigma.has_ci  ? ""
             : fit->sigma.hi < 0 ? ", and its interval is below 0"
                                 : ", but its interval includes 0");
    if (fit->sigma.value >= 1)
        note(fit, "sigma >= 1: throughput does not grow with servers at all.");
    if (fit->dof > 0)
        note(fit,
             "Intervals: 95%%, covariance from the Jacobian at the solution times the "
             "residual variance, Student's t with %zu degrees of freedom; the peak and "
             "predictions by the delta method.",
             fit->dof);
}

/*
 * Fits the law the server counts allow (Amdahl's with 2, else the full one), then Amdahl's
 * when kappa's interval contains 0, or, with no interval for it, when kappa is negative.
 */
static int fit_law(usl_nls *fit, problem *pr, const group *groups, double scale, char *err,
                   size_t errlen)
{
    params p;
    double cov[USL_PARAMS][USL_PARAMS], rss;
    pr->amdahl = fit->counts == 2;
    if (solve(pr, grid_start(groups, fit->counts, pr->amdahl), &p, cov, &rss, err, errlen) != 0)
        return -1;
    fit->amdahl = pr->amdahl;
    record(fit, &p, cov, rss, scale, fit->counts >= 4);
    usl_estimate full_kappa = fit->kappa;
    int indistinct = full_kappa.has_ci && full_kappa.lo <= 0 && full_kappa.hi >= 0;
    int negative = !fit->amdahl && !full_kappa.has_ci && full_kappa.value < 0;
    if (!indistinct && !negative)
        return 0;
    pr->amdahl = 1;
    if (solve(pr, grid_start(groups, fit->counts, 1), &p, cov, &rss, err, errlen) != 0)
        return -1;
    fit->amdahl = 1;
    record(fit, &p, cov, rss, scale, 0);
    if (negative) {
        note(fit,
             "kappa came out negative (%.3g), which is no coherency cost: Amdahl's law "
             "(kappa = 0) was fitted.",
             full_kappa.value);
        return 0;
    }
    /* Keep the interval that justified kappa = 0: people will ask for it. */
    fit->kappa.has_ci = 1;
    fit->kappa.lo = full_kappa.lo;
    fit->kappa.hi = full_kappa.hi;
    note(fit,
         "kappa's 95%% interval [%.3g, %.3g] (estimate %.3g) contains 0: coherency is not "
         "distinguishable from 0, so Amdahl's law (kappa = 0) was fitted.",
         full_kappa.lo, full_kappa.hi, full_kappa.value);
    return 0;
}

int usl_nls_fit(const double *n, const double *x, size_t count, usl_nls *fit, char *err,
                size_t errlen)
{
    memset(fit, 0, sizeof(*fit));
    if (check_input(n, x, count, err, errlen) != 0)
        return -1;
    double scale = 0;
    for (size_t i = 0; i < count; i++)
        scale = fmax(scale, x[i]);
    problem pr = {.n = n, .y = malloc(count * sizeof(double)), .count = count};
    group *groups = malloc(count * sizeof(*groups));
    int rc = -1;
    if (pr.y == NULL || groups == NULL) {
        snprintf(err, errlen, "out of memory for %zu measurements", count);
        goto done;
    }
    for (size_t i = 0; i < count; i++)
        pr.y[i] = x[i] / scale;
    fit->points = count;
    fit->counts = group_by_servers(&pr, groups);
    if (fit->counts < 2) {
        snprintf(err, errlen,
                 "every measurement is at %g servers: a fit needs at least 2 server counts", n[0]);
        goto done;
    }
    gsl_error_handler_t *previous = gsl_set_error_handler_off();
    rc = fit_law(fit, &pr, groups, scale, err, errlen);
    gsl_set_error_handler(previous);
    if (rc == 0) {
        find_peak(fit);
        explain(fit);
    }
done:
    free(pr.y);
    free(groups);
    return rc;
}

double usl_nls_law(double lambda, double sigma, double kappa, double n)
{
    params p = {lambda, sigma, kappa};
    return lambda * n / denominator(&p, n);
}

int usl_nls_predict(const usl_nls *fit, double servers, usl_prediction *out, char *err,
                    size_t errlen)
{
    params p = {fit->lambda.value, fit->sigma.value, fit->kappa.value};
    double d = denominator(&p, servers);
    memset(out, 0, sizeof(*out));
    out->servers = servers;
    if (!(servers > 0) || !(d > 0) || !isfinite(d)) {
        snprintf(err, errlen,
                 "no prediction at %g servers: the fitted law's denominator 1 + sigma (N - 1) "
                 "+ kappa N (N - 1) is not positive there",
                 servers);
        return -1;
    }
    double g[USL_PARAMS];
    gradient(&p, servers, g);
    double var_mean = quadratic_form(fit->cov, g);
    double s2 = fit->residual_se * fit->residual_se;
    out->value = p.lambda * servers / d;
    out->has_intervals = fit->dof > 0;
    double ci = fit->t95 * sqrt(var_mean), pi = fit->t95 * sqrt(s2 + var_mean);
    out->ci_lo = out->value - ci;
    out->ci_hi = out->value + ci;
    out->pi_lo = out->value - pi;
    out->pi_hi = out->value + pi;
    return 0;
}
