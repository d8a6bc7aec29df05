/*
 * internal.h - what the files of libtwice share and users never see: the
 * layout of the app, the request/response exchange and its arena, and the
 * functions one part of the framework calls in another.
 */
#ifndef TWICE_INTERNAL_H
#define TWICE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "twice.h"

#define TW__STRUCT_FROM_MEMBER(type, member, ptr) ((type *)((char *)(ptr)-offsetof(type, member)))

/* ---- arena: per-exchange memory, freed in one go ------------------------------------ */

typedef struct tw_arena_chunk {
    struct tw_arena_chunk *next;
    size_t size;
    char data[];
} tw_arena_chunk;

/* A bump allocator. The first block lives inside the exchange, so a typical
 * request (a few headers, a short body) costs no allocation beyond the
 * exchange itself. */
typedef struct tw_arena {
    char *cur;
    size_t left;
    tw_arena_chunk *chunks; /* heap chunks, newest first */
    char first[1024];
} tw_arena;

void tw__arena_init(tw_arena *arena);
void tw__arena_release(tw_arena *arena);
/** Never fails: an out-of-memory arena aborts, as a request cannot go on without it. */
void *tw__arena_alloc(tw_arena *arena, size_t size);
char *tw__arena_strndup(tw_arena *arena, const char *s, size_t len);
char *tw__arena_strdup(tw_arena *arena, const char *s);
char *tw__arena_vprintf(tw_arena *arena, const char *fmt, va_list ap);

/* ---- request text in JSON (text.c) ------------------------------------------------- */

/** 1 when s[0..len) is valid UTF-8, as a JSON string must be. */
int tw__utf8_valid(const char *s, size_t len);
/** s itself when it is valid UTF-8, else a copy in arena with each byte that is not part of a
 * valid sequence written as \xHH: text that JSON can carry and that shows what was sent. */
const char *tw__utf8_escape(tw_arena *arena, const char *s);

/* ---- growable arrays of the app ------------------------------------------------------ */

/** Makes room for one more element; returns TW_FAIL when out of memory. */
int tw__grow(void **items, size_t *cap, size_t count, size_t elem_size);

/* ---- routes --------------------------------------------------------------------------- */

typedef enum {
    TW_SEG_LITERAL,
    TW_SEG_STR,  /* <name>: one segment */
    TW_SEG_INT,  /* <int:name>: a signed 64-bit decimal */
    TW_SEG_PATH, /* <path:name>: the rest, slashes included */
} tw_segment_kind;

typedef struct tw_segment {
    tw_segment_kind kind;
    char *text; /* the literal, or the parameter's name */
    size_t len; /* of a literal */
} tw_segment;

#define TW_MAX_METHODS 8
#define TW_MAX_SEGMENTS 32

typedef struct tw_route_entry {
    char *pattern;
    char *methods[TW_MAX_METHODS];
    size_t nmethods;
    tw_segment *segments;
    size_t nsegments;
    tw_handler_fn fn;
    void *data;
} tw_route_entry;

/** Compiles pattern into route; on error writes a message naming the column into err. */
int tw__route_compile(tw_route_entry *route, const char *methods, const char *pattern, char *err,
                      size_t errlen);
void tw__route_free(tw_route_entry *route);
/** 1 when a and b would answer the same requests (same shape, a method in common). */
int tw__route_conflicts(const tw_route_entry *a, const tw_route_entry *b);

/* ---- the app -------------------------------------------------------------------------- */

typedef struct tw_hook {
    union {
        tw_handler_fn handler;
        tw_teardown_fn teardown;
        tw_error_fn error;
    } fn;
    void *data;
    int status; /* error handlers only */
} tw_hook;

typedef struct tw_hook_list {
    tw_hook *items;
    size_t count, cap;
} tw_hook_list;

typedef struct tw_extension_entry {
    const tw_extension *ext;
    void *state;
} tw_extension_entry;

struct tw_app {
    char *name;
    tw_route_entry *routes;
    size_t nroutes, routes_cap;
    tw_hook_list before, after, teardown, errors;
    tw_extension_entry *extensions;
    size_t nextensions, extensions_cap;
    tw_app_ops ops;
    char errmsg[256];
};

/** Records a registration error on the app; returns TW_FAIL. */
int tw__app_fail(tw_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the exchange: one request and its response -------------------------------------- */

#define TW_MAX_PARAMS TW_MAX_SEGMENTS

struct tw_req {
    tw_app *app;
    const char *method;
    const char *path; /* percent-decoded */
    const char *query_string;
    tw_header *headers;
    size_t nheaders;
    tw_header *query; /* decoded, parsed on first use */
    size_t nquery;
    int query_parsed;
    const char *body;
    size_t body_len;
    json_t *json; /* parsed on first use, freed at the end of the exchange */
    tw_header params[TW_MAX_PARAMS];
    size_t nparams;
};

struct tw_res {
    int status;
    tw_header *headers;
    size_t nheaders, headers_cap;
    char *body;
    size_t body_len;
};

typedef struct tw_exchange {
    tw_req req;
    tw_res res;
    int refs;               /* the request's owner, plus each pending later-call (atomic) */
    struct tw_later *later; /* later-calls waiting, by deadline (later.c says who may touch it) */
    json_t *g;              /* tw_g(), created on first use, kept as long as the exchange */
    tw_error error;         /* the pending error after TW_ABORT or TW_FAIL */
    int has_error;
    const char *allow; /* the Allow header of a 405 */
    tw_arena arena;
} tw_exchange;

static inline tw_exchange *tw__req_exchange(const tw_req *req)
{
    return TW__STRUCT_FROM_MEMBER(tw_exchange, req, req);
}

static inline tw_exchange *tw__res_exchange(const tw_res *res)
{
    return TW__STRUCT_FROM_MEMBER(tw_exchange, res, res);
}

/** A new exchange for app, holding one reference; never NULL (aborts when out of memory). */
tw_exchange *tw__exchange_new(tw_app *app);
void tw__exchange_retain(tw_exchange *ex);
/** Drops a reference; the last one frees the exchange. Any thread. */
void tw__exchange_release(tw_exchange *ex);
/** Sets method, path and query from a request target ("/a%20b?x=1"). */
void tw__req_set_target(tw_exchange *ex, const char *method, size_t method_len, const char *target,
                        size_t target_len);
/** Keeps the pending error of the exchange; returns TW_ABORT. */
int tw__exchange_abort(tw_exchange *ex, int status, json_t *detail, const char *fmt, va_list ap);
/** Empties the response so that an error handler starts from nothing. */
void tw__res_reset(tw_res *res);
/** Percent-decodes in place ('+' to space too when plus_is_space); returns the new length. */
size_t tw__url_decode(char *s, size_t len, int plus_is_space);

/** Runs the exchange's request through its app: hooks, route, handler, errors, teardown. */
void tw__dispatch(tw_exchange *ex);

/* ---- context locals ------------------------------------------------------------------- */

/** Makes ex the current request of this thread; returns the one it replaces. */
tw_exchange *tw__context_enter(tw_exchange *ex);
void tw__context_leave(tw_exchange *previous);

#endif /* TWICE_INTERNAL_H */
