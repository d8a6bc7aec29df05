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
#include <stdio.h>
#include <string.h>

#include "load_merge.h"

/* The sum over the results of raw's group.key (group NULL: a top-level key). */
static json_int_t raw_sum(const load_result *results, size_t n, const char *group, const char *key)
{
    json_int_t total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *holder = group != NULL ? json_object_get(results[i].raw, group) : results[i].raw;
        total += json_integer_value(json_object_get(holder, key));
    }
    return total;
}

/* The merged figures under the keys twice.lua writes, so that a report reads one client and
 * several the same way. */
static json_t *merged_raw(const load_result *results, size_t n, const load_result *out,
                          const latency_figures *f)
{
    json_int_t duration_us = 0;
    for (size_t i = 0; i < n; i++) {
        json_int_t d = json_integer_value(json_object_get(results[i].raw, "duration_us"));
        duration_us = d > duration_us ? d : duration_us;
    }
    return json_pack(
        "{s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:I,"
        " s:{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}, s:f}",
        "requests", raw_sum(results, n, NULL, "requests"), "duration_us", duration_us, "bytes",
        raw_sum(results, n, NULL, "bytes"), "errors", "connect",
        raw_sum(results, n, "errors", "connect"), "read", raw_sum(results, n, "errors", "read"),
        "write", raw_sum(results, n, "errors", "write"), "status",
        raw_sum(results, n, "errors", "status"), "timeout",
        raw_sum(results, n, "errors", "timeout"), "non2xx", raw_sum(results, n, NULL, "non2xx"),
        "failed_checks", raw_sum(results, n, NULL, "failed_checks"), "threads",
        raw_sum(results, n, NULL, "threads"), "latency_us", "mean", f->mean, "stdev", f->stdev,
        "max", f->max, "p50", f->p50, "p75", f->p75, "p90", f->p90, "p99", f->p99, "p99_9", f->p999,
        "wrk_cpu", out->cpu_fraction);
}

int load_merge(const load_result *results, size_t n, load_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    latency_histogram parts[n > 0 ? n : 1];
    for (size_t i = 0; i < n; i++) {
        if (results[i].histogram_left_out != 0) {
            snprintf(err, errlen,
                     "client %zu of %zu: its latencies cannot be merged exactly: wrk recorded "
                     "%zu distinct latencies, more than the %d its result line carries",
                     i + 1, n, results[i].histogram_left_out, LOAD_HISTOGRAM_MAX_BINS);
            return -1;
        }
        parts[i] = results[i].histogram;
        out->requests += results[i].requests;
        out->errors += results[i].errors;
        out->non2xx += results[i].non2xx;
        out->failed_checks += results[i].failed_checks;
        if (results[i].duration_s > out->duration_s)
            out->duration_s = results[i].duration_s;
        if (results[i].cpu_fraction > out->cpu_fraction)
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
    if ((out->raw = merged_raw(results, n, out, &f)) == NULL) {
        snprintf(err, errlen, "cannot merge the clients' results: out of memory");
        load_result_free(out);
        memset(out, 0, sizeof(*out));
        return -1;
    }
    return 0;
}
