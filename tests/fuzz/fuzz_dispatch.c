/*
 * fuzz_dispatch.c - libtwice's routing and request handling on arbitrary
 * requests: tw_app_dispatch() with any method, target, headers and body,
 * against an app with typed parameters, query integers and text, a JSON
 * body, headers, tw_g(), later-calls, hooks and error handlers. The same
 * method and target are then registered as a route on a fresh app, which
 * fuzzes route compilation, and dispatched to it.
 *
 * Input framing: fields split by NUL bytes (which a method, a target or a
 * header cannot hold anyway):
 *
 *   METHOD \0 TARGET \0 NAME:VALUE \0 NAME:VALUE \0 ... \0 \0 BODY
 *
 * An empty field ends the headers; the body is everything after it, NULs
 * included. Missing fields are empty.
 *
 * Besides the sanitizers, it checks what a client would see: a status in
 * 100-599, and an error answered in JSON carries its message (bytes that are
 * not UTF-8 must not make it vanish).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twice.h"

#define MAX_HEADERS 32

/* ---- the app under test ---------------------------------------------------------------- */

static int user(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    json_object_set_new(tw_g(), "user", json_integer(tw_req_param_int(req, "id", -1)));
    return tw_res_json_new(res, 200, json_pack("{s:I}", "id", tw_req_param_int(req, "id", -1)));
}

static int files(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    tw_res_header(res, "Content-Type", "text/plain");
    const char *rest = tw_req_param(req, "rest");
    return tw_res_body(res, rest, strlen(rest));
}

static int echo_path(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    return tw_res_text(res, 200, tw_req_path(req));
}

static int search(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t limit, page;
    const char *q;
    if (tw_req_query_int(req, "limit", 1, 100, 10, &limit) != TW_OK ||
        tw_req_query_int(req, "page", INT64_MIN, INT64_MAX, 0, &page) != TW_OK ||
        tw_req_query_text(req, "q", &q) != TW_OK)
        return TW_ABORT;
    return tw_res_json_new(res, 200,
                           json_pack("{s:s?, s:I, s:I}", "q", q, "limit", (json_int_t)limit, "page",
                                     (json_int_t)page));
}

static int items(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    json_t *body;
    if (tw_req_json(req, &body) != TW_OK)
        return TW_ABORT;
    const char *fail = json_string_value(json_object_get(body, "fail"));
    if (fail != NULL)
        return tw_abort(res, 422, "item %s refused", fail);
    return tw_res_json(res, 201, body);
}

static int headers(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    const char *token = tw_req_header(req, "X-Token");
    if (token == NULL)
        return tw_abort(res, 401, "no X-Token for %s", tw_req_path(req));
    tw_res_add_header(res, "Set-Cookie", "a=1");
    tw_res_add_header(res, "Set-Cookie", "b=2");
    return tw_res_text(res, 200, token);
}

static int probe(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    tw_res_status(res, 204);
    return TW_OK;
}

static void later_step(void *data)
{
    json_t *g = tw_g();
    json_object_set_new(g, "steps",
                        json_integer(json_integer_value(json_object_get(g, "steps")) + 1));
    /* Reads the query lazily, here first, as the handler did not. */
    (void)tw_req_query(tw_request(), (const char *)data);
}

static int later(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    tw_defer(later_step, "a");
    tw_call_later(0, later_step, "b");
    return tw_res_text(res, 200, tw_req_method(req));
}

static int redirect(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    const char *to;
    if (tw_req_query_text(req, "to", &to) != TW_OK)
        return TW_ABORT;
    return tw_res_redirect(res, 302, to != NULL ? to : "/");
}

static int broken(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)res;
    (void)data;
    return 42; /* not a value of ours: a failing handler */
}

static int before(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    json_object_set_new(tw_g(), "method", json_string(tw_req_method(req)));
    if (tw_req_header(req, "X-Deny") != NULL)
        return tw_abort(res, 403, "denied %s", tw_req_header(req, "X-Deny"));
    if (tw_req_header(req, "X-Short") != NULL)
        return tw_res_text(res, 200, "short") == TW_OK ? TW_DONE : TW_FAIL;
    return TW_OK;
}

static int after(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    return tw_res_header(res, "X-After", "1");
}

static void teardown(tw_req *req, const tw_error *error, void *data)
{
    (void)req;
    (void)data;
    if (error != NULL && error->message == NULL)
        abort(); /* an error always says what it is */
}

static int not_found(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)data;
    json_t *body = json_pack("{s:s, s:i}", "error", error->message, "status", error->status);
    if (body != NULL && tw_req_path(req) != NULL)
        json_object_set_new(body, "path_bytes", json_integer((json_int_t)strlen(tw_req_path(req))));
    return tw_res_json_new(res, 404, body);
}

static int failed(tw_req *req, tw_res *res, const tw_error *error, void *data)
{
    (void)req;
    (void)data;
    return tw_res_text(res, 500, error->message);
}

static tw_app *make_app(void)
{
    tw_app *app = tw_app_new("fuzz-dispatch");
    if (tw_route(app, "GET", "/users/<int:id>", user, NULL) != TW_OK ||
        tw_route(app, "GET,POST", "/files/<path:rest>", files, NULL) != TW_OK ||
        tw_route(app, "GET", "/search", search, NULL) != TW_OK ||
        tw_route(app, "POST,PUT", "/items", items, NULL) != TW_OK ||
        tw_route(app, "GET", "/headers/", headers, NULL) != TW_OK ||
        tw_route(app, "HEAD", "/probe", probe, NULL) != TW_OK ||
        tw_route(app, "GET,DELETE", "/later/<name>", later, NULL) != TW_OK ||
        tw_route(app, "GET", "/redirect", redirect, NULL) != TW_OK ||
        tw_route(app, "GET", "/broken", broken, NULL) != TW_OK ||
        tw_route(app, "GET", "/", user, NULL) != TW_OK ||
        tw_app_before_request(app, before, NULL) != TW_OK ||
        tw_app_after_request(app, after, NULL) != TW_OK ||
        tw_app_teardown_request(app, teardown, NULL) != TW_OK ||
        tw_app_error_handler(app, 404, not_found, NULL) != TW_OK ||
        tw_app_error_handler(app, TW_HANDLER_FAILED, failed, NULL) != TW_OK) {
        fprintf(stderr, "fuzz-dispatch: %s\n", tw_app_errmsg(app));
        abort();
    }
    return app;
}

/* ---- the input ------------------------------------------------------------------------- */

typedef struct fields {
    const uint8_t *at;
    size_t left;
} fields;

/* The next NUL-terminated field, copied (malloc'd, NUL-terminated); "" once input runs out. */
static char *next_field(fields *f)
{
    const uint8_t *end = memchr(f->at, '\0', f->left);
    size_t len = end != NULL ? (size_t)(end - f->at) : f->left;
    char *field = malloc(len + 1);
    memcpy(field, f->at, len);
    field[len] = '\0';
    f->at += len + (end != NULL);
    f->left -= len + (end != NULL);
    return field;
}

static void check_response(tw_res *res)
{
    int status = tw_res_get_status(res);
    if (status < 100 || status > 599)
        abort();
    const char *type = tw_res_get_header(res, "Content-Type");
    if (status < 400 || type == NULL || strcmp(type, "application/json") != 0)
        return;
    size_t len;
    const char *body = tw_res_get_body(res, &len);
    json_t *json = json_loadb(body, len, 0, NULL);
    /* An error answered in JSON names what went wrong, whatever bytes the request held. */
    if (!json_is_string(json_object_get(json, "error")))
        abort();
    json_decref(json);
}

static void dispatch(tw_app *app, const char *method, const char *target, const tw_header *hdrs,
                     size_t nheaders, const void *body, size_t body_len)
{
    tw_res *res = tw_app_dispatch(app, method, target, hdrs, nheaders, body, body_len);
    check_response(res);
    tw_res_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static tw_app *app;
    if (app == NULL)
        app = make_app();
    fields f = {data, size};
    char *method = next_field(&f), *target = next_field(&f);
    char *names[MAX_HEADERS];
    tw_header hdrs[MAX_HEADERS];
    size_t nheaders = 0;
    while (nheaders < MAX_HEADERS) {
        char *line = next_field(&f);
        if (line[0] == '\0') {
            free(line);
            break;
        }
        char *colon = strchr(line, ':');
        if (colon != NULL)
            *colon = '\0';
        names[nheaders] = line;
        hdrs[nheaders] = (tw_header){line, colon != NULL ? colon + 1 : ""};
        nheaders++;
    }
    dispatch(app, method, target, hdrs, nheaders, f.at, f.left);

    /* The method list and target as a route of their own. */
    tw_app *own = tw_app_new("fuzz-route");
    if (tw_route(own, method, target, echo_path, NULL) == TW_OK)
        dispatch(own, "GET", target, hdrs, nheaders, f.at, f.left);
    else if (tw_app_errmsg(own)[0] == '\0')
        abort(); /* a refused route says why */
    tw_app_free(own);

    for (size_t i = 0; i < nheaders; i++)
        free(names[i]);
    free(method);
    free(target);
    return 0;
}
