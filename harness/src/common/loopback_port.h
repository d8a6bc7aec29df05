/*
 * loopback_port.h - a free TCP port on 127.0.0.1 (loopback_port.c), for a
 * program that must be told where to listen (a command's server, HAProxy's
 * frontend).
 */
#ifndef TWICE_LOOPBACK_PORT_H
#define TWICE_LOOPBACK_PORT_H

/** A port on 127.0.0.1 that was free a moment ago (bound, then released), or -1. Another
 * program may take it meanwhile: whoever binds it must say so when it cannot. */
int loopback_free_port(void);

#endif
