/*
 * request.c - tw_req: a self-contained snapshot of one HTTP request (method,
 * decoded path, query parameters, headers, body) and the accessors handlers
 * read it with. Everything is copied into the exchange's arena, so a request
 * stays valid whatever happens to the connection it came from.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* One spare exchange per thread: a loop answers requests one after another, so this turns a
 * malloc/free pair of a few kilobytes per request into none. */
static __thread tw_exchange *spare;

tw_exchange *tw__exchange_new(tw_app *app)
{
    tw_exchange *ex = spare != NULL ? spare : malloc(sizeof(*ex));
    spare = NULL;
    if (ex == NULL) {
        fprintf(stderr, "twice: out of memory allocating a request\n");
        abort();
    }
    /* Only the head needs zeroing; the arena's first block is scratch. */
    memset(ex, 0, offsetof(tw_exchange, arena));
    tw__arena_init(&ex->arena);
    ex->refs = 1;
    ex->req.app = app;
    ex->req.method = "GET";
    ex->req.path = "/";
    ex->req.query_string = "";
    ex->res.status = 200;
    return ex;
}

void tw__exchange_retain(tw_exchange *ex)
{
    __atomic_add_fetch(&ex->refs, 1, __ATOMIC_RELAXED);
}

void tw__exchange_release(tw_exchange *ex)
{
    if (ex == NULL || __atomic_sub_fetch(&ex->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    json_decref(ex->req.json);
    json_decref(ex->g);
    json_decref(ex->error.detail);
    tw__arena_release(&ex->arena);
    if (spare == NULL)
        spare = ex;
    else
        free(ex);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

size_t tw__url_decode(char *s, size_t len, int plus_is_space)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < len && (hi = hex_value((unsigned char)s[i + 1])) >= 0 &&
            (lo = hex_value((unsigned char)s[i + 2])) >= 0) {
            s[out++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            s[out++] = ' ';
        } else {
            s[out++] = s[i];
        }
    }
    s[out] = '\0';
    return out;
}

static int abort_bad_request(tw_req *req, json_t *detail, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int abort_bad_request(tw_req *req, json_t *detail, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = tw__exchange_abort(tw__req_exchange(req), 400, detail, fmt, ap);
    va_end(ap);
    return rc;
}

/* Where target holds a NUL byte, sent as it is or percent-encoded ("%00"); len when nowhere.
 * Decoded, a NUL would end the C string early: the path or a parameter would be cut short
 * without a word, so such a request is refused instead. */
static size_t find_nul(const char *target, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (target[i] == '\0' ||
            (target[i] == '%' && i + 2 < len && target[i + 1] == '0' && target[i + 2] == '0'))
            return i;
    }
    return len;
}

void tw__req_set_target(tw_exchange *ex, const char *method, size_t method_len, const char *target,
                        size_t target_len)
{
    const char *question = memchr(target, '?', target_len);
    size_t path_len = question != NULL ? (size_t)(question - target) : target_len;
    size_t nul = find_nul(target, target_len);
    ex->req.method = tw__arena_strndup(&ex->arena, method, method_len);
    char *path = tw__arena_strndup(&ex->arena, target, path_len);
    if (nul == target_len && memchr(path, '%', path_len) != NULL)
        tw__url_decode(path, path_len, 0);
    ex->req.path = path;
    ex->req.query_string =
        question != NULL ? tw__arena_strndup(&ex->arena, question + 1, target_len - path_len - 1)
                         : "";
    if (nul != target_len)
        abort_bad_request(&ex->req, json_pack("{s:I}", "column", (json_int_t)nul + 1),
                          "the request target holds a NUL byte at column %zu; a path or a query "
                          "parameter cannot",
                          nul + 1);
}

const char *tw_req_method(const tw_req *req)
{
    return req->method;
}

const char *tw_req_path(const tw_req *req)
{
    return req->path;
}

const char *tw_req_query_string(const tw_req *req)
{
    return req->query_string;
}

/* Splits the query string into decoded name/value pairs, once per request. */
static void parse_query(tw_req *req)
{
    tw_exchange *ex = tw__req_exchange(req);
    req->query_parsed = 1;
    size_t n = 1;
    for (const char *c = req->query_string; *c != '\0'; c++)
        n += (*c == '&');
    req->query = tw__arena_alloc(&ex->arena, n * sizeof(*req->query));
    for (const char *p = req->query_string; *p != '\0';) {
        size_t len = strcspn(p, "&");
        if (len > 0) {
            char *pair = tw__arena_strndup(&ex->arena, p, len);
            char *eq = strchr(pair, '=');
            char *value = "";
            if (eq != NULL) {
                *eq = '\0';
                value = eq + 1;
                tw__url_decode(value, strlen(value), 1);
            }
            tw__url_decode(pair, strlen(pair), 1);
            req->query[req->nquery++] = (tw_header){.name = pair, .value = value};
        }
        p += len;
        if (*p == '&')
            p++;
    }
}

const char *tw_req_query(const tw_req *req, const char *name)
{
    if (!req->query_parsed)
        parse_query((tw_req *)req); /* a cache: the request's meaning does not change */
    for (size_t i = 0; i < req->nquery; i++) {
        if (strcmp(req->query[i].name, name) == 0)
            return req->query[i].value;
    }
    return NULL;
}

int tw_req_query_int(tw_req *req, const char *name, int64_t min, int64_t max, int64_t dflt,
                     int64_t *out)
{
    const char *text = tw_req_query(req, name);
    *out = dflt;
    if (text == NULL)
        return TW_OK;
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || value < min || value > max ||
        isspace((unsigned char)*text))
        return abort_bad_request(req,
                                 json_pack("{s:s, s:s}", "parameter", name, "value",
                                           tw__utf8_escape(&tw__req_exchange(req)->arena, text)),
                                 "query parameter '%s' must be an integer in [%" PRId64 ", %" PRId64
                                 "], got '%s'",
                                 name, min, max, text);
    *out = value;
    return TW_OK;
}

int tw_req_query_text(tw_req *req, const char *name, const char **out)
{
    const char *text = tw_req_query(req, name);
    *out = NULL;
    if (text != NULL && !tw__utf8_valid(text, strlen(text)))
        return abort_bad_request(req,
                                 json_pack("{s:s, s:s}", "parameter", name, "value",
                                           tw__utf8_escape(&tw__req_exchange(req)->arena, text)),
                                 "query parameter '%s' must be UTF-8 text, got '%s'", name, text);
    *out = text;
    return TW_OK;
}

const char *tw_req_header(const tw_req *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    }
    return NULL;
}

const char *tw_req_body(const tw_req *req, size_t *len)
{
    if (len != NULL)
        *len = req->body_len;
    return req->body;
}

int tw_req_json(tw_req *req, json_t **out)
{
    *out = NULL;
    if (req->json == NULL) {
        if (req->body_len == 0)
            return abort_bad_request(req, NULL, "request body is empty; expected JSON");
        json_error_t error;
        req->json = json_loadb(req->body, req->body_len, JSON_DECODE_ANY, &error);
        if (req->json == NULL)
            return abort_bad_request(req,
                                     json_pack("{s:i, s:i, s:i}", "line", error.line, "column",
                                               error.column, "position", error.position),
                                     "malformed JSON body at line %d, column %d: %s", error.line,
                                     error.column, error.text);
    }
    *out = req->json;
    return TW_OK;
}

const char *tw_req_param(const tw_req *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++) {
        if (strcmp(req->params[i].name, name) == 0)
            return req->params[i].value;
    }
    return NULL;
}

int64_t tw_req_param_int(const tw_req *req, const char *name, int64_t dflt)
{
    const char *text = tw_req_param(req, name);
    return text != NULL ? strtoll(text, NULL, 10) : dflt;
}

tw_app *tw_req_app(const tw_req *req)
{
    return req->app;
}
