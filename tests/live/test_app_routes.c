/*
 * test_app_routes.c - twice-app over real HTTP on loopback: every workload
 * route, its bad parameters, and the headers every response carries.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>

#include "app_process.h"
#include "http_client.h"

static app_process app;

static void start(void)
{
    static const char *const args[] = {"--workers", "2", "--lock-file",
                                       "/tmp/twice-test-routes.lock", NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0, "twice-app did not start");
}

static void stop(void)
{
    char *report;
    int status = app_stop_checked(&app, 5000, &report);
    cr_assert_null(report, "sanitizer report: %s", report);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "clean exit, got status %d", status);
}

TestSuite(app_routes, .init = start, .fini = stop, .timeout = 30);

static json_t *get_json(const char *target, int expect_status)
{
    http_response res;
    cr_assert_eq(http_get(app.port, target, &res), 0, "no response to %s", target);
    cr_assert_eq(res.status, expect_status, "%s: status %d, body %s", target, res.status, res.body);
    char type[64];
    cr_assert_str_eq(http_header(&res, "Content-Type", type, sizeof(type)), "application/json");
    json_error_t error;
    json_t *json = json_loads(res.body, 0, &error);
    cr_assert_not_null(json, "%s: body is not JSON: %s", target, res.body);
    http_response_free(&res);
    return json;
}

Test(app_routes, plaintext_with_tfb_headers)
{
    http_response res;
    cr_assert_eq(http_get(app.port, "/plaintext", &res), 0);
    cr_assert_eq(res.status, 200);
    cr_assert_str_eq(res.body, "Hello, World!");
    char value[128];
    cr_assert_str_eq(http_header(&res, "Content-Type", value, sizeof(value)), "text/plain");
    cr_assert_str_eq(http_header(&res, "Content-Length", value, sizeof(value)), "13");
    cr_assert_str_eq(http_header(&res, "Server", value, sizeof(value)), "twice");
    cr_assert_not_null(http_header(&res, "Date", value, sizeof(value)));
    cr_assert(strstr(value, " GMT") != NULL, "an HTTP date: %s", value);
    http_response_free(&res);
}

Test(app_routes, json)
{
    json_t *j = get_json("/json", 200);
    cr_assert_str_eq(json_string_value(json_object_get(j, "message")), "Hello, World!");
    cr_assert_eq(json_object_size(j), 1);
    json_decref(j);
}

Test(app_routes, sleep_waits)
{
    json_t *j = get_json("/sleep?ms=20", 200);
    cr_assert_eq(json_integer_value(json_object_get(j, "slept_ms")), 20);
    json_decref(j);
}

Test(app_routes, cpu_is_deterministic)
{
    json_t *a = get_json("/cpu?iters=5000", 200);
    json_t *b = get_json("/cpu?iters=5000", 200);
    json_t *c = get_json("/cpu?iters=5001", 200);
    cr_assert_eq(json_integer_value(json_object_get(a, "iters")), 5000);
    cr_assert_str_eq(json_string_value(json_object_get(a, "checksum")),
                     json_string_value(json_object_get(b, "checksum")));
    cr_assert_str_neq(json_string_value(json_object_get(a, "checksum")),
                      json_string_value(json_object_get(c, "checksum")));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

Test(app_routes, ctx_reads_the_same_request_on_both_sides_of_a_wait)
{
    json_t *j = get_json("/ctx?id=req-42&ms=5", 200);
    cr_assert_str_eq(json_string_value(json_object_get(j, "id")), "req-42");
    cr_assert_str_eq(json_string_value(json_object_get(j, "before")), "req-42");
    cr_assert_str_eq(json_string_value(json_object_get(j, "after")), "req-42");
    json_decref(j);
}

Test(app_routes, contention_holds_the_lock)
{
    json_t *j = get_json("/contention?us=2000&ms=1", 200);
    cr_assert_eq(json_integer_value(json_object_get(j, "held_us")), 2000);
    cr_assert_eq(json_integer_value(json_object_get(j, "parallel_ms")), 1);
    cr_assert_not_null(json_object_get(j, "lock_wait_us"));
    json_decref(j);
}

Test(app_routes, bad_parameters_are_400_json_naming_them)
{
    struct {
        const char *target;
        const char *says;
    } cases[] = {
        {"/sleep?ms=-1", "'ms' must be an integer in [0, 60000], got '-1'"},
        {"/sleep?ms=soon", "got 'soon'"},
        {"/sleep?ms=60001", "got '60001'"},
        {"/cpu?iters=0", "'iters' must be an integer in [1, 1000000000], got '0'"},
        {"/cpu?iters=1e6", "got '1e6'"},
        {"/ctx?ms=1", "'id' is required"},
        {"/ctx?id=a&ms=x", "'ms' must be"},
        {"/contention?us=-5", "'us' must be"},
        {"/contention?us=10&ms=forever", "'ms' must be"},
        /* Bytes that are not UTF-8 are shown escaped, so that the message survives in JSON. */
        {"/sleep?ms=%FF", "'ms' must be an integer in [0, 60000], got '\\xFF'"},
        {"/ctx?id=%FF%FE", "'id' must be UTF-8 text, got '\\xFF\\xFE'"},
        /* A NUL would cut a path or a parameter short: refused, never truncated. */
        {"/sleep?ms=5%00000", "NUL byte at column 12"},
        {"/plaintext%00.html", "NUL byte at column 11"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *j = get_json(cases[i].target, 400);
        const char *error = json_string_value(json_object_get(j, "error"));
        cr_assert(error != NULL && strstr(error, cases[i].says) != NULL, "%s: %s", cases[i].target,
                  error);
        cr_assert_eq(json_integer_value(json_object_get(j, "status")), 400);
        json_decref(j);
    }
}

Test(app_routes, unknown_paths_and_methods)
{
    json_t *j = get_json("/nope", 404);
    json_decref(j);

    http_response res;
    cr_assert_eq(http_request(app.port, "POST", "/plaintext", "x", 5000, &res), 0);
    cr_assert_eq(res.status, 405);
    char allow[64];
    cr_assert_str_eq(http_header(&res, "Allow", allow, sizeof(allow)), "GET, HEAD");
    http_response_free(&res);
}

Test(app_routes, head_has_headers_and_no_body)
{
    http_response res;
    cr_assert_eq(http_request(app.port, "HEAD", "/plaintext", NULL, 5000, &res), 0);
    cr_assert_eq(res.status, 200);
    cr_assert_eq(res.body_len, 0);
    char value[32];
    cr_assert_str_eq(http_header(&res, "Content-Length", value, sizeof(value)), "13");
    http_response_free(&res);
}

Test(app_routes, many_requests_over_both_workers)
{
    for (int i = 0; i < 200; i++) {
        http_response res;
        cr_assert_eq(http_get(app.port, "/plaintext", &res), 0, "request %d", i);
        cr_assert_eq(res.status, 200);
        http_response_free(&res);
    }
}
