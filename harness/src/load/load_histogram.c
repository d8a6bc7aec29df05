/*
 * load_histogram.c - reading, adding and summarising wrk's latency
 * histograms. The reader is strict because a merged percentile is only as
 * right as every bin under it: a pair out of order or a count that is not a
 * whole number is refused, never rounded or skipped. The statistics follow
 * wrk's src/stats.c step by step (the same rank, the same long double
 * arithmetic), so that one client's histogram gives back exactly the
 * figures wrk printed beside it; that is what makes the merge of several
 * clients trustworthy.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_type.h"
#include "load_histogram.h"

/* A whole number >= min in element [i][j]; -1 with err naming it otherwise. */
static int whole_at(const json_t *value, size_t i, size_t j, json_int_t min, uint64_t *out,
                    char *err, size_t errlen)
{
    static const char *const what[] = {"a latency", "a count"};
    if (!json_is_integer(value)) {
        snprintf(err, errlen, "\"histogram[%zu][%zu]\" is %s, not a whole number (%s in µs)", i, j,
                 json_type_name(value), what[j]);
        return -1;
    }
    json_int_t v = json_integer_value(value);
    if (v < min) {
        snprintf(err, errlen, "\"histogram[%zu][%zu]\" is %s (%lld): %s is at least %lld", i, j,
                 v < 0 ? "negative" : "0", (long long)v, what[j], (long long)min);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int latency_histogram_parse(const json_t *pairs, latency_histogram *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_array(pairs)) {
        snprintf(err, errlen, "\"histogram\" is %s, not an array of [latency, count] pairs",
                 json_type_name(pairs));
        return -1;
    }
    size_t n = json_array_size(pairs);
    if (n > LOAD_HISTOGRAM_MAX_BINS) {
        snprintf(err, errlen, "\"histogram\" has %zu pairs, more than the %d the script writes", n,
                 LOAD_HISTOGRAM_MAX_BINS);
        return -1;
    }
    if (n != 0 && (out->bins = calloc(n, sizeof(*out->bins))) == NULL) {
        snprintf(err, errlen, "\"histogram\": out of memory for %zu pairs", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *pair = json_array_get(pairs, i);
        latency_bin *bin = &out->bins[i];
        if (!json_is_array(pair) || json_array_size(pair) != 2) {
            snprintf(err, errlen, "\"histogram[%zu]\" is %s, not a [latency, count] pair", i,
                     json_is_array(pair) ? "an array of another length" : json_type_name(pair));
            goto refused;
        }
        if (whole_at(json_array_get(pair, 0), i, 0, 0, &bin->us, err, errlen) != 0 ||
            whole_at(json_array_get(pair, 1), i, 1, 1, &bin->count, err, errlen) != 0)
            goto refused;
        if (i > 0 && bin->us <= out->bins[i - 1].us) {
            snprintf(err, errlen,
                     "\"histogram[%zu]\" is not sorted: latency %llu after %llu (each latency "
                     "once, in increasing order)",
                     i, (unsigned long long)bin->us, (unsigned long long)out->bins[i - 1].us);
            goto refused;
        }
        if (bin->count > UINT64_MAX - out->count) {
            snprintf(err, errlen, "\"histogram[%zu][1]\": the counts add up past 64 bits", i);
            goto refused;
        }
        out->count += bin->count;
        out->nbins++;
    }
    return 0;
refused:
    latency_histogram_free(out);
    return -1;
}

static int by_latency(const void *a, const void *b)
{
    uint64_t x = ((const latency_bin *)a)->us, y = ((const latency_bin *)b)->us;
    return (x > y) - (x < y);
}

int latency_histogram_merge(const latency_histogram *parts, size_t n, latency_histogram *out)
{
    memset(out, 0, sizeof(*out));
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += parts[k].nbins;
    if (total == 0)
        return 0;
    if ((out->bins = malloc(total * sizeof(*out->bins))) == NULL)
        return -1;
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        if (parts[k].nbins != 0)
            memcpy(out->bins + at, parts[k].bins, parts[k].nbins * sizeof(*out->bins));
        at += parts[k].nbins;
    }
    /* All bins sorted by latency, then the bins of one latency folded into one. */
    qsort(out->bins, total, sizeof(*out->bins), by_latency);
    for (size_t i = 0; i < total; i++) {
        uint64_t count = out->bins[i].count;
        if (count > UINT64_MAX - out->count) {
            latency_histogram_free(out);
            return -1;
        }
        if (out->nbins != 0 && out->bins[out->nbins - 1].us == out->bins[i].us)
            out->bins[out->nbins - 1].count += count;
        else
            out->bins[out->nbins++] = out->bins[i];
        out->count += count;
    }
    return 0;
}

uint64_t latency_histogram_percentile(const latency_histogram *h, double p)
{
    /* wrk: rank = round((p / 100.0) * count + 0.5) with p a long double. */
    uint64_t rank = (uint64_t)round((double)(((long double)p / 100.0) * h->count + 0.5));
    uint64_t total = 0;
    for (size_t i = 0; i < h->nbins; i++) {
        total += h->bins[i].count;
        if (total >= rank)
            return h->bins[i].us;
    }
    return 0;
}

latency_figures latency_histogram_figures(const latency_histogram *h)
{
    latency_figures f = {0};
    if (h->count == 0)
        return f;
    /* wrk sums in 64 bits and divides in long double; long double holds the sum exactly. */
    long double sum = 0, squares = 0;
    for (size_t i = 0; i < h->nbins; i++)
        sum += (long double)h->bins[i].us * h->bins[i].count;
    long double mean = sum / (long double)h->count;
    for (size_t i = 0; i < h->nbins; i++)
        squares += powl((long double)h->bins[i].us - mean, 2) * h->bins[i].count;
    f.mean = (double)mean;
    f.stdev = h->count < 2 ? 0 : (double)sqrtl(squares / (long double)(h->count - 1));
    f.max = (double)h->bins[h->nbins - 1].us;
    f.p50 = (double)latency_histogram_percentile(h, 50);
    f.p75 = (double)latency_histogram_percentile(h, 75);
    f.p90 = (double)latency_histogram_percentile(h, 90);
    f.p99 = (double)latency_histogram_percentile(h, 99);
    f.p999 = (double)latency_histogram_percentile(h, 99.9);
    return f;
}

void latency_histogram_free(latency_histogram *h)
{
    free(h->bins);
    memset(h, 0, sizeof(*h));
}
