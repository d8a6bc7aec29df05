/*
 * haproxy_socket.h - one command on HAProxy's stats socket and its whole
 * answer (haproxy_socket.c): a unix socket here, or a TCP port of a HAProxy
 * on another host, named as HAProxy's configuration names it
 * (ipv4@ADDR:PORT). The socket closes after one command, so the
 * answer ends where the stream does. A HAProxy that is stuck, stopped or
 * answers a byte at a time must not hold twice: the whole exchange, from
 * connecting to the last byte, has one deadline.
 */
#ifndef TWICE_HAPROXY_SOCKET_H
#define TWICE_HAPROXY_SOCKET_H

#include <stddef.h>

/* How a TCP stats socket is spelled, here and in HAProxy's configuration. */
#define HAPROXY_SOCKET_TCP_PREFIX "ipv4@"

/**
 * Sends command (a line ending in '\n') to the stats socket at where (a unix socket's path, or
 * ipv4@A.B.C.D:PORT) and returns all it answers (malloc'd, NUL-terminated, at most
 * HAPROXY_STAT_MAX_BYTES), or NULL with err saying what failed: where is not a socket's
 * name, the socket does not answer or accepts no connection now, no whole answer within
 * timeout_ms of the call (connecting included), an answer too long, or memory running out.
 */
char *haproxy_socket_ask(const char *where, const char *command, int timeout_ms, char *err,
                         size_t errlen);

#endif
