/*
 * listening.c - see listening.h. The kernel's tables list every socket,
 * listening ones in state LISTEN with their local port; a socket bound to
 * both families appears once, in tcp6.
 */
#include <stdio.h>

#include "listening.h"
#include "tcp_table.h"

/* The sockets of the table at path listening on port. */
static unsigned count_in(const char *path, int port)
{
    FILE *table = fopen(path, "r");
    char line[512];
    unsigned count = 0;
    while (table != NULL && fgets(line, sizeof(line), table) != NULL) {
        struct tcp_table_entry entry;
        count += tcp_table_parse_line(line, &entry) == 0 && entry.state == TCP_TABLE_LISTEN &&
                 entry.local_port == (unsigned)port;
    }
    if (table != NULL)
        fclose(table);
    return count;
}

unsigned listening_sockets(int port)
{
    return count_in("/proc/net/tcp", port) + count_in("/proc/net/tcp6", port);
}
