/*
 * http_client.h - a small blocking HTTP/1.1 client for the live tests:
 * one request per connection, a response read to its Content-Length.
 */
#ifndef TWICE_TEST_HTTP_CLIENT_H
#define TWICE_TEST_HTTP_CLIENT_H

#include <stddef.h>

typedef struct http_response {
    int status; /* 0 when no response came */
    char *head; /* status line and headers, NUL-terminated */
    char *body; /* NUL-terminated */
    size_t body_len;
} http_response;

/** Sends "METHOD target" with an optional body to 127.0.0.1:port; timeout applies to the whole
 * exchange. Returns 0 and fills res, or -1 (no connection, timeout, malformed response). */
int http_request(int port, const char *method, const char *target, const char *body, int timeout_ms,
                 http_response *res);
/** http_request with GET and a 5 s timeout. */
int http_get(int port, const char *target, http_response *res);
/** GET target from an IPv4 address other than loopback (a test-bed host's); as http_request
 * otherwise. */
int http_get_at(const char *address, int port, const char *target, int timeout_ms,
                http_response *res);
/** A response header's value (case-insensitive name) copied into out, or NULL. */
const char *http_header(const http_response *res, const char *name, char *out, size_t outlen);
void http_response_free(http_response *res);

/** Like http_send, with a request body (may be NULL). */
int http_send_with_body(int port, const char *method, const char *target, const char *body);
/** Opens a connection and sends a request without reading: for requests a test keeps in
 * flight. Returns the socket or -1. */
int http_send(int port, const char *method, const char *target);
/** Reads the response to a request sent with http_send, then closes fd. */
int http_receive(int fd, int timeout_ms, http_response *res);

/**
 * Sends every target at once, each on its own connection, then collects the
 * responses: for many requests in flight together. Returns how many got a
 * response within timeout_ms; res[i] belongs to targets[i] (status 0: none).
 */
size_t http_get_concurrently(int port, const char *const *targets, size_t n, int timeout_ms,
                             http_response *res);

#endif
