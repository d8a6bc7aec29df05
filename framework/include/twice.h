/*
 * twice.h - the one public header of libtwice, a small Flask-style web
 * framework in C: thin glue over libh2o (HTTP) and jansson (JSON).
 *
 * An application is a tw_app: routes with typed parameters, hooks around
 * every request, error handlers, extensions and an ops table that changes
 * behaviour without forking the framework. Handlers see only tw_req and
 * tw_res, never h2o types, so the same handler runs unchanged in every
 * concurrency model and in unit tests that call tw_app_dispatch() with no
 * network at all.
 *
 * Ownership, once for the whole API: every string or json_t that a tw_req
 * accessor returns belongs to the request and lives until its teardown has
 * run. Functions whose name ends in _new steal the reference they are given
 * (the jansson convention); the others copy.
 */
#ifndef TWICE_H
#define TWICE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TWICE_VERSION "0.1.0"

/* The shared library exports what this header declares and nothing else: it is built with
 * hidden visibility, and TW_API marks the public functions. */
#if defined(__GNUC__) || defined(__clang__)
#define TW_API __attribute__((visibility("default")))
#else
#define TW_API
#endif

typedef struct tw_app tw_app;
typedef struct tw_req tw_req;
typedef struct tw_res tw_res;

/** What handlers, hooks and helpers return. */
enum {
    TW_OK = 0,    /* carry on: the handler or hook did its part */
    TW_DONE = 1,  /* a before-request hook answered: skip the handler */
    TW_ABORT = 2, /* answer with an error status, set by tw_abort() */
    TW_FAIL = -1, /* something broke: answered through the failure handler */
};

/** The status that names a failing handler (TW_FAIL) in tw_app_error_handler(). */
#define TW_HANDLER_FAILED 0

/** An error on its way to becoming a response. */
typedef struct tw_error {
    int status;          /* HTTP status, 4xx or 5xx */
    const char *message; /* what went wrong, for a person; valid UTF-8 (bytes that are not
                            are shown as \xHH), so that it fits in a JSON body */
    json_t *detail;      /* optional extra fields for a JSON body (borrowed), or NULL */
    int failed;          /* 1 when a handler or hook returned TW_FAIL */
} tw_error;

/** A route handler, before-request hook or after-request hook. */
typedef int (*tw_handler_fn)(tw_req *req, tw_res *res, void *data);
/** A teardown hook: runs after every request, error is NULL when none happened. */
typedef void (*tw_teardown_fn)(tw_req *req, const tw_error *error, void *data);
/** An error handler: builds the response for an error. */
typedef int (*tw_error_fn)(tw_req *req, tw_res *res, const tw_error *error, void *data);

/* ---- the application ------------------------------------------------------------------- */

/** Creates an empty app. The name shows in logs. Free with tw_app_free(). */
TW_API tw_app *tw_app_new(const char *name);
/** Runs each extension's destroy, then frees the app and everything registered on it. */
TW_API void tw_app_free(tw_app *app);
TW_API const char *tw_app_name(const tw_app *app);
/** The message of the last failed registration on this app ("" when none). */
TW_API const char *tw_app_errmsg(const tw_app *app);

/**
 * Registers a route. methods is a comma-separated list ("GET", "GET,POST").
 * Pattern segments are literals or typed parameters: <name> (one segment),
 * <int:name> (a signed decimal integer) and <path:name> (the rest of the path,
 * slashes included; last segment only). A route for GET also answers HEAD
 * when no route for HEAD matches the path; a route for HEAD alone answers only HEAD.
 * Returns TW_OK, or TW_FAIL with tw_app_errmsg() naming the column of a
 * malformed pattern or the route it duplicates.
 */
TW_API int tw_route(tw_app *app, const char *methods, const char *pattern, tw_handler_fn fn,
                    void *data);

/** Hooks run in registration order; after-request hooks in reverse, as in Flask. */
TW_API int tw_app_before_request(tw_app *app, tw_handler_fn fn, void *data);
TW_API int tw_app_after_request(tw_app *app, tw_handler_fn fn, void *data);
TW_API int tw_app_teardown_request(tw_app *app, tw_teardown_fn fn, void *data);
/**
 * Handles errors of one status (404, 500, ...), or failing handlers with
 * TW_HANDLER_FAILED. A failure with no handler of its own goes to the 500
 * handler, then to the ops table's error_response.
 */
TW_API int tw_app_error_handler(tw_app *app, int status, tw_error_fn fn, void *data);

/* ---- extensions ------------------------------------------------------------------------ */

/**
 * An extension: a name and an init that registers hooks and state on an app
 * (Flask's init_app). destroy, if set, runs when the app is freed.
 */
typedef struct tw_extension {
    const char *name;
    int (*init)(tw_app *app, void *state);
    void (*destroy)(tw_app *app, void *state);
} tw_extension;

/** Runs ext->init(app, state) and records the extension under its name. The app keeps the
 * pointers, not copies: ext and state must outlive it. Fails on a duplicate name. */
TW_API int tw_app_register_extension(tw_app *app, const tw_extension *ext, void *state);
/** The state an extension was registered with, or NULL (Flask's app.extensions[name]). */
TW_API void *tw_app_extension(const tw_app *app, const char *name);

/* ---- overridable behaviour ------------------------------------------------------------- */

/**
 * How the framework behaves where an app may want otherwise (Flask's
 * subclassing). Set a table with some fields NULL: those keep the default,
 * and an override can call tw_default_ops()->field to extend rather than
 * replace.
 */
typedef struct tw_app_ops {
    /** Turns an error no error handler answered into a response (default: JSON body). */
    int (*error_response)(tw_app *app, tw_req *req, tw_res *res, const tw_error *error);
    /** Answers a path that no route matches (default: a 404 through error_response). */
    int (*not_found)(tw_app *app, tw_req *req, tw_res *res);
    /** Last touches before a response is sent (default: a Content-Type if none). */
    void (*finalize)(tw_app *app, tw_req *req, tw_res *res);
} tw_app_ops;

TW_API const tw_app_ops *tw_default_ops(void);
/** Copies ops into the app; NULL fields keep the defaults. */
TW_API void tw_app_set_ops(tw_app *app, const tw_app_ops *ops);

/* ---- the request ----------------------------------------------------------------------- */

TW_API const char *tw_req_method(const tw_req *req);
/** The path, percent-decoded, without the query string. A target holding a NUL byte (raw or
 * "%00") is answered with a 400 before any hook or handler runs. */
TW_API const char *tw_req_path(const tw_req *req);
/** The raw query string after '?', or "" when there is none. */
TW_API const char *tw_req_query_string(const tw_req *req);
/** A decoded query parameter (the first of that name), or NULL. */
TW_API const char *tw_req_query(const tw_req *req, const char *name);
/**
 * A query parameter as an integer in [min, max]: dflt when absent. A value
 * that is not a decimal integer in range aborts the request with a 400 that
 * names the parameter, the range and the value; returns TW_ABORT then.
 */
TW_API int tw_req_query_int(tw_req *req, const char *name, int64_t min, int64_t max, int64_t dflt,
                            int64_t *out);
/**
 * A query parameter that must be text: valid UTF-8, which is what JSON strings and most
 * uses of text need. *out is NULL when absent. A value that is not UTF-8 aborts the request
 * with a 400 that names the parameter and shows the value; returns TW_ABORT then.
 */
TW_API int tw_req_query_text(tw_req *req, const char *name, const char **out);
/** A request header by name, case-insensitive (the first of that name), or NULL. */
TW_API const char *tw_req_header(const tw_req *req, const char *name);
/** The body and its length (NULL and 0 when empty). */
TW_API const char *tw_req_body(const tw_req *req, size_t *len);
/**
 * The body parsed as JSON, owned by the request. A malformed or empty body
 * aborts the request with a 400 whose JSON says what is wrong and where
 * (line, column); returns TW_ABORT then, and *out is NULL.
 */
TW_API int tw_req_json(tw_req *req, json_t **out);
/** A route parameter as text, or NULL when the route has none of that name. */
TW_API const char *tw_req_param(const tw_req *req, const char *name);
/** An <int:...> route parameter, or dflt when the route has none of that name. */
TW_API int64_t tw_req_param_int(const tw_req *req, const char *name, int64_t dflt);
TW_API tw_app *tw_req_app(const tw_req *req);

/* ---- the response ---------------------------------------------------------------------- */

TW_API void tw_res_status(tw_res *res, int status);
TW_API int tw_res_get_status(const tw_res *res);
/** Sets a header, replacing any of the same name (case-insensitive). */
TW_API int tw_res_header(tw_res *res, const char *name, const char *value);
/** Adds a header, keeping others of the same name (Set-Cookie). */
TW_API int tw_res_add_header(tw_res *res, const char *name, const char *value);
/** A header of the response, case-insensitive, or NULL. */
TW_API const char *tw_res_get_header(const tw_res *res, const char *name);
/** Sets the body (copied). */
TW_API int tw_res_body(tw_res *res, const void *body, size_t len);
TW_API const char *tw_res_get_body(const tw_res *res, size_t *len);
/** A text/plain response (copied). */
TW_API int tw_res_text(tw_res *res, int status, const char *text);
/** An application/json response; _new steals the reference, the other copies. */
TW_API int tw_res_json(tw_res *res, int status, const json_t *json);
TW_API int tw_res_json_new(tw_res *res, int status, json_t *json);
/** A redirect (301, 302, 303, 307, 308) to location. */
TW_API int tw_res_redirect(tw_res *res, int status, const char *location);
/**
 * Aborts the request with an HTTP error (Flask's abort()): the error handlers
 * then build the response. Returns TW_ABORT for the handler to return.
 */
TW_API int tw_abort(tw_res *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** The reason phrase of a status ("Not Found"), or "Unknown". */
TW_API const char *tw_status_reason(int status);

/* ---- dispatching without a network ----------------------------------------------------- */

/**
 * Runs one request through the app as a server would: hooks, routing,
 * handler, error handlers, finalize, teardown (a target that holds a NUL byte skips the
 * hooks and the handler: it is answered 400 at once). For tests and for anyone who
 * wants to drive the app from something other than h2o. The caller owns the
 * returned response and frees it with tw_res_free().
 */
typedef struct tw_header {
    const char *name;
    const char *value;
} tw_header;

TW_API tw_res *tw_app_dispatch(tw_app *app, const char *method, const char *target,
                               const tw_header *headers, size_t nheaders, const void *body,
                               size_t body_len);
TW_API void tw_res_free(tw_res *res);

/* ---- context locals -------------------------------------------------------------------- */

/**
 * The request being handled by the caller, like Flask's request. Outside a
 * request it never returns another request's data: it prints "working
 * outside of request context" naming the function, and aborts.
 */
TW_API tw_req *tw_request(void);
/** Per-request scratch (Flask's g): a JSON object, empty for each request and cleared once the
 * request and its later-calls are done. Same rule outside. */
TW_API json_t *tw_g(void);
/** The app handling the current request (Flask's current_app). Same rule outside. */
TW_API tw_app *tw_current_app(void);
/** 1 inside a request, 0 outside; no side effects. */
TW_API int tw_has_request_context(void);

/* ---- waiting --------------------------------------------------------------------------- */

/**
 * Waits as the model running this request does: blocks the worker process,
 * blocks the handler thread, or yields the coroutine. Usable outside a
 * request too (it then blocks). Returns TW_OK.
 */
TW_API int tw_sleep(uint64_t ms);
/** The same for microseconds. */
TW_API int tw_usleep(uint64_t us);
/** 1 when waits in the current code yield to other requests (a coroutine), 0 when they
 * block the thread: code that polls a shared resource uses it to choose how to wait. */
TW_API int tw_waits_yield(void);
/** Waits until fd is readable / writable or timeout_ms passes (-1: no limit).
 * Returns 1 ready, 0 timed out, TW_FAIL on error (errno set). */
TW_API int tw_wait_readable(int fd, int timeout_ms);
TW_API int tw_wait_writable(int fd, int timeout_ms);

/* ---- work after the response ---------------------------------------------------------- */

/**
 * Runs fn(data) about delay_ms from now, on the worker that handles the
 * current request, in that request's context: tw_request(), tw_g() and
 * tw_current_app() inside fn name the request that scheduled it, even after
 * its response was sent (the request is kept until fn has run). It never
 * runs before the request's response is on its way. A request's later-calls
 * run one at a time, never two at once, in every model: earliest deadline
 * first, those due at the same time in the order they were scheduled (so they
 * share tw_g() and the request without a lock). Under tw_app_dispatch() the
 * calls run before it returns. Only inside a request: TW_FAIL otherwise.
 */
TW_API int tw_call_later(uint64_t delay_ms, void (*fn)(void *data), void *data);
/** tw_call_later(0, fn, data): runs once the current request has been answered. */
TW_API int tw_defer(void (*fn)(void *data), void *data);

/* ---- serving --------------------------------------------------------------------------- */

typedef struct tw_serve_config {
    const char *listen;           /* "HOST:PORT"; port 0 picks a free one. Default 127.0.0.1:8080 */
    const char *model;            /* "process" (default), "thread" or "coroutine" */
    unsigned workers;             /* worker processes, default 1 */
    unsigned threads;             /* handler threads per worker (thread model), default 8 */
    size_t stack_size;            /* bytes per coroutine stack (coroutine model), default 64 KiB */
    size_t max_coroutines;        /* requests in flight per worker past which it answers 503
                                     (coroutine model), default 16384 */
    unsigned shutdown_timeout_ms; /* how long in-flight requests may take to finish, default 5000 */
    /** Called once in the master with the bound address, "HOST:PORT", before workers start
     * (twice-app prints it so that tools can find an ephemeral port). May be NULL. */
    void (*on_listening)(const char *address, void *data);
    void *on_listening_data;
    /** Called in the master each time it receives SIGUSR1, with the number of responses its
     * workers have sent since tw_serve() began: all workers together, those that died and were
     * replaced included. It runs in the master's own loop, not in a signal handler, so it may
     * print (twice-app writes "twice-app: served N requests at T" for the harness). NULL leaves
     * SIGUSR1 to its default action on the master; workers always ignore it. */
    void (*on_served)(uint64_t responses, void *data);
    void *on_served_data;
} tw_serve_config;

/** The defaults, to be changed field by field. */
TW_API tw_serve_config tw_serve_config_default(void);
/** 0 when config can be served; otherwise TW_FAIL and a message naming the bad field and its
 * value in err. Binds nothing. */
TW_API int tw_serve_config_check(const tw_serve_config *config, char *err, size_t errlen);
/** The names of the concurrency models this build serves with, NULL-terminated. */
TW_API const char *const *tw_models(void);

/**
 * Serves app until SIGTERM or SIGINT, then shuts down gracefully. Returns 0
 * after a clean shutdown, or TW_FAIL with a message on stderr when it could
 * not start (bad address, unknown model, port in use).
 */
TW_API int tw_serve(tw_app *app, const tw_serve_config *config);

#ifdef __cplusplus
}
#endif

#endif /* TWICE_H */
