/*
 * test_request.c - what a handler reads: query parameters, headers, the
 * body and JSON bodies, including the 400s for bad input.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "twice.h"

static tw_app *app;
static json_t *seen; /* what the probe handler read, for the test to check */

/* Copies what it reads into `seen`. */
static int probe(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    size_t len;
    const char *body = tw_req_body(req, &len);
    json_decref(seen);
    seen = json_pack("{s:s, s:s, s:s, s:s*, s:s*, s:s*, s:s*, s:s*, s:I}", "method",
                     tw_req_method(req), "path", tw_req_path(req), "query",
                     tw_req_query_string(req), "a", tw_req_query(req, "a"), "b",
                     tw_req_query(req, "b"), "empty", tw_req_query(req, "empty"), "agent",
                     tw_req_header(req, "user-agent"), "body", body, "body_len", (json_int_t)len);
    return tw_res_text(res, 200, "ok");
}

static int echo_json(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    json_t *body;
    int rc = tw_req_json(req, &body);
    if (rc != TW_OK)
        return rc;
    return tw_res_json(res, 200, body);
}

static int bounded(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t n;
    if (tw_req_query_int(req, "n", -5, 100, 7, &n) != TW_OK)
        return TW_ABORT;
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)n);
    return tw_res_text(res, 200, buf);
}

static int text_param(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    const char *id;
    if (tw_req_query_text(req, "id", &id) != TW_OK)
        return TW_ABORT;
    return tw_res_json_new(res, 200, json_pack("{s:s?}", "id", id));
}

/* Counts the requests that reach the hooks: a request refused as it is read must not. */
static int hooks_run;

static int count_hook(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)res;
    (void)data;
    hooks_run++;
    return TW_OK;
}

static void setup(void)
{
    app = tw_app_new("request-test");
    tw_route(app, "GET,POST", "/probe/<path:rest>", probe, NULL);
    tw_route(app, "POST", "/json", echo_json, NULL);
    tw_route(app, "GET", "/bounded", bounded, NULL);
    tw_route(app, "GET", "/text", text_param, NULL);
    tw_app_before_request(app, count_hook, NULL);
    hooks_run = 0;
}

static void teardown(void)
{
    json_decref(seen);
    seen = NULL;
    tw_app_free(app);
}

TestSuite(request, .init = setup, .fini = teardown);

Test(request, query_parameters_are_decoded)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/probe/x%2Fy?a=1+2%21&b=%zz&empty=&a=second", NULL,
                                  0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200);
    tw_res_free(res);
    cr_assert_str_eq(json_string_value(json_object_get(seen, "path")), "/probe/x/y");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "query")),
                     "a=1+2%21&b=%zz&empty=&a=second");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "a")), "1 2!", "first one wins");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "b")), "%zz", "bad escapes kept");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "empty")), "");
}

Test(request, headers_are_case_insensitive_and_body_is_kept)
{
    tw_header headers[] = {{"User-Agent", "criterion"}, {"X-Other", "1"}};
    tw_res *res = tw_app_dispatch(app, "POST", "/probe/b", headers, 2, "hello\0world", 11);
    tw_res_free(res);
    cr_assert_str_eq(json_string_value(json_object_get(seen, "method")), "POST");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "agent")), "criterion");
    cr_assert_eq(json_integer_value(json_object_get(seen, "body_len")), 11);
    cr_assert_null(json_object_get(seen, "a"), "absent parameters are NULL");
}

Test(request, json_body_round_trips)
{
    const char *doc = "{\"n\": [1, 2, {\"x\": null}]}";
    tw_res *res = tw_app_dispatch(app, "POST", "/json", NULL, 0, doc, strlen(doc));
    cr_assert_eq(tw_res_get_status(res), 200);
    cr_assert_str_eq(tw_res_get_header(res, "Content-Type"), "application/json");
    cr_assert_str_eq(tw_res_get_body(res, NULL), "{\"n\":[1,2,{\"x\":null}]}");
    tw_res_free(res);
}

Test(request, malformed_json_is_400_saying_where)
{
    const char *doc = "{\"a\": 1,\n  \"b\": tru}";
    tw_res *res = tw_app_dispatch(app, "POST", "/json", NULL, 0, doc, strlen(doc));
    cr_assert_eq(tw_res_get_status(res), 400);
    json_t *err = json_loads(tw_res_get_body(res, NULL), 0, NULL);
    cr_assert_not_null(err);
    cr_assert_eq(json_integer_value(json_object_get(err, "line")), 2);
    cr_assert_gt(json_integer_value(json_object_get(err, "column")), 0);
    const char *message = json_string_value(json_object_get(err, "error"));
    cr_assert(strstr(message, "malformed JSON body at line 2, column") != NULL, "%s", message);
    json_decref(err);
    tw_res_free(res);
}

Test(request, empty_json_body_is_400)
{
    tw_res *res = tw_app_dispatch(app, "POST", "/json", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 400);
    cr_assert(strstr(tw_res_get_body(res, NULL), "request body is empty") != NULL);
    tw_res_free(res);
}

Test(request, integer_query_parameters_are_checked)
{
    struct {
        const char *target;
        int status;
        const char *body;
    } cases[] = {
        {"/bounded", 200, "7"},
        {"/bounded?n=100", 200, "100"},
        {"/bounded?n=-5", 200, "-5"},
        {"/bounded?n=101", 400, "must be an integer in [-5, 100], got '101'"},
        {"/bounded?n=-6", 400, "got '-6'"},
        {"/bounded?n=abc", 400, "got 'abc'"},
        {"/bounded?n=", 400, "got ''"},
        {"/bounded?n=1x", 400, "got '1x'"},
        {"/bounded?n=%201", 400, "got ' 1'"},
        {"/bounded?n=99999999999999999999999", 400, "got '99999999999999999999999'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tw_res *res = tw_app_dispatch(app, "GET", cases[i].target, NULL, 0, NULL, 0);
        cr_assert_eq(tw_res_get_status(res), cases[i].status, "%s", cases[i].target);
        cr_assert(strstr(tw_res_get_body(res, NULL), cases[i].body) != NULL, "%s: %s",
                  cases[i].target, tw_res_get_body(res, NULL));
        if (cases[i].status == 400)
            cr_assert(strstr(tw_res_get_body(res, NULL), "\"parameter\":\"n\"") != NULL);
        tw_res_free(res);
    }
}

/* The error body of res, parsed; the test fails when it is not JSON. */
static json_t *error_body(tw_res *res)
{
    size_t len;
    const char *body = tw_res_get_body(res, &len);
    json_t *j = json_loadb(body, len, 0, NULL);
    cr_assert_not_null(j, "the error body is JSON: %.*s", (int)len, body);
    return j;
}

Test(request, an_encoded_nul_anywhere_in_the_target_is_400)
{
    const char *targets[] = {"/probe/a%00b", "/probe/x?a=1%00", "/probe/x?a%00=1",
                             "/bounded?n=1%00", "/nowhere%00"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        tw_res *res = tw_app_dispatch(app, "GET", targets[i], NULL, 0, NULL, 0);
        cr_assert_eq(tw_res_get_status(res), 400, "%s: %d", targets[i], tw_res_get_status(res));
        json_t *j = error_body(res);
        const char *error = json_string_value(json_object_get(j, "error"));
        cr_assert(error != NULL && strstr(error, "NUL byte at column") != NULL, "%s: %s",
                  targets[i], error);
        cr_assert_eq(json_integer_value(json_object_get(j, "column")),
                     strstr(targets[i], "%00") - targets[i] + 1);
        json_decref(j);
        tw_res_free(res);
    }
    cr_assert_eq(hooks_run, 0, "no hook ran for a request refused as it was read");
    tw_res *res = tw_app_dispatch(app, "GET", "/probe/a%01b?a=%0", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200, "other escapes, and a cut one, still pass");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "path")), "/probe/a\001b");
    tw_res_free(res);
}

Test(request, a_parameter_that_must_be_text_refuses_bytes_that_are_not_utf8)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/text?id=caf%C3%A9", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "{\"id\":\"caf\xc3\xa9\"}");
    tw_res_free(res);
    res = tw_app_dispatch(app, "GET", "/text", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200, "absent is not an error");
    tw_res_free(res);

    /* A stray byte, a cut sequence, an overlong form and a surrogate. */
    const char *bad[] = {"%FF", "caf%C3", "%C0%AF", "%ED%A0%80"};
    const char *shown[] = {"\\xFF", "caf\\xC3", "\\xC0\\xAF", "\\xED\\xA0\\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char target[64];
        snprintf(target, sizeof(target), "/text?id=%s", bad[i]);
        res = tw_app_dispatch(app, "GET", target, NULL, 0, NULL, 0);
        cr_assert_eq(tw_res_get_status(res), 400, "%s", target);
        json_t *j = error_body(res);
        const char *error = json_string_value(json_object_get(j, "error"));
        cr_assert(error != NULL && strstr(error, "'id' must be UTF-8 text") != NULL, "%s: %s",
                  target, error);
        cr_assert_str_eq(json_string_value(json_object_get(j, "value")), shown[i],
                         "%s shows the bytes", target);
        json_decref(j);
        tw_res_free(res);
    }
}

Test(request, a_400_keeps_its_message_when_the_value_is_not_utf8)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/bounded?n=1%FF", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 400);
    json_t *j = error_body(res);
    cr_assert_str_eq(json_string_value(json_object_get(j, "error")),
                     "query parameter 'n' must be an integer in [-5, 100], got '1\\xFF'");
    cr_assert_str_eq(json_string_value(json_object_get(j, "value")), "1\\xFF");
    cr_assert_str_eq(json_string_value(json_object_get(j, "parameter")), "n");
    json_decref(j);
    tw_res_free(res);

    res = tw_app_dispatch(app, "GET", "/nowhere/%E9t%E9", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 404);
    j = error_body(res);
    cr_assert_str_eq(json_string_value(json_object_get(j, "error")),
                     "no route for GET /nowhere/\\xE9t\\xE9");
    json_decref(j);
    tw_res_free(res);
}
