/*
 * fuzz_wrk_result.c - reading wrk's output: arbitrary stdout, in which the
 * harness's script's "TWICE_RESULT {json}" line may be anywhere, malformed,
 * or absent, latency histogram included. A result that is accepted must hold
 * numbers a report can use, and a histogram the merge can trust: it is
 * merged with itself, which must double every count and keep every figure
 * within the histogram's range.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "load_merge.h"

/* Sorted, each latency once, counts >= 1 adding up to its count: else abort. */
static void check_histogram(const latency_histogram *h)
{
    uint64_t total = 0;
    for (size_t i = 0; i < h->nbins; i++) {
        if (h->bins[i].count == 0 || (i > 0 && h->bins[i].us <= h->bins[i - 1].us))
            abort();
        total += h->bins[i].count;
    }
    if (total != h->count || h->nbins > LOAD_HISTOGRAM_MAX_BINS)
        abort();
}

/* Every figure of a histogram lies in its range, the percentiles in order. */
static void check_figures(const latency_histogram *h, const double *ms)
{
    double lo = h->nbins ? (double)h->bins[0].us / 1000 : 0, hi = ms[LAT_MAX];
    if (hi != (h->nbins ? (double)h->bins[h->nbins - 1].us / 1000 : 0))
        abort();
    for (int k = LAT_P50; k <= LAT_P999; k++) {
        if (!(ms[k] >= lo && ms[k] <= hi) || (k > LAT_P50 && ms[k] < ms[k - 1]))
            abort();
    }
    if (!isfinite(ms[LAT_MEAN]) || !isfinite(ms[LAT_STDEV]) || ms[LAT_MEAN] < lo ||
        ms[LAT_MEAN] > hi || ms[LAT_STDEV] < 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *output = malloc(size + 1), err[512] = "";
    if (output == NULL)
        return 0;
    memcpy(output, data, size);
    output[size] = '\0';
    load_result result;
    if (load_parse_output(output, &result, err, sizeof(err)) == 0) {
        /* Accepted: finite, non-negative figures, never a NaN into the analysis. */
        if (!(result.requests >= 0 && result.duration_s > 0 && isfinite(result.throughput) &&
              result.errors >= 0 && result.latency_ms[LAT_P99] >= 0))
            abort();
        check_histogram(&result.histogram);
        load_result twice[2] = {result, result}, merged;
        char merge_err[512] = "";
        if (load_merge(twice, 2, &merged, merge_err, sizeof(merge_err)) == 0) {
            if (result.histogram_left_out != 0 || merged.requests != 2 * result.requests)
                abort();
            check_histogram(&merged.histogram);
            if (merged.histogram.count != 2 * result.histogram.count ||
                merged.histogram.nbins != result.histogram.nbins)
                abort();
            check_figures(&merged.histogram, merged.latency_ms);
            load_result_free(&merged);
        } else if (merge_err[0] == '\0' ||
                   (result.histogram_left_out == 0 && strstr(merge_err, "past 64 bits") == NULL)) {
            abort(); /* only a left-out histogram or counts past 64 bits refuse a merge */
        }
        load_result_free(&result);
    } else if (err[0] == '\0') {
        abort();
    }
    free(output);
    return 0;
}
