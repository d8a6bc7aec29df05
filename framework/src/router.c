/*
 * router.c - route patterns: compiling "/users/<int:id>" into segments,
 * telling whether two routes answer the same requests, and matching a
 * request path. Patterns are split on '/', each segment either a literal or
 * one typed parameter; errors name the column where the pattern goes wrong.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "router.h"

static int pattern_error(char *err, size_t errlen, const char *pattern, size_t at, const char *what)
{
    snprintf(err, errlen, "route pattern \"%s\", column %zu: %s", pattern, at + 1, what);
    return TW_FAIL;
}

/* Every failure writes err, running out of memory included: a caller shows it as it is. */
static int out_of_memory(char *err, size_t errlen, const char *pattern)
{
    snprintf(err, errlen, "route pattern \"%s\": out of memory", pattern);
    return TW_FAIL;
}

static int parse_methods(tw_route_entry *route, const char *methods, char *err, size_t errlen)
{
    const char *p = methods;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        if (len == 0 || route->nmethods == TW_MAX_METHODS) {
            snprintf(err, errlen,
                     "methods \"%s\": expected a comma-separated list of at most %d "
                     "methods",
                     methods, TW_MAX_METHODS);
            return TW_FAIL;
        }
        char *method = strndup(p, len);
        if (method == NULL)
            return out_of_memory(err, errlen, route->pattern);
        for (char *c = method; *c != '\0'; c++) {
            if (!isalpha((unsigned char)*c)) {
                snprintf(err, errlen, "methods \"%s\": \"%s\" is not an HTTP method", methods,
                         method);
                free(method);
                return TW_FAIL;
            }
            *c = (char)toupper((unsigned char)*c);
        }
        route->methods[route->nmethods++] = method;
        p += len;
        if (*p == ',')
            p++;
    }
    if (route->nmethods == 0) {
        snprintf(err, errlen, "methods: empty; name at least one, such as \"GET\"");
        return TW_FAIL;
    }
    return TW_OK;
}

/* Parses "<kind:name>" or "<name>" spanning [start, end) of pattern into seg. */
static int parse_parameter(tw_segment *seg, const char *pattern, size_t start, size_t end,
                           char *err, size_t errlen)
{
    const char *inner = pattern + start + 1;
    size_t inner_len = end - start - 2;
    const char *colon = memchr(inner, ':', inner_len);
    const char *name = inner;
    size_t name_len = inner_len;
    seg->kind = TW_SEG_STR;
    if (colon != NULL) {
        size_t kind_len = (size_t)(colon - inner);
        if (kind_len == 3 && strncmp(inner, "int", 3) == 0)
            seg->kind = TW_SEG_INT;
        else if (kind_len == 4 && strncmp(inner, "path", 4) == 0)
            seg->kind = TW_SEG_PATH;
        else if (kind_len == 6 && strncmp(inner, "string", 6) == 0)
            seg->kind = TW_SEG_STR;
        else
            return pattern_error(err, errlen, pattern, start + 1,
                                 "unknown parameter type; use int, path or string");
        name = colon + 1;
        name_len = inner_len - kind_len - 1;
    }
    if (name_len == 0)
        return pattern_error(err, errlen, pattern, (size_t)(name - pattern),
                             "parameter has no name");
    for (size_t i = 0; i < name_len; i++) {
        if (!isalnum((unsigned char)name[i]) && name[i] != '_')
            return pattern_error(err, errlen, pattern, (size_t)(name - pattern) + i,
                                 "parameter names use letters, digits and '_'");
    }
    seg->text = strndup(name, name_len);
    return seg->text != NULL ? TW_OK : out_of_memory(err, errlen, pattern);
}

static int parse_segment(tw_segment *seg, const char *pattern, size_t start, size_t end, char *err,
                         size_t errlen)
{
    const char *open = memchr(pattern + start, '<', end - start);
    const char *close = memchr(pattern + start, '>', end - start);
    if (open == NULL && close == NULL) {
        seg->kind = TW_SEG_LITERAL;
        seg->len = end - start;
        seg->text = strndup(pattern + start, end - start);
        return seg->text != NULL ? TW_OK : out_of_memory(err, errlen, pattern);
    }
    if (open == NULL)
        return pattern_error(err, errlen, pattern, (size_t)(close - pattern),
                             "'>' without a '<' before it");
    if (open != pattern + start)
        return pattern_error(err, errlen, pattern, (size_t)(open - pattern),
                             "a parameter must be a whole segment");
    if (close == NULL)
        return pattern_error(err, errlen, pattern, (size_t)(open - pattern),
                             "'<' is not closed by '>'");
    if (close != pattern + end - 1)
        return pattern_error(err, errlen, pattern, (size_t)(close - pattern) + 1,
                             "a parameter must be a whole segment");
    return parse_parameter(seg, pattern, start, end, err, errlen);
}

static int check_parameter_names(const tw_route_entry *route, char *err, size_t errlen)
{
    for (size_t i = 0; i < route->nsegments; i++) {
        const tw_segment *seg = &route->segments[i];
        if (seg->kind == TW_SEG_LITERAL)
            continue;
        if (seg->kind == TW_SEG_PATH && i + 1 != route->nsegments) {
            snprintf(err, errlen, "route pattern \"%s\": <path:%s> must be the last segment",
                     route->pattern, seg->text);
            return TW_FAIL;
        }
        for (size_t j = 0; j < i; j++) {
            if (route->segments[j].kind != TW_SEG_LITERAL &&
                strcmp(route->segments[j].text, seg->text) == 0) {
                snprintf(err, errlen, "route pattern \"%s\": parameter \"%s\" appears twice",
                         route->pattern, seg->text);
                return TW_FAIL;
            }
        }
    }
    return TW_OK;
}

int tw__route_compile(tw_route_entry *route, const char *methods, const char *pattern, char *err,
                      size_t errlen)
{
    memset(route, 0, sizeof(*route));
    if (pattern == NULL || pattern[0] != '/') {
        snprintf(err, errlen, "route pattern \"%s\": must start with '/'",
                 pattern != NULL ? pattern : "(null)");
        return TW_FAIL;
    }
    if ((route->pattern = strdup(pattern)) == NULL) {
        out_of_memory(err, errlen, pattern);
        goto fail;
    }
    if (parse_methods(route, methods != NULL ? methods : "", err, errlen) != TW_OK)
        goto fail;
    route->segments = calloc(TW_MAX_SEGMENTS, sizeof(*route->segments));
    if (route->segments == NULL) {
        out_of_memory(err, errlen, pattern);
        goto fail;
    }
    /* "/" has no segments; "/a/" has "a" and "" (a trailing slash is significant). */
    size_t len = strlen(pattern);
    for (size_t start = 1; len > 1 && start <= len;) {
        size_t end = start + strcspn(pattern + start, "/");
        if (route->nsegments == TW_MAX_SEGMENTS) {
            pattern_error(err, errlen, pattern, start, "too many segments");
            goto fail;
        }
        if (end == start && end != len) {
            pattern_error(err, errlen, pattern, start, "empty segment ('//')");
            goto fail;
        }
        if (parse_segment(&route->segments[route->nsegments], pattern, start, end, err, errlen) !=
            TW_OK)
            goto fail;
        route->nsegments++;
        start = end + 1;
    }
    if (check_parameter_names(route, err, errlen) != TW_OK)
        goto fail;
    return TW_OK;
fail:
    tw__route_free(route);
    return TW_FAIL;
}

void tw__route_free(tw_route_entry *route)
{
    for (size_t i = 0; i < route->nmethods; i++)
        free(route->methods[i]);
    for (size_t i = 0; i < route->nsegments; i++)
        free(route->segments[i].text);
    free(route->segments);
    free(route->pattern);
    memset(route, 0, sizeof(*route));
}

static int has_method(const tw_route_entry *route, const char *method)
{
    for (size_t i = 0; i < route->nmethods; i++) {
        if (strcmp(route->methods[i], method) == 0)
            return 1;
    }
    return 0;
}

int tw__route_conflicts(const tw_route_entry *a, const tw_route_entry *b)
{
    if (a->nsegments != b->nsegments)
        return 0;
    for (size_t i = 0; i < a->nsegments; i++) {
        if (a->segments[i].kind != b->segments[i].kind)
            return 0;
        if (a->segments[i].kind == TW_SEG_LITERAL &&
            strcmp(a->segments[i].text, b->segments[i].text) != 0)
            return 0;
    }
    for (size_t i = 0; i < a->nmethods; i++) {
        if (has_method(b, a->methods[i]))
            return 1;
    }
    return 0;
}

/* 1 when s[0..len) is a signed decimal that fits in 64 bits. */
static int is_int64(const char *s, size_t len)
{
    char buf[32];
    if (len == 0 || len >= sizeof(buf))
        return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *digits = buf[0] == '-' ? buf + 1 : buf;
    if (*digits == '\0')
        return 0;
    for (const char *c = digits; *c != '\0'; c++) {
        if (!isdigit((unsigned char)*c))
            return 0;
    }
    errno = 0;
    (void)strtoll(buf, NULL, 10);
    return errno == 0;
}

/* Matches the request path against route, filling req's parameters; 1 on a match. */
static int match_path(const tw_route_entry *route, tw_req *req, tw_arena *arena)
{
    const char *p = req->path;
    if (*p++ != '/')
        return 0;
    if (route->nsegments == 0)
        return *p == '\0';
    size_t nparams = 0;
    for (size_t i = 0; i < route->nsegments; i++) {
        const tw_segment *seg = &route->segments[i];
        if (i > 0 && *p++ != '/')
            return 0;
        size_t len = seg->kind == TW_SEG_PATH ? strlen(p) : strcspn(p, "/");
        if (seg->kind == TW_SEG_LITERAL) {
            if (seg->len != len || memcmp(seg->text, p, len) != 0)
                return 0;
        } else {
            if (len == 0 || (seg->kind == TW_SEG_INT && !is_int64(p, len)))
                return 0;
            req->params[nparams].name = seg->text;
            req->params[nparams].value = tw__arena_strndup(arena, p, len);
            nparams++;
        }
        p += len;
    }
    if (*p != '\0')
        return 0;
    req->nparams = nparams;
    return 1;
}

/* 1 when method is an item of list, a ", "-separated list of methods. */
static int is_listed(const char *list, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = list; (p = strstr(p, method)) != NULL; p += len) {
        if ((p == list || p[-1] == ' ') && (p[len] == ',' || p[len] == '\0'))
            return 1;
    }
    return 0;
}

/* Adds method to the list *allowed (arena memory) unless it is there already. */
static void allow_method(tw_arena *arena, const char **allowed, const char *method)
{
    const char *had = *allowed != NULL ? *allowed : "";
    if (is_listed(had, method))
        return;
    char *grown = tw__arena_alloc(arena, strlen(had) + strlen(method) + 3);
    sprintf(grown, "%s%s%s", had, *had ? ", " : "", method);
    *allowed = grown;
}

const tw_route_entry *tw__route_find(const tw_app *app, tw_exchange *ex, const char **allow)
{
    tw_req *req = &ex->req;
    /* HEAD is answered by a route for HEAD, else by one for GET (the body is dropped on the
     * way out); a route for HEAD alone answers HEAD, never GET. */
    int head = strcmp(req->method, "HEAD") == 0;
    const tw_route_entry *by_get = NULL;
    const char *allowed = NULL;
    for (size_t r = 0; r < app->nroutes; r++) {
        const tw_route_entry *route = &app->routes[r];
        if (!match_path(route, req, &ex->arena))
            continue;
        if (has_method(route, req->method)) {
            *allow = NULL;
            return route;
        }
        if (head && by_get == NULL && has_method(route, "GET"))
            by_get = route;
        /* The path exists under other methods: gather them for a 405's Allow. */
        for (size_t m = 0; m < route->nmethods; m++) {
            allow_method(&ex->arena, &allowed, route->methods[m]);
            if (strcmp(route->methods[m], "GET") == 0)
                allow_method(&ex->arena, &allowed, "HEAD");
        }
    }
    *allow = NULL;
    if (by_get != NULL) {
        match_path(by_get, req, &ex->arena); /* its parameters, not the last route tried */
        return by_get;
    }
    req->nparams = 0;
    *allow = allowed;
    return NULL;
}
