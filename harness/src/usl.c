/*
 * usl.c - fitting the Universal Scalability Law.
 *
 * With lambda known, the law is linear in sigma and kappa:
 *
 *     lambda N / X(N) - 1 = sigma (N - 1) + kappa N (N - 1)
 *
 * so they come from a two-variable least squares through the origin. lambda
 * starts as the throughput per server of the smallest step, and is then
 * refined in closed form (the lambda that best fits the measured X for the
 * sigma and kappa found), a few rounds of each. Exact data is recovered
 * exactly; noisy data gets the standard errors of the linear step.
 */
#include <math.h>
#include <string.h>

#include "usl.h"

#define ROUNDS 20

/* Least squares of y on a (and b, unless one_variable) through the origin. */
static void solve(const double *y, const double *a, const double *b, size_t m, int one_variable,
                  double *sa, double *sb)
{
    double aa = 0, ab = 0, bb = 0, ay = 0, by = 0;
    for (size_t i = 0; i < m; i++) {
        aa += a[i] * a[i];
        ab += a[i] * b[i];
        bb += b[i] * b[i];
        ay += a[i] * y[i];
        by += b[i] * y[i];
    }
    double det = aa * bb - ab * ab;
    if (one_variable || fabs(det) < 1e-12 * (aa * bb + 1e-300)) {
        *sa = aa > 0 ? ay / aa : 0;
        *sb = 0;
        return;
    }
    *sa = (ay * bb - by * ab) / det;
    *sb = (by * aa - ay * ab) / det;
}

static double model(double lambda, double sigma, double kappa, double n)
{
    return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

static usl_fit refused(const char *why)
{
    usl_fit fit;
    memset(&fit, 0, sizeof(fit));
    fit.refused = 1;
    fit.note = why;
    return fit;
}

/* Whether every figure of fit is finite: the fit goes into JSON, which has no NaN. */
static int finite_fit(const usl_fit *fit)
{
    return isfinite(fit->lambda) && isfinite(fit->sigma) && isfinite(fit->kappa) &&
           isfinite(fit->r2) && isfinite(fit->peak_n) && isfinite(fit->sigma_se) &&
           isfinite(fit->kappa_se);
}

static usl_fit fit_points(const double *n, const double *x, size_t count)
{
    usl_fit fit;
    memset(&fit, 0, sizeof(fit));
    fit.note = "";
    if (count < 2) {
        fit.note = "too few points: a fit needs at least 2 server counts";
        return fit;
    }
    size_t smallest = 0;
    for (size_t i = 1; i < count; i++) {
        if (n[i] < n[smallest])
            smallest = i;
    }
    double y[64], a[64], b[64];
    if (count > 64)
        count = 64;
    int amdahl = count < 3;
    double lambda = x[smallest] / n[smallest], sigma = 0, kappa = 0;
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t i = 0; i < count; i++) {
            y[i] = lambda * n[i] / x[i] - 1;
            a[i] = n[i] - 1;
            b[i] = n[i] * (n[i] - 1);
        }
        solve(y, a, b, count, amdahl, &sigma, &kappa);
        if (kappa < 0) {
            /* Negative coherency means the data has none to show: Amdahl's law fits it. */
            amdahl = 1;
            solve(y, a, b, count, 1, &sigma, &kappa);
        }
        sigma = sigma < 0 ? 0 : sigma > 1 ? 1 : sigma;
        /* The lambda that best fits X for this sigma and kappa: sum(x f) / sum(f f). */
        double xf = 0, ff = 0;
        for (size_t i = 0; i < count; i++) {
            double f = model(1, sigma, kappa, n[i]);
            xf += x[i] * f;
            ff += f * f;
        }
        lambda = ff > 0 ? xf / ff : lambda;
    }
    fit.fitted = 1;
    fit.amdahl = amdahl;
    fit.lambda = lambda;
    fit.sigma = sigma;
    fit.kappa = kappa;
    fit.peak_n = kappa > 0 ? sqrt((1 - sigma) / kappa) : 0;
    if (count < 3)
        fit.note = "too few points for coherency: fitted as Amdahl's law (kappa = 0)";

    double mean = 0, ss_total = 0, ss_residual = 0;
    for (size_t i = 0; i < count; i++)
        mean += x[i] / (double)count;
    for (size_t i = 0; i < count; i++) {
        double e = x[i] - usl_predict(&fit, n[i]);
        ss_residual += e * e;
        ss_total += (x[i] - mean) * (x[i] - mean);
    }
    fit.r2 = ss_total > 0 ? 1 - ss_residual / ss_total : 1;

    /* Standard errors of the linear step: they need more points than parameters (lambda,
     * sigma and, unless Amdahl, kappa). */
    size_t params = amdahl ? 2 : 3;
    if (count <= params) {
        if (*fit.note == '\0')
            fit.note = "too few points for standard errors: add a server count";
        return fit;
    }
    double aa = 0, ab = 0, bb = 0, rss = 0;
    for (size_t i = 0; i < count; i++) {
        double r = y[i] - sigma * a[i] - kappa * b[i];
        rss += r * r;
        aa += a[i] * a[i];
        ab += a[i] * b[i];
        bb += b[i] * b[i];
    }
    double s2 = rss / (double)(count - params);
    if (amdahl) {
        fit.sigma_se = aa > 0 ? sqrt(s2 / aa) : 0;
    } else {
        double det = aa * bb - ab * ab;
        fit.sigma_se = det > 0 ? sqrt(s2 * bb / det) : 0;
        fit.kappa_se = det > 0 ? sqrt(s2 * aa / det) : 0;
    }
    fit.has_errors = 1;
    return fit;
}

usl_fit usl_fit_points(const double *n, const double *x, size_t count)
{
    /* lambda N / X(N) is the fit's input: a throughput of 0 makes it infinite. */
    for (size_t i = 0; i < count; i++) {
        if (!(x[i] > 0) || !isfinite(x[i]) || !(n[i] >= 1) || !isfinite(n[i]))
            return refused("a step without a finite throughput above 0 cannot be fitted");
    }
    usl_fit fit = fit_points(n, x, count);
    return finite_fit(&fit) ? fit : refused("the fit did not come out finite");
}

double usl_predict(const usl_fit *fit, double n)
{
    return model(fit->lambda, fit->sigma, fit->kappa, n);
}
