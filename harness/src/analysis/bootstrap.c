/*
 * bootstrap.c - percentile bootstrap intervals of medians; see bootstrap.h.
 *
 * Each resample draws n values with replacement and takes their median; the
 * interval is the 2.5th and 97.5th percentiles of those medians, interpolated
 * between order statistics as R's quantile type 7 (and NumPy's default) does.
 * With few repetitions the median of a resample can only take a handful of
 * values, so the interval is coarse: it is honest about that, not smoothed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bootstrap.h"
#include "rng.h"
#include "stats.h"

#define MIN_RESAMPLES 100

static int check_sample(const char *name, const double *x, size_t n, int positive, char *err,
                        size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "%s: no values", name);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || (positive && !(x[i] > 0))) {
            snprintf(err, errlen, "%s[%zu] = %g: expected a finite number%s", name, i, x[i],
                     positive ? " above 0" : "");
            return -1;
        }
    }
    return 0;
}

/* The median of n values drawn with replacement from x; scratch holds n doubles. */
static double resampled_median(rng *r, const double *x, size_t n, double *scratch)
{
    for (size_t i = 0; i < n; i++)
        scratch[i] = x[rng_below(r, n)];
    return stats_median_sort(scratch, n);
}

/* The type-7 quantile p of sorted[0..n). */
static double quantile(const double *sorted, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t i = (size_t)h;
    return i + 1 < n ? sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/* Resamples median(num) (divided by median(den) when den is not NULL). */
static int resample(const double *num, size_t nnum, const double *den, size_t nden,
                    unsigned resamples, uint64_t seed, bootstrap_interval *out, char *err,
                    size_t errlen)
{
    if (resamples < MIN_RESAMPLES) {
        snprintf(err, errlen, "%u resamples: at least %d are needed for a 95%% interval", resamples,
                 MIN_RESAMPLES);
        return -1;
    }
    size_t scratch_size = nnum > nden ? nnum : nden;
    double *stats = malloc(resamples * sizeof(double));
    double *scratch = malloc(scratch_size * sizeof(double));
    if (stats == NULL || scratch == NULL) {
        free(stats);
        free(scratch);
        snprintf(err, errlen, "out of memory for %u resamples", resamples);
        return -1;
    }
    rng r;
    rng_seed(&r, seed);
    for (unsigned b = 0; b < resamples; b++) {
        stats[b] = resampled_median(&r, num, nnum, scratch);
        if (den != NULL)
            stats[b] /= resampled_median(&r, den, nden, scratch);
    }
    stats_median_sort(stats, resamples); /* for its sorting: the quantiles need order */
    out->lo = quantile(stats, resamples, 0.025);
    out->hi = quantile(stats, resamples, 0.975);
    free(stats);
    free(scratch);
    return 0;
}

int bootstrap_median(const double *x, size_t n, unsigned resamples, uint64_t seed,
                     bootstrap_interval *out, char *err, size_t errlen)
{
    if (check_sample("sample", x, n, 0, err, errlen) != 0)
        return -1;
    return resample(x, n, NULL, 0, resamples, seed, out, err, errlen);
}

int bootstrap_median_ratio(const double *num, size_t nnum, const double *den, size_t nden,
                           unsigned resamples, uint64_t seed, bootstrap_interval *out, char *err,
                           size_t errlen)
{
    if (check_sample("numerator", num, nnum, 0, err, errlen) != 0 ||
        check_sample("denominator", den, nden, 1, err, errlen) != 0)
        return -1;
    return resample(num, nnum, den, nden, resamples, seed, out, err, errlen);
}
