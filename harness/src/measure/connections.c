/*
 * connections.c - counts a process's or a process group's ESTABLISHED TCP
 * connections: the socket inodes of their descriptors, looked up in the
 * socket table of their network namespace.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connections.h"
#include "proc_group.h"
#include "tcp_table.h"

/* The inodes of the sockets some processes hold, sorted for lookup once all are in. */
struct inode_set {
    uint64_t *inodes;
    size_t count;
    size_t capacity;
};

/* Adds the sockets among pid's descriptors to set. 0, or -1 with errno when its descriptors
 * cannot be listed (it exited, or is a zombie) or memory runs out. */
static int add_socket_inodes(pid_t pid, struct inode_set *set)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    if (dir == NULL)
        return -1;
    struct dirent *entry;
    int rc = 0;
    while (rc == 0 && (entry = readdir(dir)) != NULL) {
        char target[64];
        unsigned long long inode;
        /* A descriptor closed since the listing simply does not count. */
        ssize_t len = readlinkat(dirfd(dir), entry->d_name, target, sizeof(target) - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        if (sscanf(target, "socket:[%llu]", &inode) != 1)
            continue;
        if (set->count == set->capacity) {
            size_t capacity = set->capacity == 0 ? 64 : set->capacity * 2;
            uint64_t *grown = realloc(set->inodes, capacity * sizeof(*grown));
            if (grown == NULL) {
                errno = ENOMEM;
                rc = -1;
                break;
            }
            set->inodes = grown;
            set->capacity = capacity;
        }
        set->inodes[set->count++] = inode;
    }
    closedir(dir);
    return rc;
}

static int compare_inodes(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int port_listed(unsigned port, const uint16_t *ports, size_t nports)
{
    for (size_t i = 0; i < nports; i++)
        if (ports[i] == port)
            return 1;
    return nports == 0;
}

/* Marks in seen the sockets of set (sorted) that are ESTABLISHED with a listed local (or
 * remote) port in the socket table at path. 0, or -1 with errno when it cannot be read. */
static int mark_established(const char *path, const struct inode_set *set, unsigned char *seen,
                            int by_local_port, const uint16_t *ports, size_t nports)
{
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    char *line = NULL;
    size_t size = 0;
    while (getline(&line, &size, f) > 0) {
        struct tcp_table_entry entry;
        if (tcp_table_parse_line(line, &entry) != 0 || entry.state != TCP_TABLE_ESTABLISHED ||
            entry.inode == 0 ||
            !port_listed(by_local_port ? entry.local_port : entry.remote_port, ports, nports))
            continue;
        const uint64_t *found =
            bsearch(&entry.inode, set->inodes, set->count, sizeof(*set->inodes), compare_inodes);
        if (found != NULL)
            seen[found - set->inodes] = 1;
    }
    free(line);
    fclose(f);
    return 0;
}

/*
 * Counts the ESTABLISHED sockets of set whose local (or remote) port is listed, in the socket
 * tables pid sees. The kernel hands a table out a page per read and resumes each read by its
 * position in a hash bucket, so a socket opened or closed elsewhere meanwhile can make one
 * entry be skipped (or shown twice). Each socket counts once however often it is seen, and
 * the tables are read twice: an entry skipped by one pass is found by the other. The count,
 * or -1 with err.
 */
static long count_established(pid_t pid, struct inode_set *set, int by_local_port,
                              const uint16_t *ports, size_t nports, char *err, size_t errlen)
{
    static const char *const tables[] = {"tcp", "tcp6"};
    if (set->count > 0)
        qsort(set->inodes, set->count, sizeof(*set->inodes), compare_inodes);
    unsigned char *seen = calloc(set->count + 1, 1);
    if (seen == NULL) {
        snprintf(err, errlen, "out of memory counting the connections of process %d", (int)pid);
        return -1;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
            char path[64];
            snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, tables[t]);
            /* A kernel without IPv6 has no tcp6; no tcp at all means pid is gone. */
            if (mark_established(path, set, seen, by_local_port, ports, nports) != 0 &&
                (t == 0 || errno != ENOENT)) {
                int cause = errno;
                snprintf(err, errlen, "cannot read %s: %s", path, strerror(cause));
                free(seen);
                errno = cause; /* the caller tells a process that exited from other failures */
                return -1;
            }
        }
    }
    long count = 0;
    for (size_t i = 0; i < set->count; i++)
        count += seen[i];
    free(seen);
    return count;
}

long measure_open_connections(pid_t pid, const uint16_t *remote_ports, size_t nports, char *err,
                              size_t errlen)
{
    struct inode_set set = {0};
    long count = -1;
    if (add_socket_inodes(pid, &set) != 0)
        snprintf(err, errlen, "cannot list the descriptors of process %d: %s", (int)pid,
                 strerror(errno));
    else
        count = count_established(pid, &set, 0, remote_ports, nports, err, errlen);
    free(set.inodes);
    return count;
}

long measure_server_connections(pid_t pgid, const uint16_t *local_ports, size_t nports, char *err,
                                size_t errlen)
{
    struct proc_member *members;
    size_t count;
    if (proc_group_members(pgid, &members, &count, err, errlen) != 0)
        return -1;
    struct inode_set set = {0};
    size_t readable = 0; /* members[0..readable) are those whose descriptors were listed */
    int out_of_memory = 0;
    for (size_t i = 0; i < count && !out_of_memory; i++) {
        /* A zombie, or a member that exited since the listing, holds no connection. */
        if (members[i].stat.state == 'Z')
            continue;
        if (add_socket_inodes(members[i].pid, &set) == 0)
            members[readable++] = members[i];
        else
            out_of_memory = errno == ENOMEM;
    }
    long connections = -1;
    int gone = 1;
    /* The socket table is read through a member; one that exits meanwhile takes its view of
     * the table with it (ENOENT), and the next member is asked. */
    for (size_t i = 0; i < readable && !out_of_memory && gone; i++) {
        connections = count_established(members[i].pid, &set, 1, local_ports, nports, err, errlen);
        gone = connections < 0 && (errno == ENOENT || errno == ESRCH);
    }
    free(members);
    if (out_of_memory)
        snprintf(err, errlen, "out of memory counting the sockets of process group %d", (int)pgid);
    else if (gone)
        snprintf(err, errlen, "process group %d has no live process to count connections of",
                 (int)pgid);
    free(set.inodes);
    return out_of_memory || gone ? -1 : connections;
}
