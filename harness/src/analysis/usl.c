/*
 * usl.c - usl_nls's fit summarised in the shape the run's analysis and the
 * HTML report read (see usl.h): point estimates, standard errors and R².
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "usl.h"
#include "usl_nls.h"

usl_fit usl_fit_points(const double *n, const double *x, size_t count)
{
    usl_fit fit;
    memset(&fit, 0, sizeof(fit));
    usl_nls nls;
    if (usl_nls_fit(n, x, count, &nls, fit.note, sizeof(fit.note)) != 0)
        return fit;
    fit.fitted = 1;
    fit.amdahl = nls.amdahl;
    fit.lambda = nls.lambda.value;
    fit.sigma = nls.sigma.value;
    fit.kappa = nls.kappa.value;
    fit.has_errors = nls.dof > 0;
    fit.sigma_se = sqrt(nls.cov[USL_SIGMA][USL_SIGMA]);
    fit.kappa_se = sqrt(nls.cov[USL_KAPPA][USL_KAPPA]);
    fit.peak_n = nls.has_peak ? nls.peak_n.value : 0;
    snprintf(fit.note, sizeof(fit.note), "%s", nls.notes);

    double mean = 0, ss_total = 0, ss_residual = 0;
    for (size_t i = 0; i < count; i++)
        mean += x[i] / (double)count;
    for (size_t i = 0; i < count; i++) {
        double e = x[i] - usl_predict(&fit, n[i]);
        ss_residual += e * e;
        ss_total += (x[i] - mean) * (x[i] - mean);
    }
    fit.r2 = ss_total > 0 ? 1 - ss_residual / ss_total : 1;
    return fit;
}

double usl_predict(const usl_fit *fit, double n)
{
    return fit->lambda * n / (1 + fit->sigma * (n - 1) + fit->kappa * n * (n - 1));
}
