/*
 * bootstrap.h - seeded bootstrap 95% percentile intervals (bootstrap.c) for
 * the median of a sample and for the ratio of two samples' medians, the shape
 * of the efficiency E(N) = X(N) / (N X(1)): divide the ratio's interval by N.
 */
#ifndef TWICE_BOOTSTRAP_H
#define TWICE_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct bootstrap_interval {
    double lo, hi; /* the 2.5th and 97.5th percentiles of the resampled statistic */
} bootstrap_interval;

/* Enough resamples for the 2.5% tails to be stable to a few parts in a thousand. */
#define BOOTSTRAP_DEFAULT_RESAMPLES 4000

/**
 * The 95% percentile interval of the median of x[0..n) over resamples resamples
 * drawn with replacement, from a generator seeded with seed: the same inputs
 * and seed give the same interval everywhere. Returns 0, or -1 with the reason in
 * err (no values, a value that is not finite, fewer than 100 resamples).
 */
int bootstrap_median(const double *x, size_t n, unsigned resamples, uint64_t seed,
                     bootstrap_interval *out, char *err, size_t errlen);

/**
 * The same for median(num) / median(den), resampling each sample on its own.
 * den's values must be above 0.
 */
int bootstrap_median_ratio(const double *num, size_t nnum, const double *den, size_t nden,
                           unsigned resamples, uint64_t seed, bootstrap_interval *out, char *err,
                           size_t errlen);

#endif
