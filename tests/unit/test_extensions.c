/*
 * test_extensions.c - extensions (Flask's init_app) and the ops table
 * (Flask's subclassing): changing behaviour without copying the framework.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "twice.h"

/* An extension that counts requests: per-app state and a hook it registers itself. */
typedef struct counter_state {
    int requests;
    int destroyed;
} counter_state;

static int count_request(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)res;
    counter_state *state = tw_app_extension(tw_current_app(), "counter");
    cr_assert_eq(state, data, "the extension finds its state by name");
    state->requests++;
    return TW_OK;
}

static int counter_init(tw_app *app, void *state)
{
    return tw_app_before_request(app, count_request, state);
}

static void counter_destroy(tw_app *app, void *state)
{
    (void)app;
    ((counter_state *)state)->destroyed = 1;
}

static const tw_extension counter = {"counter", counter_init, counter_destroy};

static int ok(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    return tw_res_text(res, 200, "ok");
}

Test(extensions, init_registers_hooks_and_state)
{
    counter_state state = {0};
    tw_app *app = tw_app_new("ext");
    tw_route(app, "GET", "/", ok, NULL);
    cr_assert_eq(tw_app_register_extension(app, &counter, &state), TW_OK);
    cr_assert_eq(tw_app_extension(app, "counter"), &state);
    cr_assert_null(tw_app_extension(app, "absent"));
    for (int i = 0; i < 3; i++)
        tw_res_free(tw_app_dispatch(app, "GET", "/", NULL, 0, NULL, 0));
    cr_assert_eq(state.requests, 3);
    tw_app_free(app);
    cr_assert_eq(state.destroyed, 1, "destroy runs when the app is freed");
}

static int failing_init(tw_app *app, void *state)
{
    (void)app;
    (void)state;
    return TW_FAIL;
}

Test(extensions, duplicates_and_failures_are_refused)
{
    counter_state state = {0};
    tw_app *app = tw_app_new("ext");
    cr_assert_eq(tw_app_register_extension(app, &counter, &state), TW_OK);
    cr_assert_eq(tw_app_register_extension(app, &counter, &state), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "\"counter\": already registered") != NULL);

    static const tw_extension broken = {"broken", failing_init, NULL};
    cr_assert_eq(tw_app_register_extension(app, &broken, NULL), TW_FAIL);
    cr_assert(strstr(tw_app_errmsg(app), "\"broken\": init failed") != NULL);
    cr_assert_null(tw_app_extension(app, "broken"), "a failed init leaves nothing behind");

    static const tw_extension nameless = {NULL, failing_init, NULL};
    cr_assert_eq(tw_app_register_extension(app, &nameless, NULL), TW_FAIL);
    tw_app_free(app);
}

/* ---- the ops table ---- */

/* Errors as plain text instead of JSON: a partial override. */
static int text_errors(tw_app *app, tw_req *req, tw_res *res, const tw_error *error)
{
    (void)app;
    (void)req;
    char buf[256];
    snprintf(buf, sizeof(buf), "error %d: %s", error->status, error->message);
    return tw_res_text(res, error->status, buf);
}

/* Extends the default finalize rather than replacing it. */
static void stamp_and_finalize(tw_app *app, tw_req *req, tw_res *res)
{
    tw_res_header(res, "X-Framework", "twice");
    tw_default_ops()->finalize(app, req, res);
}

static int teapot_not_found(tw_app *app, tw_req *req, tw_res *res)
{
    (void)app;
    (void)req;
    return tw_res_text(res, 418, "no such page, have some tea");
}

static int bytes(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    return tw_res_body(res, "raw", 3);
}

Test(ops, partial_override_keeps_the_other_defaults)
{
    tw_app *app = tw_app_new("ops");
    tw_route(app, "GET", "/raw", bytes, NULL);
    tw_app_set_ops(app, &(tw_app_ops){.error_response = text_errors});

    tw_res *res = tw_app_dispatch(app, "GET", "/nowhere", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 404, "the default not_found still runs");
    cr_assert_str_eq(tw_res_get_body(res, NULL), "error 404: no route for GET /nowhere");
    tw_res_free(res);

    res = tw_app_dispatch(app, "GET", "/raw", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_header(res, "Content-Type"), "application/octet-stream",
                     "the default finalize still runs");
    tw_res_free(res);
    tw_app_free(app);
}

Test(ops, overrides_can_extend_the_defaults)
{
    tw_app *app = tw_app_new("ops");
    tw_route(app, "GET", "/raw", bytes, NULL);
    tw_app_set_ops(app,
                   &(tw_app_ops){.finalize = stamp_and_finalize, .not_found = teapot_not_found});
    tw_res *res = tw_app_dispatch(app, "GET", "/raw", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_header(res, "X-Framework"), "twice");
    cr_assert_str_eq(tw_res_get_header(res, "Content-Type"), "application/octet-stream");
    tw_res_free(res);

    res = tw_app_dispatch(app, "GET", "/nowhere", NULL, 0, NULL, 0);
    cr_assert_eq(tw_res_get_status(res), 418);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "no such page, have some tea");
    cr_assert_str_eq(tw_res_get_header(res, "X-Framework"), "twice");
    tw_res_free(res);
    tw_app_free(app);
}

static int teapot_handler(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)req;
    (void)error;
    (void)data;
    return tw_res_text(res, 404, "from the error handler");
}

Test(ops, error_handlers_take_precedence_over_ops)
{
    tw_app *app = tw_app_new("ops");
    tw_app_set_ops(app, &(tw_app_ops){.error_response = text_errors});
    cr_assert_eq(tw_app_error_handler(app, 404, NULL, NULL), TW_FAIL, "NULL is refused");
    cr_assert_eq(tw_app_error_handler(app, 404, teapot_handler, NULL), TW_OK);
    tw_res *res = tw_app_dispatch(app, "GET", "/nowhere", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "from the error handler");
    tw_res_free(res);
    res = tw_app_dispatch(app, "POST", "/nowhere", NULL, 0, NULL, 0);
    cr_assert_str_eq(tw_res_get_body(res, NULL), "from the error handler");
    tw_res_free(res);
    tw_app_free(app);
}
