/*
 * cgroup_tree.c - a cgroup's CPU time. The kernel's counter covers the
 * whole tree and what left it; where the group has none (a cgroup v1 group
 * made in the cpu hierarchy alone, as the test bed's are), the processes
 * listed in each group of the tree are read from /proc instead: a process
 * that exited and was reaped outside the tree takes its time with it, which
 * a window's difference clamps rather than counts as negative.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_tree.h"
#include "cgroup_usage.h"
#include "proc_group.h"
#include "procfs.h"

/* Sub-groups are a few levels deep (bed, host, server); deeper is not walked. */
#define MAX_DEPTH 8
#define PROCS_MAX_BYTES (1u << 20)

/* Adds the ticks of the processes listed in dir/cgroup.procs and in its sub-groups'. */
static void add_tree(const char *dir, int depth, uint64_t *ticks)
{
    char path[PATH_MAX];
    char *procs = malloc(PROCS_MAX_BYTES);
    /* A path too long to name is not read (the kernel's own limit is PATH_MAX). */
    int named = snprintf(path, sizeof(path), "%s/cgroup.procs", dir) < (int)sizeof(path);
    if (procs != NULL && named && procfs_read(path, procs, PROCS_MAX_BYTES) >= 0) {
        for (char *line = strtok(procs, "\n"); line != NULL; line = strtok(NULL, "\n")) {
            struct proc_stat stat;
            long pid = strtol(line, NULL, 10);
            /* A process gone since the listing has nothing left to count. */
            if (pid > 0 && proc_stat_read((pid_t)pid, &stat) == 0)
                *ticks += stat.utime + stat.stime + stat.cutime + stat.cstime;
        }
    }
    free(procs);
    DIR *d = depth < MAX_DEPTH ? opendir(dir) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
            add_tree(path, depth + 1, ticks);
    }
    if (d != NULL)
        closedir(d);
}

int cgroup_tree_cpu_s(const char *dir, double *cpu_s, char *err, size_t errlen)
{
    struct cgroup_usage usage;
    if (cgroup_usage_sample(dir, &usage, err, errlen) != 0)
        return -1;
    if (usage.have & CGROUP_HAVE_USAGE) {
        *cpu_s = (double)usage.usage_us / 1e6;
        return 0;
    }
    uint64_t ticks = 0;
    add_tree(dir, 0, &ticks);
    *cpu_s = (double)ticks * procfs_tick_s();
    return 0;
}
