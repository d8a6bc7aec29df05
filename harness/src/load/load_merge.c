/*
 * load_merge.c - merging the results of wrks that ran at once on several
 * clients. The clients start together and run for the same duration, so
 * the step's throughput is all their requests over the longest of their
 * durations: the window in which the servers saw the whole load. Averaging
 * the clients' percentiles would be wrong (a p99 of p99s is no percentile
 * of anything); their histograms are added instead and every latency
 * figure is read off the sum, with wrk's own definitions, so that merging
 * one client gives back that client's figures.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "load_merge.h"

/* The sum over the results of raw's group.key (group NULL: a top-level key) in *total; -1 when
 * it does not fit a JSON integer. */
static int raw_sum(const load_result *results, size_t n, const char *group, const char *key,
                   json_int_t *total)
{
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *holder = group != NULL ? json_object_get(results[i].raw, group) : results[i].raw;
        if (__builtin_add_overflow(*total, json_integer_value(json_object_get(holder, key)), total))
            return -1;
    }
    return 0;
}

/* The merged figures under the keys twice.lua writes, so that a report reads one client and
 * several the same way, in *raw; -1 with err when a count adds up past 64 bits or without
 * memory. */
static int merged_raw(const load_result *results, size_t n, const load_result *out,
                      const latency_figures *f, json_t **raw, char *err, size_t errlen)
{
    static const char *const counts[][2] = {
        {NULL, "requests"},      {NULL, "bytes"},      {"errors", "connect"}, {"errors", "read"},
        {"errors", "write"},     {"errors", "status"}, {"errors", "timeout"}, {NULL, "non2xx"},
        {NULL, "failed_checks"}, {NULL, "threads"}};
    json_int_t duration_us = 0;
    for (size_t i = 0; i < n; i++) {
        json_int_t d = json_integer_value(json_object_get(results[i].raw, "duration_us"));
        duration_us = d > duration_us ? d : duration_us;
    }
    *raw = json_pack("{s:I, s:{}, s:{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}, s:o}", "duration_us",
                     duration_us, "errors", "latency_us", "mean", f->mean, "stdev", f->stdev, "max",
                     f->max, "p50", f->p50, "p75", f->p75, "p90", f->p90, "p99", f->p99, "p99_9",
                     f->p999, "wrk_cpu", load_cpu_json(out->cpu_fraction));
    for (size_t k = 0; *raw != NULL && k < sizeof(counts) / sizeof(counts[0]); k++) {
        json_int_t total;
        json_t *holder = counts[k][0] != NULL ? json_object_get(*raw, counts[k][0]) : *raw;
        if (raw_sum(results, n, counts[k][0], counts[k][1], &total) != 0) {
            snprintf(err, errlen,
                     "cannot merge the clients' results: their \"%s%s%s\" add up "
                     "past 64 bits",
                     counts[k][0] != NULL ? counts[k][0] : "", counts[k][0] != NULL ? "." : "",
                     counts[k][1]);
            json_decref(*raw);
            *raw = NULL;
            return -1;
        }
        json_object_set_new(holder, counts[k][1], json_integer(total));
    }
    if (*raw == NULL) {
        snprintf(err, errlen, "cannot merge the clients' results: out of memory");
        return -1;
    }
    return 0;
}

int load_merge(const load_result *results, size_t n, load_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    latency_histogram parts[n > 0 ? n : 1];
    uint64_t samples = 0;
    for (size_t i = 0; i < n; i++) {
        if (results[i].histogram_left_out != 0) {
            snprintf(err, errlen,
                     "client %zu of %zu: its latencies cannot be merged exactly: wrk recorded "
                     "%zu distinct latencies, more than the %d its result line carries",
                     i + 1, n, results[i].histogram_left_out, LOAD_HISTOGRAM_MAX_BINS);
            return -1;
        }
        if (__builtin_add_overflow(samples, results[i].histogram.count, &samples)) {
            snprintf(err, errlen,
                     "cannot merge the clients' latencies: their counts add up past 64 bits");
            memset(out, 0, sizeof(*out));
            return -1;
        }
        parts[i] = results[i].histogram;
        out->requests += results[i].requests;
        out->errors += results[i].errors;
        out->non2xx += results[i].non2xx;
        out->failed_checks += results[i].failed_checks;
        if (results[i].duration_s > out->duration_s)
            out->duration_s = results[i].duration_s;
        /* The busiest client's, unless one's is not known: then the merged one is not. */
        if (out->cpu_fraction >= 0 &&
            (results[i].cpu_fraction < 0 || results[i].cpu_fraction > out->cpu_fraction))
            out->cpu_fraction = results[i].cpu_fraction;
    }
    if (n == 0) {
        snprintf(err, errlen, "no client's result to merge");
        return -1;
    }
    if (latency_histogram_merge(parts, n, &out->histogram) != 0) {
        snprintf(err, errlen, "cannot merge the clients' latencies: out of memory");
        memset(out, 0, sizeof(*out));
        return -1;
    }
    latency_figures f = latency_histogram_figures(&out->histogram);
    double ms[] = {f.mean, f.stdev, f.max, f.p50, f.p90, f.p99, f.p999};
    for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
        out->latency_ms[i] = ms[i] / 1000.0;
    out->throughput = out->duration_s > 0 ? out->requests / out->duration_s : 0;
    if (merged_raw(results, n, out, &f, &out->raw, err, errlen) != 0) {
        load_result_free(out);
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return 0;
}
