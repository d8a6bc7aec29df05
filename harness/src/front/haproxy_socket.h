/*
 * haproxy_socket.h - one command on HAProxy's stats socket and its whole
 * answer (haproxy_socket.c). The socket closes after one command, so the
 * answer ends where the stream does. A HAProxy that is stuck, stopped or
 * answers a byte at a time must not hold twice: the whole exchange, from
 * connecting to the last byte, has one deadline.
 */
#ifndef TWICE_HAPROXY_SOCKET_H
#define TWICE_HAPROXY_SOCKET_H

#include <stddef.h>

/**
 * Sends command (a line ending in '\n') to the unix socket at path and returns all it answers
 * (malloc'd, NUL-terminated, at most HAPROXY_STAT_MAX_BYTES), or NULL with err saying what
 * failed: the socket does not answer or accepts no connection now, no whole answer within
 * timeout_ms of the call, an answer too long, or memory running out.
 */
char *haproxy_socket_ask(const char *path, const char *command, int timeout_ms, char *err,
                         size_t errlen);

#endif
