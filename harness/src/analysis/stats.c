/*
 * stats.c - median, spread and efficiency.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_median_sort(double *values, size_t n)
{
    qsort(values, n, sizeof(*values), compare);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

stats_summary stats_summarize(const double *values, size_t n)
{
    double sorted[256];
    if (n > 256)
        n = 256;
    memcpy(sorted, values, n * sizeof(*sorted));
    stats_summary s = {.median = stats_median_sort(sorted, n)};
    s.min = sorted[0];
    s.max = sorted[n - 1];
    return s;
}

double stats_efficiency(double throughput, unsigned servers, double first_throughput,
                        unsigned first_servers)
{
    double per_server = first_throughput / first_servers;
    double e = per_server > 0 ? throughput / (servers * per_server) : 0;
    return isfinite(e) ? e : 0;
}
