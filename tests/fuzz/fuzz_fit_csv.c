/*
 * fuzz_fit_csv.c - arbitrary bytes through `twice fit`'s path: the CSV reader,
 * then, when it accepts them, the nonlinear USL fit and a few predictions. The
 * reader must refuse with a message and never crash; the fit must succeed or
 * say why, and whatever it returns must be finite (never a NaN).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "fit_csv.h"
#include "usl_nls.h"

static void check_finite(double v)
{
    if (!isfinite(v))
        abort();
}

static void check_estimate(const usl_estimate *e)
{
    check_finite(e->value);
    if (e->has_ci) {
        check_finite(e->lo);
        check_finite(e->hi);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fit_data rows;
    char err[512];
    if (fit_csv_parse((const char *)data, size, "fuzz.csv", &rows, err, sizeof(err)) != 0)
        return 0;
    usl_nls fit;
    if (usl_nls_fit(rows.servers, rows.throughput, rows.count, &fit, err, sizeof(err)) == 0) {
        check_estimate(&fit.lambda);
        check_estimate(&fit.sigma);
        check_estimate(&fit.kappa);
        check_finite(fit.residual_se);
        if (fit.has_peak) {
            check_estimate(&fit.peak_n);
            check_estimate(&fit.peak_x);
        }
        static const double servers[] = {1, 3, 64, 1000};
        for (size_t i = 0; i < sizeof(servers) / sizeof(*servers); i++) {
            usl_prediction p;
            if (usl_nls_predict(&fit, servers[i], &p, err, sizeof(err)) == 0) {
                check_finite(p.value);
                check_finite(p.pi_lo);
                check_finite(p.pi_hi);
            }
        }
    }
    fit_data_free(&rows);
    return 0;
}
