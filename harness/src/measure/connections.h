/*
 * connections.h - TCP connections a process or a server actually holds
 * (connections.c), counted from the kernel's socket table: the sockets in
 * ESTABLISHED state whose inode is one of the process's open descriptors
 * (/proc/PID/fd), read from /proc/PID/net/tcp and tcp6 so that a process in
 * another network namespace (a test bed host) is looked at in its own.
 *
 * A connection the kernel completed but the server has not accepted yet has
 * no inode and no owner: it is not counted (it waits in the accept queue of
 * the listening socket, not in the server). Counts are of one moment.
 */
#ifndef TWICE_CONNECTIONS_H
#define TWICE_CONNECTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * The ESTABLISHED TCP connections process pid holds to any of remote_ports (nports 0: to any
 * port): how many of wrk's asked-for connections are really open. The count, or -1 with err
 * (pid is gone, or its descriptors cannot be read).
 */
long measure_open_connections(pid_t pid, const uint16_t *remote_ports, size_t nports, char *err,
                              size_t errlen);
/**
 * The ESTABLISHED TCP connections the members of process group pgid (a server and its
 * workers) hold on any of their listening local_ports: the connections that server got from
 * a front that spreads them (SO_REUSEPORT). The count, or -1 with err (no member left, or
 * none whose descriptors can be read).
 */
long measure_server_connections(pid_t pgid, const uint16_t *local_ports, size_t nports, char *err,
                                size_t errlen);

#endif
