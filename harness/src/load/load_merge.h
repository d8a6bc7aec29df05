/*
 * load_merge.h - several clients' results as one (load_merge.c), exactly:
 * counts summed and latencies read off the sum of the clients' histograms,
 * never averaged percentiles.
 */
#ifndef TWICE_LOAD_MERGE_H
#define TWICE_LOAD_MERGE_H

#include "load.h"

/**
 * Merges the n (>= 1) clients' results into *out: requests, errors, non-2xx responses and
 * failed checks summed; the duration the longest; throughput the total requests over that
 * duration; latency mean, stdev, max and percentiles from the merged histogram, as wrk
 * computes them; cpu_fraction the busiest client's (-1 when a client's is not known). out->raw
 * holds the merged figures under the keys of one client's result line. 0, or -1 with err (a
 * client whose histogram the script left out, named by its number; out of memory), *out empty
 * then.
 */
int load_merge(const load_result *results, size_t n, load_result *out, char *err, size_t errlen);

#endif
