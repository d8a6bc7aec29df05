/*
 * listening.h - how many sockets listen on a port (listening.c). Under the
 * reuseport front every server shares one port, so an HTTP probe of that
 * port is answered by whichever server listens there already: a later
 * server that has not bound it, and may never (gunicorn without
 * --reuse-port retries "Connection in use", then gives up), would look
 * ready, and a step would be measured with fewer servers than it says.
 * Each server that binds the port with SO_REUSEPORT adds a listening socket
 * of its own: a server is ready once there are more than before it started.
 */
#ifndef TWICE_LISTENING_H
#define TWICE_LISTENING_H

/** The TCP sockets listening on port in this network namespace (/proc/net/tcp and tcp6). */
unsigned listening_sockets(int port);

#endif
