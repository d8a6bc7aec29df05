/*
 * tcp_table.c - one line of /proc/net/tcp{,6} into ports, state and inode.
 * The same format serves IPv4 (8 hex digits of address) and IPv6 (32).
 */
#include <stdio.h>
#include <string.h>

#include "tcp_table.h"

int tcp_table_parse_line(const char *line, struct tcp_table_entry *out)
{
    unsigned slot, local_port, remote_port, state;
    unsigned long long inode;
    char local[33], remote[33];
    int used = 0;
    /* sl: local:port remote:port st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode;
     * what follows the inode (refcount, pointer, timers, cwnd) is not needed. */
    if (sscanf(line,
               " %u: %32[0-9A-Fa-f]:%4x %32[0-9A-Fa-f]:%4x %2x %*x:%*x %*x:%*x %*x %*u %*u "
               "%llu%n",
               &slot, local, &local_port, remote, &remote_port, &state, &inode, &used) != 7)
        return -1;
    /* The kernel writes these fields unsigned; scanf would take "-7" as a huge number. */
    size_t local_len = strlen(local), remote_len = strlen(remote);
    if ((local_len != 8 && local_len != 32) || remote_len != local_len ||
        memchr(line, '-', (size_t)used) != NULL)
        return -1;
    out->local_port = local_port;
    out->remote_port = remote_port;
    out->state = state;
    out->inode = inode;
    return 0;
}
