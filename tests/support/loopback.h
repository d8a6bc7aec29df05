/*
 * loopback.h - plain TCP sockets on 127.0.0.1 for the measurement tests
 * (loopback.c): a listener (optionally sharing its port through
 * SO_REUSEPORT, as the harness's servers do), a client connection, and the
 * acceptor a test server runs to say which connections it got.
 */
#ifndef TWICE_TEST_LOOPBACK_H
#define TWICE_TEST_LOOPBACK_H

#include <stdint.h>

/** A socket bound to 127.0.0.1:port (0: an ephemeral one), listening when listen_too is set,
 * with SO_REUSEPORT when reuse_port is set; its port in *bound. The fd, or -1. */
int loopback_bind(uint16_t port, int reuse_port, int listen_too, uint16_t *bound);
/** A connection to 127.0.0.1:port: the fd, or -1. */
int loopback_connect(uint16_t port);
/** Accepts on listen_fd forever, keeping every connection open and writing tag to report_fd
 * once per connection accepted: a server whose connections a test can count. */
void loopback_accept_forever(int listen_fd, int report_fd, char tag);

#endif
