/*
 * dispatch.c - the life of one request, the same in every concurrency model
 * and in tests with no network (Flask's full_dispatch_request):
 *
 *   before-request hooks -> route -> handler -> error handlers
 *   -> after-request hooks -> finalize -> teardown hooks
 *
 * It also holds the default ops table, the behaviour an app may override.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "later.h"
#include "router.h"

static int default_error_response(tw_app *app, tw_req *req, tw_res *res, const tw_error *error)
{
    (void)app;
    (void)req;
    json_t *body = json_object();
    if (error->detail != NULL)
        json_object_update(body, error->detail);
    json_object_set_new(body, "error", json_string(error->message));
    json_object_set_new(body, "status", json_integer(error->status));
    return tw_res_json_new(res, error->status, body);
}

static int default_not_found(tw_app *app, tw_req *req, tw_res *res)
{
    (void)app;
    return tw_abort(res, 404, "no route for %s %s", req->method, req->path);
}

static void default_finalize(tw_app *app, tw_req *req, tw_res *res)
{
    (void)app;
    (void)req;
    if (res->body_len != 0 && tw_res_get_header(res, "Content-Type") == NULL)
        tw_res_header(res, "Content-Type", "application/octet-stream");
}

static const tw_app_ops default_ops = {
    .error_response = default_error_response,
    .not_found = default_not_found,
    .finalize = default_finalize,
};

const tw_app_ops *tw_default_ops(void)
{
    return &default_ops;
}

void tw_app_set_ops(tw_app *app, const tw_app_ops *ops)
{
    app->ops.error_response = ops->error_response ? ops->error_response : default_error_response;
    app->ops.not_found = ops->not_found ? ops->not_found : default_not_found;
    app->ops.finalize = ops->finalize ? ops->finalize : default_finalize;
}

/* Turns a handler's TW_FAIL, or any value that is not ours, into a pending 500. */
static int note_failure(tw_exchange *ex, int rc, const char *where)
{
    if (rc == TW_OK || rc == TW_DONE || (rc == TW_ABORT && ex->has_error))
        return rc;
    json_decref(ex->error.detail);
    ex->has_error = 1;
    ex->error = (tw_error){.status = 500, .message = "internal server error", .failed = 1};
    fprintf(stderr, "twice: %s failed on %s %s (returned %d)\n", where, ex->req.method,
            ex->req.path, rc);
    return TW_FAIL;
}

static const tw_hook *find_error_handler(const tw_app *app, int status)
{
    for (size_t i = 0; i < app->errors.count; i++) {
        if (app->errors.items[i].status == status)
            return &app->errors.items[i];
    }
    return NULL;
}

/* Builds the response for the pending error: the app's handler for it, else the ops. */
static void answer_error(tw_exchange *ex)
{
    tw_app *app = ex->req.app;
    const tw_hook *handler = ex->error.failed ? find_error_handler(app, TW_HANDLER_FAILED) : NULL;
    if (handler == NULL)
        handler = find_error_handler(app, ex->error.status);
    tw__res_reset(&ex->res);
    if (handler != NULL &&
        handler->fn.error(&ex->req, &ex->res, &ex->error, handler->data) == TW_OK)
        goto done;
    if (handler != NULL) {
        /* The error handler itself failed: answer plainly rather than recurse. */
        fprintf(stderr, "twice: error handler for %d failed on %s %s\n", ex->error.status,
                ex->req.method, ex->req.path);
        json_decref(ex->error.detail);
        ex->error = (tw_error){.status = 500, .message = "internal server error", .failed = 1};
        tw__res_reset(&ex->res);
    }
    if (app->ops.error_response(app, &ex->req, &ex->res, &ex->error) != TW_OK) {
        tw__res_reset(&ex->res);
        tw_res_text(&ex->res, 500, "Internal Server Error");
    }
done:
    if (ex->error.status == 405 && ex->allow != NULL)
        tw_res_header(&ex->res, "Allow", ex->allow);
}

static int run_before_hooks(tw_exchange *ex)
{
    const tw_hook_list *hooks = &ex->req.app->before;
    for (size_t i = 0; i < hooks->count; i++) {
        int rc = hooks->items[i].fn.handler(&ex->req, &ex->res, hooks->items[i].data);
        rc = note_failure(ex, rc, "before-request hook");
        if (rc != TW_OK)
            return rc;
    }
    return TW_OK;
}

static int route_and_handle(tw_exchange *ex)
{
    tw_app *app = ex->req.app;
    const char *allow;
    const tw_route_entry *route = tw__route_find(app, ex, &allow);
    if (route != NULL)
        return note_failure(ex, route->fn(&ex->req, &ex->res, route->data), "handler");
    if (allow != NULL) {
        ex->allow = allow;
        return tw_abort(&ex->res, 405, "method %s is not allowed for %s; allowed: %s",
                        ex->req.method, ex->req.path, allow);
    }
    return note_failure(ex, app->ops.not_found(app, &ex->req, &ex->res), "not-found handler");
}

static void run_after_hooks(tw_exchange *ex)
{
    const tw_hook_list *hooks = &ex->req.app->after;
    for (size_t i = hooks->count; i-- > 0;) {
        int rc = hooks->items[i].fn.handler(&ex->req, &ex->res, hooks->items[i].data);
        if (note_failure(ex, rc, "after-request hook") != TW_OK && rc != TW_DONE) {
            /* A broken after hook must not leave a half-changed response behind. */
            answer_error(ex);
            return;
        }
    }
}

static void run_teardown_hooks(tw_exchange *ex)
{
    const tw_hook_list *hooks = &ex->req.app->teardown;
    const tw_error *error = ex->has_error ? &ex->error : NULL;
    for (size_t i = hooks->count; i-- > 0;)
        hooks->items[i].fn.teardown(&ex->req, error, hooks->items[i].data);
}

void tw__dispatch(tw_exchange *ex)
{
    tw_app *app = ex->req.app;
    tw_exchange *previous = tw__context_enter(ex);
    /* A request refused as it was read (tw__req_set_target) goes straight to its error. */
    int rc = ex->has_error ? TW_ABORT : run_before_hooks(ex);
    if (rc == TW_OK)
        rc = route_and_handle(ex);
    if (rc == TW_ABORT || rc == TW_FAIL)
        answer_error(ex);
    run_after_hooks(ex);
    app->ops.finalize(app, &ex->req, &ex->res);
    run_teardown_hooks(ex);
    tw__context_leave(previous);
}

tw_res *tw_app_dispatch(tw_app *app, const char *method, const char *target,
                        const tw_header *headers, size_t nheaders, const void *body,
                        size_t body_len)
{
    tw_exchange *ex = tw__exchange_new(app);
    tw__req_set_target(ex, method, strlen(method), target, strlen(target));
    ex->req.headers = tw__arena_alloc(&ex->arena, (nheaders + 1) * sizeof(tw_header));
    for (size_t i = 0; i < nheaders; i++) {
        ex->req.headers[i].name = tw__arena_strdup(&ex->arena, headers[i].name);
        ex->req.headers[i].value = tw__arena_strdup(&ex->arena, headers[i].value);
    }
    ex->req.nheaders = nheaders;
    if (body_len != 0) {
        ex->req.body = tw__arena_strndup(&ex->arena, body, body_len);
        ex->req.body_len = body_len;
    }
    tw__dispatch(ex);
    /* No loop here: later-calls run now, in order, before the caller gets the response. */
    tw__later_run_all(ex);
    return &ex->res;
}

void tw_res_free(tw_res *res)
{
    if (res != NULL)
        tw__exchange_release(tw__res_exchange(res));
}
