/*
 * load_histogram.h - wrk's latency histogram as the harness's script exports
 * it (load_histogram.c): every distinct latency wrk recorded, in µs, with how
 * many times. Histograms from several clients add up exactly, and the
 * statistics read off a histogram are computed the way wrk computes its own
 * (src/stats.c), so one client's histogram gives back wrk's own figures.
 */
#ifndef TWICE_LOAD_HISTOGRAM_H
#define TWICE_LOAD_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The most distinct latencies a result line carries: wrk records at µs resolution up to its
 * timeout (10 s here), so a run can in principle hold millions; beyond this the script leaves
 * the histogram out (and says how many there were) rather than write a line of megabytes.
 * twice.lua holds the same number. */
#define LOAD_HISTOGRAM_MAX_BINS 100000

typedef struct latency_bin {
    uint64_t us;    /* a latency */
    uint64_t count; /* >= 1: how many responses took it */
} latency_bin;

/** Bins in increasing order of us, each us once; count is their total. */
typedef struct latency_histogram {
    latency_bin *bins; /* malloc'd, nbins of them (NULL when none) */
    size_t nbins;
    uint64_t count;
} latency_histogram;

/** What wrk reports of a histogram, in µs. An empty histogram gives zeros, as in wrk. */
typedef struct latency_figures {
    double mean, stdev, max, p50, p75, p90, p99, p999;
} latency_figures;

/**
 * Reads the script's "histogram": [[us, count], ...] (untrusted: it comes from wrk's output).
 * Refuses, with the offending element's position ("[3][1] is negative"), anything but pairs of
 * whole numbers with latencies strictly increasing, counts >= 1, at most
 * LOAD_HISTOGRAM_MAX_BINS pairs and a total that fits 64 bits. 0, or -1 with err and *out
 * empty. out is freed with latency_histogram_free either way.
 */
int latency_histogram_parse(const json_t *pairs, latency_histogram *out, char *err, size_t errlen);
/** Adds the n histograms in parts into *out (every bin of each, counts summed where latencies
 * meet). 0, or -1 when out of memory or when the counts add up past 64 bits (*out empty). */
int latency_histogram_merge(const latency_histogram *parts, size_t n, latency_histogram *out);
/** The value at percentile p (0..100) by wrk's definition (stats_percentile): the smallest
 * latency whose cumulative count reaches round(p/100 * count + 0.5); 0 when empty. */
uint64_t latency_histogram_percentile(const latency_histogram *h, double p);
/** Mean, sample standard deviation, max and the percentiles wrk's script reports. */
latency_figures latency_histogram_figures(const latency_histogram *h);
void latency_histogram_free(latency_histogram *h);

#endif
