/*
 * tcp_table.h - the lines of /proc/net/tcp and /proc/net/tcp6 (tcp_table.c):
 * one socket each, "sl: LOCAL_ADDR:PORT REMOTE_ADDR:PORT ST ... UID TIMEOUT
 * INODE ...", ports and state in hexadecimal. The inode ties a socket to the
 * process that holds it (/proc/PID/fd/N -> "socket:[INODE]").
 */
#ifndef TWICE_TCP_TABLE_H
#define TWICE_TCP_TABLE_H

#include <stdint.h>

/* The kernel's TCP state numbers (include/net/tcp_states.h). */
enum { TCP_TABLE_ESTABLISHED = 1, TCP_TABLE_LISTEN = 10 };

struct tcp_table_entry {
    unsigned local_port;
    unsigned remote_port;
    unsigned state; /* TCP_TABLE_* */
    uint64_t inode; /* 0 for a connection no process holds yet (still in the accept queue) */
};

/** Parses one line of the table. 0, or -1 for the header line and for a malformed one. */
int tcp_table_parse_line(const char *line, struct tcp_table_entry *out);

#endif
