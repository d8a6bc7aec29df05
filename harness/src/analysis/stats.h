/*
 * stats.h - the few statistics a step needs (stats.c).
 */
#ifndef TWICE_STATS_H
#define TWICE_STATS_H

#include <stddef.h>

typedef struct stats_summary {
    double median, min, max;
} stats_summary;

/** The median of n values (n >= 1), sorting them in place. */
double stats_median_sort(double *values, size_t n);
/** Median, min and max of n values (n >= 1); values are not changed. */
stats_summary stats_summarize(const double *values, size_t n);
/**
 * Efficiency E(N) = X(N) / (N * X(1)): 1 is perfectly linear. When the first
 * step is not one server, X(1) is estimated as X(first) / first. 0 when the
 * first step had no throughput (nothing to compare with), never NaN or infinite.
 */
double stats_efficiency(double throughput, unsigned servers, double first_throughput,
                        unsigned first_servers);

#endif
