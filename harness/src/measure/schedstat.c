/*
 * schedstat.c - run-queue delay of a process group: the sum, over the
 * members' threads, of the second field of /proc/PID/task/TID/schedstat.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_group.h"
#include "procfs.h"
#include "schedstat.h"

int schedstat_parse(const char *text, double *run_s, double *wait_s)
{
    unsigned long long run_ns, wait_ns, slices;
    char after;
    int fields = sscanf(text, "%llu %llu %llu%c", &run_ns, &wait_ns, &slices, &after);
    if (fields < 3 || (fields == 4 && after != '\n') || strchr(text, '-') != NULL)
        return -1;
    *run_s = (double)run_ns / 1e9;
    *wait_s = (double)wait_ns / 1e9;
    return 0;
}

/* Adds the threads of pid to out; -1 when none could be read. */
static int add_threads(pid_t pid, struct schedstat *out)
{
    char dir_path[64];
    snprintf(dir_path, sizeof(dir_path), "/proc/%d/task", (int)pid);
    DIR *dir = opendir(dir_path);
    if (dir == NULL)
        return -1;
    unsigned read_before = out->threads;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char path[128], text[256];
        double run_s, wait_s;
        if (entry->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%.20s/schedstat", dir_path, entry->d_name);
        /* A thread that exited since the listing is no longer there to count. */
        if (procfs_read(path, text, sizeof(text)) < 0 ||
            schedstat_parse(text, &run_s, &wait_s) != 0)
            continue;
        out->run_s += run_s;
        out->wait_s += wait_s;
        out->threads++;
    }
    closedir(dir);
    return out->threads > read_before ? 0 : -1;
}

int schedstat_sample(pid_t pgid, struct schedstat *out, char *err, size_t errlen)
{
    struct proc_member *members;
    size_t count;
    *out = (struct schedstat){0};
    if (proc_group_members(pgid, &members, &count, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        /* A zombie has no thread left to read; its waiting is over and not counted. */
        if (members[i].stat.state != 'Z' && add_threads(members[i].pid, out) != 0)
            out->flags |= SCHEDSTAT_UNAVAILABLE;
    }
    if (count == 0)
        out->flags |= SCHEDSTAT_EMPTY;
    free(members);
    return 0;
}

struct schedstat schedstat_diff(const struct schedstat *start, const struct schedstat *end)
{
    struct schedstat d = *end;
    d.flags |= start->flags;
    int went_back = 0;
    d.run_s = procfs_counter_diff(end->run_s, start->run_s, &went_back);
    d.wait_s = procfs_counter_diff(end->wait_s, start->wait_s, &went_back);
    if (went_back)
        d.flags |= SCHEDSTAT_LOST_THREADS;
    return d;
}
