/*
 * test_response.c - building responses: text, JSON, headers, redirects.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "twice.h"

static tw_app *app;

static int build(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    const char *kind = tw_req_query(req, "kind");
    if (strcmp(kind, "json") == 0)
        return tw_res_json_new(res, 201, json_pack("{s:i, s:[s]}", "a", 1, "b", "x"));
    if (strcmp(kind, "big-json") == 0) {
        json_t *arr = json_array();
        for (int i = 0; i < 1000; i++)
            json_array_append_new(arr, json_integer(i));
        return tw_res_json_new(res, 200, arr);
    }
    if (strcmp(kind, "redirect") == 0)
        return tw_res_redirect(res, 303, "/elsewhere");
    if (strcmp(kind, "bad-redirect") == 0)
        return tw_res_redirect(res, 200, "/elsewhere");
    if (strcmp(kind, "headers") == 0) {
        tw_res_add_header(res, "Set-Cookie", "a=1");
        tw_res_add_header(res, "Set-Cookie", "b=2");
        tw_res_header(res, "X-One", "first");
        tw_res_add_header(res, "x-one", "dup");
        tw_res_header(res, "X-ONE", "replaced");
        tw_res_status(res, 204);
        return TW_OK;
    }
    if (strcmp(kind, "bytes") == 0)
        return tw_res_body(res, "\x00\x01\x02", 3);
    return tw_res_text(res, 200, "plain");
}

static void setup(void)
{
    app = tw_app_new("response-test");
    tw_route(app, "GET", "/", build, NULL);
}

static void fini(void)
{
    tw_app_free(app);
}

TestSuite(response, .init = setup, .fini = fini);

static tw_res *get(const char *kind)
{
    char target[64];
    snprintf(target, sizeof(target), "/?kind=%s", kind);
    return tw_app_dispatch(app, "GET", target, NULL, 0, NULL, 0);
}

Test(response, text)
{
    tw_res *res = get("text");
    cr_assert_eq(tw_res_get_status(res), 200);
    cr_assert_str_eq(tw_res_get_header(res, "content-type"), "text/plain");
    size_t len;
    cr_assert_str_eq(tw_res_get_body(res, &len), "plain");
    cr_assert_eq(len, 5);
    tw_res_free(res);
}

Test(response, json_small_and_large)
{
    tw_res *res = get("json");
    cr_assert_eq(tw_res_get_status(res), 201);
    cr_assert_str_eq(tw_res_get_header(res, "Content-Type"), "application/json");
    cr_assert_str_eq(tw_res_get_body(res, NULL), "{\"a\":1,\"b\":[\"x\"]}");
    tw_res_free(res);

    res = get("big-json");
    json_t *arr = json_loads(tw_res_get_body(res, NULL), 0, NULL);
    cr_assert_eq(json_array_size(arr), 1000);
    cr_assert_eq(json_integer_value(json_array_get(arr, 999)), 999);
    json_decref(arr);
    tw_res_free(res);
}

Test(response, redirect)
{
    tw_res *res = get("redirect");
    cr_assert_eq(tw_res_get_status(res), 303);
    cr_assert_str_eq(tw_res_get_header(res, "Location"), "/elsewhere");
    tw_res_free(res);

    res = get("bad-redirect");
    cr_assert_eq(tw_res_get_status(res), 500, "a redirect with status 200 is a bug");
    cr_assert(strstr(tw_res_get_body(res, NULL), "expected 301, 302, 303, 307 or 308") != NULL);
    tw_res_free(res);
}

Test(response, headers_set_replace_and_add)
{
    tw_res *res = get("headers");
    cr_assert_eq(tw_res_get_status(res), 204);
    cr_assert_str_eq(tw_res_get_header(res, "x-one"), "replaced");
    cr_assert_str_eq(tw_res_get_header(res, "set-cookie"), "a=1");
    size_t len;
    tw_res_get_body(res, &len);
    cr_assert_eq(len, 0);
    cr_assert_null(tw_res_get_header(res, "Content-Type"), "no body, no type");
    tw_res_free(res);
}

Test(response, finalize_gives_a_body_a_content_type)
{
    tw_res *res = get("bytes");
    cr_assert_str_eq(tw_res_get_header(res, "Content-Type"), "application/octet-stream");
    size_t len;
    const char *body = tw_res_get_body(res, &len);
    cr_assert_eq(len, 3);
    cr_assert_eq(memcmp(body, "\x00\x01\x02", 3), 0);
    tw_res_free(res);
}

Test(response, reason_phrases)
{
    cr_assert_str_eq(tw_status_reason(404), "Not Found");
    cr_assert_str_eq(tw_status_reason(503), "Service Unavailable");
    cr_assert_str_eq(tw_status_reason(299), "Unknown");
}
