/*
 * proc_usage.c - CPU seconds and peak memory of a process group: the sum of
 * its members' /proc/PID/stat times (their own and what they reaped) and of
 * their VmHWM in /proc/PID/status.
 */
#include <stdio.h>
#include <stdlib.h>

#include "proc_group.h"
#include "proc_usage.h"
#include "procfs.h"

/* A member's VmHWM in bytes (the file says kB), or -1 when it has none (a zombie, a kernel
 * thread) or exited since it was listed. */
static int peak_rss_bytes(pid_t pid, uint64_t *bytes)
{
    char path[64], text[4096];
    uint64_t kib;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (procfs_read(path, text, sizeof(text)) < 0 || procfs_key_u64(text, "VmHWM", &kib) != 0)
        return -1;
    *bytes = kib * 1024;
    return 0;
}

int proc_usage_sample(pid_t pgid, struct proc_usage *out, char *err, size_t errlen)
{
    struct proc_member *members;
    size_t count;
    *out = (struct proc_usage){0};
    if (proc_group_members(pgid, &members, &count, err, errlen) != 0)
        return -1;
    uint64_t user_ticks = 0, system_ticks = 0;
    for (size_t i = 0; i < count; i++) {
        const struct proc_stat *stat = &members[i].stat;
        uint64_t bytes;
        user_ticks += stat->utime + stat->cutime;
        system_ticks += stat->stime + stat->cstime;
        out->processes++;
        if (peak_rss_bytes(members[i].pid, &bytes) == 0)
            out->peak_rss_bytes += bytes;
        else
            out->flags |= PROC_USAGE_NO_HWM;
    }
    free(members);
    if (out->processes == 0)
        out->flags |= PROC_USAGE_EMPTY;
    out->user_s = (double)user_ticks * procfs_tick_s();
    out->system_s = (double)system_ticks * procfs_tick_s();
    return 0;
}

struct proc_usage proc_usage_diff(const struct proc_usage *start, const struct proc_usage *end)
{
    struct proc_usage d = *end;
    d.flags |= start->flags;
    int went_back = 0;
    d.user_s = procfs_counter_diff(end->user_s, start->user_s, &went_back);
    d.system_s = procfs_counter_diff(end->system_s, start->system_s, &went_back);
    if (went_back)
        d.flags |= PROC_USAGE_LOST_CPU;
    return d;
}

void proc_usage_rusage_diff(const struct rusage *before, const struct rusage *after, double *user_s,
                            double *system_s)
{
    *user_s = (double)(after->ru_utime.tv_sec - before->ru_utime.tv_sec) +
              (double)(after->ru_utime.tv_usec - before->ru_utime.tv_usec) / 1e6;
    *system_s = (double)(after->ru_stime.tv_sec - before->ru_stime.tv_sec) +
                (double)(after->ru_stime.tv_usec - before->ru_stime.tv_usec) / 1e6;
}
