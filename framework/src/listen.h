/*
 * listen.h - the listening socket a server's workers share (listen.c).
 */
#ifndef TWICE_LISTEN_H
#define TWICE_LISTEN_H

#include <stddef.h>

/**
 * Binds a non-blocking TCP listener to "HOST:PORT" ("[::1]:PORT" for IPv6;
 * port 0 picks a free one) with SO_REUSEPORT, so that several servers can
 * share a port and the kernel balances between them. Returns the fd and
 * writes the bound address to bound; on failure returns -1 and writes what
 * went wrong to err.
 */
/** Splits "HOST:PORT" / "[V6]:PORT" into host and port, checking the port; 0 or -1 with err. */
int tw__split_address(const char *address, char *host, size_t hostlen, char *port, size_t portlen,
                      char *err, size_t errlen);

int tw__listen(const char *address, char *bound, size_t boundlen, char *err, size_t errlen);

#endif
