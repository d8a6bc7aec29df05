/*
 * test_lifecycle.c - the order of a request's life: before-request hooks
 * (which may answer early), the handler, error handlers, after-request hooks
 * (which may change the response) and teardown hooks (which always run).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "twice.h"

static tw_app *app;
static char trail[512]; /* each hook and handler appends its name */

static void note(const char *what)
{
    strncat(trail, what, sizeof(trail) - strlen(trail) - 1);
    strncat(trail, " ", sizeof(trail) - strlen(trail) - 1);
}

static int before(tw_req *req, tw_res *res, void *data)
{
    note(data);
    if (tw_req_query(req, "stop") != NULL && strcmp(data, "before1") == 0)
        return tw_res_text(res, 202, "answered early") == TW_OK ? TW_DONE : TW_FAIL;
    if (tw_req_query(req, "deny") != NULL)
        return tw_abort(res, 403, "denied by %s", (const char *)data);
    return TW_OK;
}

static int after(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    note(data);
    tw_res_add_header(res, "X-After", data);
    return TW_OK;
}

static void teardown_hook(tw_req *req, const tw_error *error, void *data)
{
    (void)req;
    note(data);
    if (error != NULL) {
        char buf[32];
        snprintf(buf, sizeof(buf), "error=%d", error->status);
        note(buf);
    }
}

static int handler(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    note("handler");
    if (tw_req_query(req, "fail") != NULL)
        return TW_FAIL;
    if (tw_req_query(req, "teapot") != NULL)
        return tw_abort(res, 418, "short and stout");
    tw_res_header(res, "X-Handler", "1");
    return tw_res_text(res, 200, "handled");
}

static void setup(void)
{
    trail[0] = '\0';
    app = tw_app_new("lifecycle-test");
    tw_route(app, "GET", "/", handler, NULL);
    tw_app_before_request(app, before, "before1");
    tw_app_before_request(app, before, "before2");
    tw_app_after_request(app, after, "after1");
    tw_app_after_request(app, after, "after2");
    tw_app_teardown_request(app, teardown_hook, "teardown1");
    tw_app_teardown_request(app, teardown_hook, "teardown2");
}

static void fini(void)
{
    tw_app_free(app);
}

TestSuite(lifecycle, .init = setup, .fini = fini);

Test(lifecycle, hooks_run_in_flask_order)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/", NULL, 0, NULL, 0);
    cr_assert_str_eq(trail, "before1 before2 handler after2 after1 teardown2 teardown1 ");
    cr_assert_eq(tw_res_get_status(res), 200);
    cr_assert_str_eq(tw_res_get_header(res, "X-Handler"), "1");
    tw_res_free(res);
}

Test(lifecycle, before_hook_may_answer_early)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/?stop=1", NULL, 0, NULL, 0);
    cr_assert_str_eq(trail, "before1 after2 after1 teardown2 teardown1 ");
    cr_assert_eq(tw_res_get_status(res), 202);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "answered early");
    tw_res_free(res);
}

Test(lifecycle, before_hook_abort_skips_handler_and_reaches_teardown)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/?deny=1", NULL, 0, NULL, 0);
    cr_assert_str_eq(trail, "before1 after2 after1 teardown2 error=403 teardown1 error=403 ");
    cr_assert_eq(tw_res_get_status(res), 403);
    cr_assert(strstr(tw_res_get_body(res, NULL), "denied by before1") != NULL);
    tw_res_free(res);
}

Test(lifecycle, after_hooks_change_every_response_even_errors)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/?teapot=1", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 418);
    cr_assert_str_eq(tw_res_get_header(res, "X-After"), "after2", "first of the name");
    cr_assert_null(tw_res_get_header(res, "X-Handler"), "an error response starts afresh");
    tw_res_free(res);
}

Test(lifecycle, teardown_runs_after_a_failing_handler)
{
    tw_res *res = tw_app_dispatch(app, "GET", "/?fail=1", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 500);
    cr_assert(strstr(trail, "teardown2 error=500 teardown1 error=500") != NULL, "%s", trail);
    cr_assert(strstr(tw_res_get_body(res, NULL), "internal server error") != NULL);
    tw_res_free(res);
}

static int on_teapot(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)req;
    (void)data;
    char buf[128];
    snprintf(buf, sizeof(buf), "custom %d: %s", error->status, error->message);
    return tw_res_text(res, error->status, buf);
}

static int on_failure(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)req;
    (void)data;
    cr_assert_eq(error->failed, 1);
    return tw_res_text(res, 503, "failure handled");
}

static int on_500(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)req;
    (void)error;
    (void)data;
    return tw_res_text(res, 500, "the 500 handler");
}

static int broken_error_handler(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)req;
    (void)res;
    (void)error;
    (void)data;
    return TW_FAIL;
}

Test(lifecycle, error_handlers_per_status)
{
    cr_assert_eq(tw_app_error_handler(app, 418, on_teapot, NULL), TW_OK);
    tw_res *res = tw_app_dispatch(app, "GET", "/?teapot=1", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 418);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "custom 418: short and stout");
    tw_res_free(res);
}

Test(lifecycle, failing_handler_goes_to_its_handler_then_500)
{
    cr_assert_eq(tw_app_error_handler(app, 500, on_500, NULL), TW_OK);
    tw_res *res = tw_app_dispatch(app, "GET", "/?fail=1", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "the 500 handler");
    tw_res_free(res);

    cr_assert_eq(tw_app_error_handler(app, TW_HANDLER_FAILED, on_failure, NULL), TW_OK);
    res = tw_app_dispatch(app, "GET", "/?fail=1", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 503);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "failure handled");
    tw_res_free(res);
}

Test(lifecycle, a_failing_error_handler_becomes_a_plain_500)
{
    cr_assert_eq(tw_app_error_handler(app, 404, broken_error_handler, NULL), TW_OK);
    tw_res *res = tw_app_dispatch(app, "GET", "/missing", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 500);
    cr_assert(strstr(tw_res_get_body(res, NULL), "internal server error") != NULL);
    tw_res_free(res);
}

Test(lifecycle, error_handler_registration_is_checked)
{
    cr_assert_eq(tw_app_error_handler(app, 200, on_teapot, NULL), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "status 200") != NULL);
    cr_assert_eq(tw_app_error_handler(app, 404, on_teapot, NULL), TW_OK);
    cr_assert_eq(tw_app_error_handler(app, 404, on_teapot, NULL), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "already registered") != NULL);
    cr_assert_eq(tw_app_before_request(app, NULL, NULL), TW_FAIL);
}

static int failing_after(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)res;
    (void)data;
    return TW_FAIL;
}

Test(lifecycle, failing_after_hook_turns_the_response_into_500)
{
    tw_app_after_request(app, failing_after, NULL);
    tw_res *res = tw_app_dispatch(app, "GET", "/", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 500);
    cr_assert_null(tw_res_get_header(res, "X-Handler"));
    tw_res_free(res);
}
