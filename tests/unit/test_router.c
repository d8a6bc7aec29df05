/*
 * test_router.c - route patterns, typed parameters, 404 and 405.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "twice.h"

static tw_app *app;

static void setup(void)
{
    app = tw_app_new("router-test");
}

static void teardown(void)
{
    tw_app_free(app);
}

/* Echoes the matched route and its parameters, so tests see what matched. */
static int echo(tw_req *req, tw_res *res, void *data)
{
    json_t *out = json_pack("{s:s}", "route", (const char *)data);
    const char *names[] = {"id", "name", "rest", "a", "b"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (tw_req_param(req, names[i]) != NULL)
            json_object_set_new(out, names[i], json_string(tw_req_param(req, names[i])));
    }
    return tw_res_json_new(res, 200, out);
}

static json_t *get_json(const char *method, const char *target, int *status)
{
    tw_res *res = tw_app_dispatch(app, method, target, NULL, 0, NULL, 0);
    size_t len;
    const char *body = tw_res_get_body(res, &len);
    *status = tw_res_get_status(res);
    json_t *json = json_loadb(body, len, 0, NULL);
    tw_res_free(res);
    return json;
}

TestSuite(router, .init = setup, .fini = teardown);

Test(router, literal_and_typed_parameters)
{
    cr_assert_eq(tw_route(app, "GET", "/users/<int:id>", echo, "user"), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/files/<path:rest>", echo, "file"), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/hello/<name>", echo, "hello"), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/", echo, "root"), TW_OK);

    int status;
    json_t *j = get_json("GET", "/users/42", &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "user");
    cr_assert_str_eq(json_string_value(json_object_get(j, "id")), "42");
    json_decref(j);

    j = get_json("GET", "/files/a/b/c.txt", &status);
    cr_assert_str_eq(json_string_value(json_object_get(j, "rest")), "a/b/c.txt");
    json_decref(j);

    j = get_json("GET", "/hello/w%20orld?x=1", &status);
    cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "w orld");
    json_decref(j);

    j = get_json("GET", "/", &status);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "root");
    json_decref(j);
}

static int int_param(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    char buf[64];
    snprintf(buf, sizeof(buf), "%lld", (long long)tw_req_param_int(req, "id", -1));
    return tw_res_text(res, 200, buf);
}

Test(router, int_parameter_is_typed)
{
    cr_assert_eq(tw_route(app, "GET", "/n/<int:id>", int_param, NULL), TW_OK);
    const char *cases[][2] = {{"/n/-17", "-17"}, {"/n/9223372036854775807", "9223372036854775807"}};
    for (size_t i = 0; i < 2; i++) {
        tw_res *res = tw_app_dispatch(app, "GET", cases[i][0], NULL, 0, NULL, 0);
        cr_assert_eq(tw_res_get_status(res), 200, "%s", cases[i][0]);
        cr_assert_str_eq(tw_res_get_body(res, NULL), cases[i][1]);
        tw_res_free(res);
    }
    /* Not integers, or too big for 64 bits: no route matches. */
    const char *misses[] = {"/n/abc", "/n/1.5", "/n/", "/n/-", "/n/99999999999999999999", "/n/1/2"};
    for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
        tw_res *res = tw_app_dispatch(app, "GET", misses[i], NULL, 0, NULL, 0);
        cr_assert_eq(tw_res_get_status(res), 404, "%s", misses[i]);
        tw_res_free(res);
    }
}

Test(router, trailing_slash_is_significant)
{
    cr_assert_eq(tw_route(app, "GET", "/a", echo, "a"), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/b/", echo, "b/"), TW_OK);
    int status;
    json_decref(get_json("GET", "/a/", &status));
    cr_assert_eq(status, 404);
    json_decref(get_json("GET", "/b", &status));
    cr_assert_eq(status, 404);
    json_decref(get_json("GET", "/b/", &status));
    cr_assert_eq(status, 200);
}

Test(router, not_found_is_json_404)
{
    cr_assert_eq(tw_route(app, "GET", "/here", echo, "here"), TW_OK);
    int status;
    json_t *j = get_json("GET", "/elsewhere", &status);
    cr_assert_eq(status, 404);
    cr_assert_eq(json_integer_value(json_object_get(j, "status")), 404);
    cr_assert(strstr(json_string_value(json_object_get(j, "error")), "/elsewhere") != NULL);
    json_decref(j);
}

Test(router, wrong_method_is_405_with_allow)
{
    cr_assert_eq(tw_route(app, "GET", "/thing", echo, "get"), TW_OK);
    cr_assert_eq(tw_route(app, "PUT,delete", "/thing", echo, "put"), TW_OK);
    tw_res *res = tw_app_dispatch(app, "POST", "/thing", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 405);
    cr_assert_str_eq(tw_res_get_header(res, "allow"), "GET, HEAD, PUT, DELETE");
    tw_res_free(res);

    res = tw_app_dispatch(app, "DELETE", "/thing", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200);
    tw_res_free(res);
}

Test(router, get_routes_answer_head)
{
    cr_assert_eq(tw_route(app, "GET", "/x", echo, "x"), TW_OK);
    tw_res *res = tw_app_dispatch(app, "HEAD", "/x", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200);
    tw_res_free(res);
}

Test(router, a_head_only_route_answers_head)
{
    cr_assert_eq(tw_route(app, "HEAD", "/probe", echo, "head"), TW_OK);
    tw_res *res = tw_app_dispatch(app, "HEAD", "/probe", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 200, "HEAD is matched as HEAD before it falls back");
    tw_res_free(res);
    res = tw_app_dispatch(app, "GET", "/probe", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 405, "a route for HEAD alone does not answer GET");
    cr_assert_str_eq(tw_res_get_header(res, "allow"), "HEAD");
    tw_res_free(res);
}

Test(router, an_explicit_head_route_wins_over_get_and_allow_lists_each_method_once)
{
    cr_assert_eq(tw_route(app, "GET", "/both/<name>", echo, "get"), TW_OK);
    cr_assert_eq(tw_route(app, "HEAD", "/both/<name>", echo, "head"), TW_OK);
    int status;
    json_t *j = get_json("HEAD", "/both/x", &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "head");
    json_decref(j);
    j = get_json("GET", "/both/x", &status);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "get");
    json_decref(j);
    tw_res *res = tw_app_dispatch(app, "POST", "/both/x", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 405);
    cr_assert_str_eq(tw_res_get_header(res, "allow"), "GET, HEAD");
    tw_res_free(res);
}

Test(router, head_falls_back_to_get_with_the_get_routes_parameters)
{
    cr_assert_eq(tw_route(app, "POST", "/item/<name>", echo, "post"), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/item/<id>", echo, "get"), TW_OK);
    int status;
    json_t *j = get_json("HEAD", "/item/7", &status);
    cr_assert_eq(status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "get");
    cr_assert_str_eq(json_string_value(json_object_get(j, "id")), "7");
    cr_assert_null(json_object_get(j, "name"), "no parameter of a route that did not answer");
    json_decref(j);
}

Test(router, malformed_patterns_name_the_column)
{
    struct {
        const char *pattern;
        const char *message;
    } cases[] = {
        {"users", "must start with '/'"},
        {"/users/<int:id", "column 8: '<' is not closed by '>'"},
        {"/users/<float:x>", "column 9: unknown parameter type"},
        {"/users/<int:>", "column 13: parameter has no name"},
        {"/users/x<id>", "column 9: a parameter must be a whole segment"},
        {"/users/<id>x", "column 12: a parameter must be a whole segment"},
        {"/a//b", "column 4: empty segment"},
        {"/a/id>", "column 6: '>' without a '<'"},
        {"/<path:p>/x", "<path:p> must be the last segment"},
        {"/<a>/<int:a>", "parameter \"a\" appears twice"},
        {"/<a-b>", "column 4: parameter names use letters, digits and '_'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(tw_route(app, "GET", cases[i].pattern, echo, NULL), TW_FAIL, "%s",
                     cases[i].pattern);
        cr_assert(strstr(tw_app_errmsg(app), cases[i].message) != NULL,
                  "pattern %s: got \"%s\", expected it to contain \"%s\"", cases[i].pattern,
                  tw_app_errmsg(app), cases[i].message);
    }
}

Test(router, bad_methods_are_refused)
{
    cr_assert_eq(tw_route(app, "", "/x", echo, NULL), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "methods") != NULL);
    cr_assert_eq(tw_route(app, "GET,,POST", "/x", echo, NULL), TW_FAIL);
    cr_assert_eq(tw_route(app, "G3T", "/x", echo, NULL), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "\"G3T\" is not an HTTP method") != NULL);
    cr_assert_eq(tw_route(app, "GET", "/x", NULL, NULL), TW_FAIL);
}

Test(router, duplicate_routes_are_refused)
{
    cr_assert_eq(tw_route(app, "GET", "/users/<int:id>", echo, NULL), TW_OK);
    cr_assert_eq(tw_route(app, "GET,POST", "/users/<int:uid>", echo, NULL), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "duplicates /users/<int:id>") != NULL, "%s",
              tw_app_errmsg(app));
    /* Another method, or another type, is another route. */
    cr_assert_eq(tw_route(app, "POST", "/users/<int:id>", echo, NULL), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/users/<name>", echo, NULL), TW_OK);
}

Test(router, first_registered_route_wins_on_overlap)
{
    cr_assert_eq(tw_route(app, "GET", "/p/<int:id>", echo, "int"), TW_OK);
    cr_assert_eq(tw_route(app, "GET", "/p/<name>", echo, "name"), TW_OK);
    int status;
    json_t *j = get_json("GET", "/p/12", &status);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "int");
    json_decref(j);
    j = get_json("GET", "/p/twelve", &status);
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "name");
    json_decref(j);
}
