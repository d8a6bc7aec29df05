/*
 * h2o_exchange.c - the only place where h2o requests and twice exchanges
 * meet: an h2o request is copied into a self-contained exchange before any
 * handler sees it, and the response a handler built is turned back into an
 * h2o response. Handlers never touch h2o types.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "loop.h"

tw_exchange *tw__exchange_from_h2o(tw_app *app, h2o_req_t *req)
{
    tw_exchange *ex = tw__exchange_new(app);
    tw__req_set_target(ex, req->method.base, req->method.len, req->path.base, req->path.len);
    size_t n = req->headers.size;
    tw_header *headers = tw__arena_alloc(&ex->arena, (n + 1) * sizeof(*headers));
    for (size_t i = 0; i < n; i++) {
        const h2o_header_t *h = &req->headers.entries[i];
        /* orig_name keeps the client's spelling; lookups ignore case anyway. */
        const char *name = h->orig_name != NULL ? h->orig_name : h->name->base;
        headers[i].name = tw__arena_strndup(&ex->arena, name, h->name->len);
        headers[i].value = tw__arena_strndup(&ex->arena, h->value.base, h->value.len);
    }
    ex->req.headers = headers;
    ex->req.nheaders = n;
    if (req->entity.base != NULL && req->entity.len != 0) {
        ex->req.body = tw__arena_strndup(&ex->arena, req->entity.base, req->entity.len);
        ex->req.body_len = req->entity.len;
    }
    return ex;
}

static void add_response_header(h2o_req_t *req, const tw_header *header)
{
    size_t name_len = strlen(header->name);
    /* h2o knows headers by lower-case token; orig_name keeps the handler's spelling on the
     * wire. Both, and the value, must outlive the exchange: they go in the request's pool. */
    char *lower = h2o_mem_alloc_pool(&req->pool, name_len + 1);
    for (size_t i = 0; i <= name_len; i++)
        lower[i] = (char)tolower((unsigned char)header->name[i]);
    h2o_iovec_t orig = h2o_strdup(&req->pool, header->name, name_len);
    h2o_iovec_t value = h2o_strdup(&req->pool, header->value, strlen(header->value));
    h2o_add_header_by_str(&req->pool, &req->res.headers, lower, name_len, 1, orig.base, value.base,
                          value.len);
}

void tw__exchange_send(tw_exchange *ex, h2o_req_t *req)
{
    const tw_res *res = &ex->res;
    req->res.status = res->status;
    req->res.reason = tw_status_reason(res->status);
    for (size_t i = 0; i < res->nheaders; i++) {
        /* h2o frames the body itself; a handler's Content-Length could only disagree. */
        if (strcasecmp(res->headers[i].name, "content-length") != 0)
            add_response_header(req, &res->headers[i]);
    }
    req->res.content_length = res->body_len;
    h2o_send_inline(req, res->body != NULL ? res->body : "", res->body_len);
}
