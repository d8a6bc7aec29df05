/*
 * free_port.h - a loopback port nothing listens on (free_port.c), for a
 * process that must be told its port before it starts: a server, or a
 * service such as PostgreSQL that cannot report a port it picked itself.
 */
#ifndef TWICE_FREE_PORT_H
#define TWICE_FREE_PORT_H

/** A port free on 127.0.0.1 now: bound, then released for the caller's process to take (another
 * may take it first; that process then fails to bind and says so). The port, or -1. */
int free_loopback_port(void);

#endif
