/*
 * test_load_merge.c - wrk's latency histogram as the script exports it, and
 * the exact merge of several clients' results. The fixtures under
 * fixtures/wrk/ are wrk's real output with the harness's script: the figures
 * wrk printed in each line are what reading its histogram must give back.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "load_merge.h"
#include "load_runner.h"

static const char *const fixtures[] = {"sleep-1ms.txt", "sleep-3ms.txt", "cpu-16-connections.txt"};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static void read_fixture(const char *name, load_result *r)
{
    char path[512], err[512];
    snprintf(path, sizeof(path), "%s/wrk/%s", FIXTURES_DIR, name);
    FILE *in = fopen(path, "r");
    cr_assert_not_null(in, "%s", path);
    static char text[1 << 17];
    size_t n = fread(text, 1, sizeof(text) - 1, in);
    fclose(in);
    text[n] = '\0';
    cr_assert_eq(load_parse_output(text, r, err, sizeof(err)), 0, "%s: %s", name, err);
}

Test(load_merge, one_client_gives_back_wrks_own_figures)
{
    for (size_t i = 0; i < NFIXTURES; i++) {
        load_result r, merged;
        char err[256];
        read_fixture(fixtures[i], &r);
        cr_assert_gt(r.histogram.nbins, 10, "%s: a real histogram", fixtures[i]);
        cr_assert_geq(r.histogram.count, (uint64_t)r.requests,
                      "wrk's correction only adds samples");
        cr_assert_eq(load_merge(&r, 1, &merged, err, sizeof(err)), 0, "%s", err);
        /* Percentiles and max exactly; mean and stdev as wrk rounded them (%.1f). */
        for (int k = LAT_MAX; k <= LAT_P999; k++)
            cr_assert_eq(merged.latency_ms[k], r.latency_ms[k], "%s: figure %d: %f != %f",
                         fixtures[i], k, merged.latency_ms[k], r.latency_ms[k]);
        cr_assert_float_eq(merged.latency_ms[LAT_MEAN], r.latency_ms[LAT_MEAN], 0.051e-3);
        cr_assert_float_eq(merged.latency_ms[LAT_STDEV], r.latency_ms[LAT_STDEV], 0.051e-3);
        json_t *line = json_object_get(r.raw, "latency_us"),
               *again = json_object_get(merged.raw, "latency_us");
        cr_assert_eq(json_number_value(json_object_get(again, "p75")),
                     json_number_value(json_object_get(line, "p75")), "%s", fixtures[i]);
        cr_assert_eq(merged.requests, r.requests);
        cr_assert_eq(merged.throughput, r.throughput);
        cr_assert_null(json_object_get(r.raw, "histogram"), "the report keeps figures only");
        load_result_free(&merged);
        load_result_free(&r);
    }
}

static double raw_number(const load_result *r, const char *group, const char *key)
{
    json_t *holder = group != NULL ? json_object_get(r->raw, group) : r->raw;
    json_t *value = json_object_get(holder, key);
    cr_assert(json_is_number(value), "%s.%s", group != NULL ? group : "", key);
    return json_number_value(value);
}

Test(load_merge, two_clients_add_up_and_their_latencies_merge)
{
    load_result r[2], merged;
    char err[256];
    read_fixture("sleep-1ms.txt", &r[0]);
    read_fixture("sleep-3ms.txt", &r[1]);
    r[0].cpu_fraction = 0.25;
    r[1].cpu_fraction = 0.5;
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(merged.requests, r[0].requests + r[1].requests);
    cr_assert_eq(merged.errors, r[0].errors + r[1].errors);
    cr_assert_eq(merged.non2xx, r[0].non2xx + r[1].non2xx);
    double longest = r[0].duration_s > r[1].duration_s ? r[0].duration_s : r[1].duration_s;
    cr_assert_eq(merged.duration_s, longest, "the clients ran together: the longest duration");
    cr_assert_float_eq(merged.throughput, merged.requests / longest, 1e-9);
    cr_assert_eq(merged.cpu_fraction, 0.5, "the busiest client's");
    cr_assert_eq(merged.histogram.count, r[0].histogram.count + r[1].histogram.count);
    double lo = r[0].latency_ms[LAT_P99], hi = r[1].latency_ms[LAT_P99];
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    cr_assert(merged.latency_ms[LAT_P99] >= lo && merged.latency_ms[LAT_P99] <= hi,
              "merged p99 %f outside [%f, %f]", merged.latency_ms[LAT_P99], lo, hi);
    cr_assert_eq(merged.latency_ms[LAT_MAX], r[0].latency_ms[LAT_MAX] > r[1].latency_ms[LAT_MAX]
                                                 ? r[0].latency_ms[LAT_MAX]
                                                 : r[1].latency_ms[LAT_MAX]);
    /* The merged line keeps a client line's keys, so that the report reads it unchanged. */
    cr_assert_eq(raw_number(&merged, NULL, "requests"), merged.requests);
    cr_assert_eq(raw_number(&merged, NULL, "bytes"),
                 raw_number(&r[0], NULL, "bytes") + raw_number(&r[1], NULL, "bytes"));
    cr_assert_eq(raw_number(&merged, "errors", "status"),
                 raw_number(&r[0], "errors", "status") + raw_number(&r[1], "errors", "status"));
    cr_assert_eq(raw_number(&merged, "latency_us", "p99"), merged.latency_ms[LAT_P99] * 1000);
    cr_assert_eq(raw_number(&merged, NULL, "wrk_cpu"), 0.5);
    cr_assert_float_eq(raw_number(&merged, NULL, "duration_us"), longest * 1e6, 1e-3);
    for (int i = 0; i < 2; i++)
        load_result_free(&r[i]);
    load_result_free(&merged);
}

/* Bins by hand for the definition's edge cases. */
static latency_histogram histogram_of(latency_bin *bins, size_t n)
{
    latency_histogram h = {bins, n, 0};
    for (size_t i = 0; i < n; i++)
        h.count += bins[i].count;
    return h;
}

/* A client whose wrk CPU is not known (a remote host that did not report it) leaves the
 * merged one unknown too: the busiest of the others would pass for a figure it is not. */
Test(load_merge, an_unknown_client_cpu_leaves_the_merged_one_unknown)
{
    load_result r[2], merged;
    char err[256];
    read_fixture("sleep-1ms.txt", &r[0]);
    read_fixture("sleep-3ms.txt", &r[1]);
    r[0].cpu_fraction = 0.5;
    r[1].cpu_fraction = -1;
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(merged.cpu_fraction, -1);
    cr_assert(json_is_null(json_object_get(merged.raw, "wrk_cpu")));
    cr_assert_eq(merged.requests, r[0].requests + r[1].requests, "the rest merges as ever");
    load_result_free(&merged);
    /* In the other order too. */
    r[0].cpu_fraction = -1;
    r[1].cpu_fraction = 0.5;
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(merged.cpu_fraction, -1);
    for (int i = 0; i < 2; i++)
        load_result_free(&r[i]);
    load_result_free(&merged);
}

Test(load_merge, percentiles_follow_wrks_rank)
{
    /* 10 samples: rank(50) = round(5.5) = 6, rank(90) = round(9.5) = 10, rank(99) = 10. */
    latency_bin bins[] = {{100, 5}, {200, 1}, {300, 3}, {900, 1}};
    latency_histogram h = histogram_of(bins, 4);
    cr_assert_eq(latency_histogram_percentile(&h, 50), 200);
    cr_assert_eq(latency_histogram_percentile(&h, 90), 900);
    cr_assert_eq(latency_histogram_percentile(&h, 40), 100, "rank round(4.5) = 5");
    latency_figures f = latency_histogram_figures(&h);
    cr_assert_float_eq(f.mean, (500 + 200 + 900 + 900) / 10.0, 1e-9);
    cr_assert_eq(f.max, 900);
}

Test(load_merge, clients_meeting_at_one_latency_add_their_counts)
{
    latency_bin a[] = {{100, 2}, {300, 1}}, b[] = {{100, 3}, {200, 4}};
    latency_histogram parts[] = {histogram_of(a, 2), histogram_of(b, 2)}, sum;
    cr_assert_eq(latency_histogram_merge(parts, 2, &sum), 0);
    cr_assert_eq(sum.nbins, 3);
    cr_assert_eq(sum.count, 10);
    cr_assert(sum.bins[0].us == 100 && sum.bins[0].count == 5);
    cr_assert(sum.bins[1].us == 200 && sum.bins[1].count == 4);
    cr_assert(sum.bins[2].us == 300 && sum.bins[2].count == 1);
    latency_histogram_free(&sum);
}

/* The fixture's line with its histogram replaced by text. */
static char *with_histogram(const char *text)
{
    static const char *const head =
        "TWICE_RESULT {\"requests\":10,\"duration_us\":1000000,\"bytes\":100,"
        "\"errors\":{\"connect\":0,\"read\":0,\"write\":0,\"status\":0,\"timeout\":0},"
        "\"non2xx\":0,\"failed_checks\":0,\"threads\":1,\"latency_us\":{\"mean\":1.0,"
        "\"stdev\":0.0,\"max\":1,\"p50\":1,\"p75\":1,\"p90\":1,\"p99\":1,\"p99_9\":1},";
    char *line;
    cr_assert_geq(asprintf(&line, "%s%s}\n", head, text), 0);
    return line;
}

Test(load_merge, an_empty_histogram_is_zero_and_adds_nothing)
{
    load_result r[2], merged;
    char err[256], *line = with_histogram("\"histogram\":[]");
    cr_assert_eq(load_parse_output(line, &r[0], err, sizeof(err)), 0, "%s", err);
    free(line);
    cr_assert_eq(r[0].histogram.nbins, 0);
    cr_assert_eq(load_merge(&r[0], 1, &merged, err, sizeof(err)), 0, "%s", err);
    for (int k = LAT_MEAN; k <= LAT_P999; k++)
        cr_assert_eq(merged.latency_ms[k], 0, "figure %d of nothing", k);
    load_result_free(&merged);
    read_fixture("sleep-3ms.txt", &r[1]);
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(merged.latency_ms[LAT_P99], r[1].latency_ms[LAT_P99]);
    cr_assert_eq(merged.requests, 10 + r[1].requests);
    load_result_free(&merged);
    load_result_free(&r[0]);
    load_result_free(&r[1]);
}

Test(load_merge, a_malformed_histogram_is_refused_naming_the_pair)
{
    struct {
        const char *histogram, *message;
    } cases[] = {
        {"\"histogram\":[[100,1],[90,2]]", "\"histogram[1]\" is not sorted: latency 90 after 100"},
        {"\"histogram\":[[100,1],[100,2]]", "\"histogram[1]\" is not sorted"},
        {"\"histogram\":[[100,-3]]", "\"histogram[0][1]\" is negative (-3)"},
        {"\"histogram\":[[100,0]]", "\"histogram[0][1]\" is 0 (0): a count is at least 1"},
        {"\"histogram\":[[-1,1]]", "\"histogram[0][0]\" is negative"},
        {"\"histogram\":[[100.5,1]]", "\"histogram[0][0]\" is a number, not a whole number"},
        {"\"histogram\":[[100,1.5]]", "\"histogram[0][1]\" is a number, not a whole number"},
        {"\"histogram\":[[100,\"2\"]]", "\"histogram[0][1]\" is a string"},
        {"\"histogram\":[[100,1,2]]", "\"histogram[0]\" is an array of another length"},
        {"\"histogram\":[100]", "\"histogram[0]\" is an integer, not a [latency, count] pair"},
        {"\"histogram\":{}", "\"histogram\" is an object, not an array"},
        {"\"nothing\":1", "\"histogram\" is missing"},
        {"\"histogram\":null", "\"histogram_bins\" is missing"},
        {"\"histogram\":null,\"histogram_bins\":12", "the script leaves out only histograms of"},
        {"\"histogram\":null,\"histogram_bins\":-1250000", "\"histogram_bins\" is negative"},
        {"\"histogram\":[[1,9223372036854775807],[2,9223372036854775807],[3,2]]",
         "\"histogram[2][1]\": the counts add up past 64 bits"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        load_result r;
        char err[512], *line = with_histogram(cases[i].histogram);
        cr_assert_eq(load_parse_output(line, &r, err, sizeof(err)), -1, "%s", line);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
        cr_assert(strstr(err, "wrk's result line is not what the script writes") != NULL, "%s",
                  err);
        cr_assert_null(r.raw);
        cr_assert_null(r.histogram.bins);
        free(line);
    }
}

Test(load_merge, more_pairs_than_the_script_writes_are_refused)
{
    size_t n = LOAD_HISTOGRAM_MAX_BINS + 1;
    char *pairs = malloc(n * 24 + 32), *at = pairs;
    at += sprintf(at, "\"histogram\":[");
    for (size_t i = 0; i < n; i++)
        at += sprintf(at, "%s[%zu,1]", i ? "," : "", i);
    strcpy(at, "]");
    char err[512], *line = with_histogram(pairs);
    load_result r;
    cr_assert_eq(load_parse_output(line, &r, err, sizeof(err)), -1);
    cr_assert(strstr(err, "has 100001 pairs, more than the 100000") != NULL, "%s", err);
    free(line);
    free(pairs);
}

/* A histogram too big for the line: one client keeps wrk's own figures, a merge refuses. */
Test(load_merge, a_left_out_histogram_cannot_be_merged)
{
    load_result r[2], merged;
    char err[512], *line = with_histogram("\"histogram\":null,\"histogram_bins\":250000");
    cr_assert_eq(load_parse_output(line, &r[1], err, sizeof(err)), 0, "%s", err);
    free(line);
    cr_assert_eq(r[1].histogram_left_out, 250000);
    cr_assert_null(json_object_get(r[1].raw, "histogram_bins"));
    read_fixture("sleep-1ms.txt", &r[0]);
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), -1);
    cr_assert(strstr(err, "client 2 of 2: its latencies cannot be merged exactly: wrk recorded "
                          "250000 distinct latencies") != NULL,
              "%s", err);
    cr_assert_null(merged.raw);
    load_result_free(&r[0]);
    load_result_free(&r[1]);
}

Test(load_merge, connections_split_over_clients_add_up)
{
    for (unsigned total = 1; total < 40; total++) {
        for (size_t n = 1; n <= 5; n++) {
            unsigned sum = 0, lo = ~0u, hi = 0;
            for (size_t j = 0; j < n; j++) {
                unsigned share = load_client_share(total, n, j);
                sum += share;
                lo = share < lo ? share : lo;
                hi = share > hi ? share : hi;
            }
            cr_assert_eq(sum, total, "%u over %zu", total, n);
            cr_assert_leq(hi - lo, 1, "%u over %zu: the remainder spread", total, n);
        }
    }
    cr_assert_eq(load_client_share(7, 3, 0), 3);
    cr_assert_eq(load_client_share(7, 3, 2), 2);
}

/* Of 7 threads over 3 clients (3, 2, 2), those on local clients run here: all of them
 * without a client list. */
Test(load_merge, the_threads_here_are_the_local_clients_shares)
{
    inventory_host here = {.destination = "local", .local = 1},
                   far = {.destination = "root@198.18.1.10", .local = 0};
    load_host clients[3] = {{.host = &far}, {.host = &here}, {.host = &far}};
    load_spec spec = {.threads = 7, .clients = clients, .nclients = 3};
    cr_assert_eq(load_threads_here(&spec), 2);
    clients[0].host = &here;
    cr_assert_eq(load_threads_here(&spec), 5);
    spec.clients = NULL;
    spec.nclients = 0;
    cr_assert_eq(load_threads_here(&spec), 7);
}

Test(load_merge, a_saturated_client_is_flagged_by_name)
{
    json_t *runs = json_pack("[{s:i, s:[{s:s, s:i, s:f}, {s:s, s:i, s:f}]}]", "round", 2, "clients",
                             "host", "local", "threads", 2, "wrk_cpu", 0.4, "host",
                             "root@198.18.0.9", "threads", 1, "wrk_cpu", 0.97);
    json_t *flags = json_array();
    load_saturation_flags(runs, 0.9, flags);
    cr_assert_eq(json_array_size(flags), 1);
    cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
                     "load generator saturated: client 2 of 2 (root@198.18.0.9) in round 2: wrk "
                     "used 97% of its 1 threads");
    json_decref(flags);
    json_decref(runs);
}

/* Counts that add up past what a JSON integer holds are refused, never wrapped around. */
Test(load_merge, counts_past_64_bits_are_refused)
{
    load_result r[2], merged;
    char err[512];
    for (int i = 0; i < 2; i++) {
        char *line = with_histogram("\"histogram\":[[5,1]]");
        cr_assert_eq(load_parse_output(line, &r[i], err, sizeof(err)), 0, "%s", err);
        free(line);
        json_object_set_new(r[i].raw, "bytes", json_integer(INT64_MAX));
    }
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "cannot merge the clients' results: their \"bytes\" add up past 64 bits");
    for (int i = 0; i < 2; i++) {
        json_object_set_new(r[i].raw, "bytes", json_integer(1));
        r[i].histogram.bins[0].count = r[i].histogram.count = UINT64_MAX / 2 + 1;
    }
    cr_assert_eq(load_merge(r, 2, &merged, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "cannot merge the clients' latencies: their counts add up past 64 bits");
    cr_assert_null(merged.raw);
    cr_assert_null(merged.histogram.bins);
    load_result_free(&r[0]);
    load_result_free(&r[1]);
}
