/*
 * test_load.c - reading what the wrk script reports, and the statistics of
 * a step.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load.h"
#include "load_runner.h"
#include "stats.h"

static const char *const wrk_output =
    "Running 1s test @ http://127.0.0.1:1234/\n"
    "  2 threads and 8 connections\n"
    "TWICE_RESULT {\"requests\":7234,\"duration_us\":1099352,\"bytes\":1418465,"
    "\"errors\":{\"connect\":1,\"read\":2,\"write\":0,\"status\":0,\"timeout\":3},"
    "\"non2xx\":4,\"failed_checks\":5,\"threads\":2,\"latency_us\":{\"mean\":1142.1,"
    "\"stdev\":58.3,\"max\":2000,\"p50\":1132,\"p75\":1170,\"p90\":1215,\"p99\":1324,"
    "\"p99_9\":1487},\"histogram\":[[1000,7000],[1132,200],[2000,34]]}\n"
    "Requests/sec:   6580.29\n";

Test(load, the_result_line_is_read)
{
    load_result r;
    char err[256];
    cr_assert_eq(load_parse_output(wrk_output, &r, err, sizeof(err)), 0, "%s", err);
    cr_assert_float_eq(r.requests, 7234, 1e-9);
    cr_assert_float_eq(r.duration_s, 1.099352, 1e-9);
    cr_assert_float_eq(r.throughput, 7234 / 1.099352, 1e-6);
    cr_assert_float_eq(r.errors, 6, 1e-9, "connect + read + write + timeout");
    cr_assert_float_eq(r.non2xx, 4, 1e-9);
    cr_assert_float_eq(r.failed_checks, 5, 1e-9);
    cr_assert_float_eq(r.latency_ms[LAT_P50], 1.132, 1e-9);
    cr_assert_float_eq(r.latency_ms[LAT_P99], 1.324, 1e-9);
    cr_assert_float_eq(r.latency_ms[LAT_P999], 1.487, 1e-9);
    cr_assert_not_null(r.raw);
    load_result_free(&r);
}

Test(load, output_without_the_result_is_an_error)
{
    load_result r;
    char err[256];
    cr_assert_eq(load_parse_output("Requests/sec: 100\n", &r, err, sizeof(err)), -1);
    cr_assert(strstr(err, "no result line") != NULL, "%s", err);
    cr_assert_eq(load_parse_output("TWICE_RESULT {\"requests\": 1\n", &r, err, sizeof(err)), -1);
    cr_assert(strstr(err, "not what the script writes") != NULL, "%s", err);
    cr_assert_eq(load_parse_output("TWICE_RESULT {\"requests\": 1}\n", &r, err, sizeof(err)), -1);
    cr_assert(strstr(err, "\"duration_us\" is missing") != NULL, "%s", err);
}

/* The result line with one field replaced: from "\"name\":" up to the next ',' or '}'. */
static char *with_field(const char *name, const char *value)
{
    char key[64], *text;
    snprintf(key, sizeof(key), "\"%s\":", name);
    const char *at = strstr(wrk_output, key);
    cr_assert_not_null(at, "%s", name);
    at += strlen(key);
    const char *end = at + strcspn(at, ",}");
    cr_assert_geq(asprintf(&text, "%.*s%s%s", (int)(at - wrk_output), wrk_output, value, end), 0);
    return text;
}

/* Every field the script writes is checked: a missing, mistyped or negative one is refused
 * with its path, never read as 0 (which would be a wrong number, not an error). */
Test(load, every_field_of_the_result_is_checked)
{
    struct {
        const char *field, *value, *message;
    } cases[] = {
        {"requests", "-1", "\"requests\" is negative"},
        {"requests", "1.5", "\"requests\" is not a whole number"},
        {"duration_us", "0", "\"duration_us\" is 0"},
        {"non2xx", "\"4\"", "\"non2xx\" is not a whole number"},
        {"failed_checks", "null", "\"failed_checks\" is not a whole number"},
        {"timeout", "-3", "\"errors.timeout\" is negative"},
        {"p99", "\"fast\"", "\"latency_us.p99\" is not a number"},
        {"mean", "-1.5", "\"latency_us.mean\" is negative"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        load_result r;
        char err[256], *text = with_field(cases[i].field, cases[i].value);
        cr_assert_eq(load_parse_output(text, &r, err, sizeof(err)), -1, "%s", text);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
        cr_assert_null(r.raw);
        free(text);
    }
    load_result r;
    char err[256];
    cr_assert_eq(load_parse_output("TWICE_RESULT [1]\n", &r, err, sizeof(err)), -1);
    cr_assert(strstr(err, "not a JSON object") != NULL, "%s", err);
}

/* A fixed buffer once cut this list after about 170 servers: every server must be there. */
Test(load, the_servers_list_holds_every_server)
{
    int ports[256];
    for (int i = 0; i < 256; i++)
        ports[i] = 65535 - i;
    char *url, *env;
    cr_assert_eq(load_target(NULL, ports, 256, 0, 0, &url, &env), 0);
    cr_assert_str_eq(url, "http://127.0.0.1:65535/");
    cr_assert_eq(strncmp(env, "TWICE_SERVERS=127.0.0.1:65535,127.0.0.1:65534,", 46), 0, "%s", env);
    size_t commas = 0;
    for (const char *p = env; *p != '\0'; p++)
        commas += *p == ',';
    cr_assert_eq(commas, 255);
    cr_assert(strlen(env) > 1024 && strcmp(env + strlen(env) - 16, ",127.0.0.1:65280") == 0, "%s",
              env);
    free(url);
    free(env);
}

/* A remote client reaches the servers at their addresses; a second client's threads start
 * where the first one's ended, so that together they go round every server. */
Test(load, the_target_takes_the_servers_addresses)
{
    const char *addresses[] = {"198.18.0.2", "fd00::3", "server-c"};
    int ports[] = {8001, 8002, 8003};
    char *url, *env;
    cr_assert_eq(load_target(addresses, ports, 3, 0, 1, &url, &env), 0);
    cr_assert_str_eq(url, "http://[fd00::3]:8002/");
    cr_assert_str_eq(env, "TWICE_SERVERS=[fd00::3]:8002,server-c:8003,198.18.0.2:8001");
    free(url);
    free(env);
    cr_assert_eq(load_target(addresses, ports, 3, 1, 2, &url, &env), 0);
    cr_assert_str_eq(url, "http://198.18.0.2:8001/", "one shared port: the first server's");
    cr_assert_null(env);
    free(url);
}

Test(load, threads_reach_every_server_for_the_direct_front)
{
    cr_assert_geq(load_threads(64, 8, 1, 0), 8);
    cr_assert_leq(load_threads(2, 8, 1, 0), 2, "never more threads than connections");
    cr_assert_geq(load_threads(64, 1, 0, 0), 1);
}

Test(load, threads_leave_the_capped_servers_their_cores)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = load_threads(64, 4, 0, 0.4);
    cr_assert_leq(threads + 0.4, cores > 1 ? (double)cores : 1.4);
    cr_assert_geq(threads, 1);
}

Test(stats, median_min_max)
{
    double odd[] = {5, 1, 3};
    stats_summary s = stats_summarize(odd, 3);
    cr_assert_float_eq(s.median, 3, 1e-9);
    cr_assert_float_eq(s.min, 1, 1e-9);
    cr_assert_float_eq(s.max, 5, 1e-9);
    double even[] = {4, 1, 3, 2};
    cr_assert_float_eq(stats_summarize(even, 4).median, 2.5, 1e-9);
    cr_assert_float_eq(odd[0], 5, 1e-9, "the input is left as it was");
}

Test(stats, efficiency_against_the_first_step)
{
    cr_assert_float_eq(stats_efficiency(200, 2, 100, 1), 1.0, 1e-9);
    cr_assert_float_eq(stats_efficiency(300, 4, 100, 1), 0.75, 1e-9);
    /* First step of 2 servers: X(1) is estimated as X(2) / 2. */
    cr_assert_float_eq(stats_efficiency(400, 4, 200, 2), 1.0, 1e-9);
    cr_assert_float_eq(stats_efficiency(100, 2, 0, 1), 0, 1e-9, "no baseline, no efficiency");
}

/* What cannot start is refused before any wrk starts: the clients start together or not. */
Test(load, clients_that_cannot_all_start_are_refused_before_any_starts)
{
    int ports[] = {1};
    const inventory_host local = {.destination = "local", .local = 1};
    load_host clients[2];
    for (size_t j = 0; j < 2; j++)
        clients[j] = (load_host){
            .host = &local, .runner = &load_runner_local, .lifeline = -1, .stderr_fd = -1};
    load_spec spec = {.route = "/",
                      .ports = ports,
                      .nports = 1,
                      .shared_port = 1,
                      .connections = 1,
                      .threads = 1,
                      .duration_s = 1,
                      .clients = clients,
                      .nclients = 2};
    load_process lp;
    char err[512];
    cr_assert_eq(load_start(&spec, &lp, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "the step's 1 connection cannot be split over 2 clients: each needs "
                          "one at least");
    cr_assert_null(lp.clients);
    int status;
    cr_assert_eq(waitpid(-1, &status, WNOHANG), -1, "no wrk was started");
}
