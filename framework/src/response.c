/*
 * response.c - tw_res: the response a handler builds (status, headers,
 * body) and the error that tw_abort() leaves for the error handlers. Memory
 * comes from the exchange's arena; bodies and header values are copied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

void tw_res_status(tw_res *res, int status)
{
    res->status = status;
}

int tw_res_get_status(const tw_res *res)
{
    return res->status;
}

static tw_header *find_header(const tw_res *res, const char *name)
{
    for (size_t i = 0; i < res->nheaders; i++) {
        if (strcasecmp(res->headers[i].name, name) == 0)
            return &res->headers[i];
    }
    return NULL;
}

int tw_res_add_header(tw_res *res, const char *name, const char *value)
{
    tw_arena *arena = &tw__res_exchange(res)->arena;
    if (res->nheaders == res->headers_cap) {
        size_t cap = res->headers_cap != 0 ? res->headers_cap * 2 : 8;
        tw_header *grown = tw__arena_alloc(arena, cap * sizeof(*grown));
        if (res->nheaders != 0)
            memcpy(grown, res->headers, res->nheaders * sizeof(*grown));
        res->headers = grown;
        res->headers_cap = cap;
    }
    res->headers[res->nheaders++] =
        (tw_header){.name = tw__arena_strdup(arena, name), .value = tw__arena_strdup(arena, value)};
    return TW_OK;
}

int tw_res_header(tw_res *res, const char *name, const char *value)
{
    tw_header *existing = find_header(res, name);
    if (existing == NULL)
        return tw_res_add_header(res, name, value);
    existing->value = tw__arena_strdup(&tw__res_exchange(res)->arena, value);
    /* Later duplicates would contradict the value just set. */
    for (size_t i = (size_t)(existing - res->headers) + 1; i < res->nheaders;) {
        if (strcasecmp(res->headers[i].name, name) == 0)
            res->headers[i] = res->headers[--res->nheaders];
        else
            i++;
    }
    return TW_OK;
}

const char *tw_res_get_header(const tw_res *res, const char *name)
{
    const tw_header *header = find_header(res, name);
    return header != NULL ? header->value : NULL;
}

int tw_res_body(tw_res *res, const void *body, size_t len)
{
    res->body = tw__arena_alloc(&tw__res_exchange(res)->arena, len + 1);
    if (len != 0)
        memcpy(res->body, body, len);
    res->body[len] = '\0';
    res->body_len = len;
    return TW_OK;
}

const char *tw_res_get_body(const tw_res *res, size_t *len)
{
    if (len != NULL)
        *len = res->body_len;
    return res->body != NULL ? res->body : "";
}

int tw_res_text(tw_res *res, int status, const char *text)
{
    res->status = status;
    tw_res_header(res, "Content-Type", "text/plain");
    return tw_res_body(res, text, strlen(text));
}

/* jansson's dump callback: appends to the response body. */
static int append_body(const char *chunk, size_t len, void *data)
{
    tw_res *res = data;
    tw_arena *arena = &tw__res_exchange(res)->arena;
    char *grown = tw__arena_alloc(arena, res->body_len + len + 1);
    if (res->body_len != 0)
        memcpy(grown, res->body, res->body_len);
    memcpy(grown + res->body_len, chunk, len);
    res->body_len += len;
    grown[res->body_len] = '\0';
    res->body = grown;
    return 0;
}

int tw_res_json(tw_res *res, int status, const json_t *json)
{
    if (json == NULL)
        return TW_FAIL;
    res->status = status;
    res->body = NULL;
    res->body_len = 0;
    tw_res_header(res, "Content-Type", "application/json");
    /* Small documents (the common case) dump straight into one buffer. */
    char small[512];
    size_t len = json_dumpb(json, small, sizeof(small), JSON_COMPACT | JSON_ENCODE_ANY);
    if (len == 0)
        return TW_FAIL;
    if (len <= sizeof(small))
        return tw_res_body(res, small, len);
    return json_dump_callback(json, append_body, res, JSON_COMPACT | JSON_ENCODE_ANY) == 0
               ? TW_OK
               : TW_FAIL;
}

int tw_res_json_new(tw_res *res, int status, json_t *json)
{
    int rc = tw_res_json(res, status, json);
    json_decref(json);
    return rc;
}

int tw_res_redirect(tw_res *res, int status, const char *location)
{
    if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
        return tw_abort(res, 500, "redirect with status %d: expected 301, 302, 303, 307 or 308",
                        status);
    res->status = status;
    tw_res_header(res, "Location", location);
    return tw_res_text(res, status, tw_status_reason(status));
}

void tw__res_reset(tw_res *res)
{
    res->status = 200;
    res->nheaders = 0;
    res->body = NULL;
    res->body_len = 0;
}

int tw__exchange_abort(tw_exchange *ex, int status, json_t *detail, const char *fmt, va_list ap)
{
    json_decref(ex->error.detail);
    ex->has_error = 1;
    ex->error.status = status;
    ex->error.failed = 0;
    ex->error.detail = detail;
    /* Messages quote what the client sent; escaped, they survive into a JSON body. */
    ex->error.message = fmt != NULL
                            ? tw__utf8_escape(&ex->arena, tw__arena_vprintf(&ex->arena, fmt, ap))
                            : tw_status_reason(status);
    return TW_ABORT;
}

int tw_abort(tw_res *res, int status, const char *fmt, ...)
{
    if (status < 400 || status > 599)
        status = 500; /* an abort is an error; anything else is a bug in the caller */
    va_list ap;
    va_start(ap, fmt);
    int rc = tw__exchange_abort(tw__res_exchange(res), status, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

const char *tw_status_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}
