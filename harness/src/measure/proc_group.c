/*
 * proc_group.c - who is in a process group, from /proc. There is no kernel
 * call that lists a group, so every numeric entry of /proc is read; a process
 * that exits between the listing and the reading is simply not a member.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_group.h"
#include "procfs.h"

int proc_stat_parse(const char *text, struct proc_stat *out)
{
    const char *comm_end = strrchr(text, ')');
    if (comm_end == NULL)
        return -1;
    char state;
    int ppid, pgrp;
    long long utime, stime, cutime, cstime;
    /* Fields 3 to 17: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime. Read signed, as the kernel writes cutime and cstime
     * (tpgid is -1 without a terminal), so that a negative time is refused, not wrapped. */
    if (sscanf(comm_end + 1, " %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld %lld %lld",
               &state, &ppid, &pgrp, &utime, &stime, &cutime, &cstime) != 7 ||
        utime < 0 || stime < 0 || cutime < 0 || cstime < 0)
        return -1;
    out->state = state;
    out->ppid = ppid;
    out->pgrp = pgrp;
    out->utime = (uint64_t)utime;
    out->stime = (uint64_t)stime;
    out->cutime = (uint64_t)cutime;
    out->cstime = (uint64_t)cstime;
    return 0;
}

int proc_stat_read(pid_t pid, struct proc_stat *out)
{
    char path[64], text[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (procfs_read(path, text, sizeof(text)) < 0)
        return -1;
    if (proc_stat_parse(text, out) != 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int proc_group_members(pid_t pgid, struct proc_member **members, size_t *count, char *err,
                       size_t errlen)
{
    *members = NULL;
    *count = 0;
    DIR *proc = opendir("/proc");
    if (proc == NULL) {
        snprintf(err, errlen, "cannot list /proc: %s", strerror(errno));
        return -1;
    }
    size_t capacity = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        struct proc_stat fields;
        if (*end != '\0' || pid <= 0 || proc_stat_read((pid_t)pid, &fields) != 0 ||
            fields.pgrp != pgid)
            continue;
        if (*count == capacity) {
            capacity = capacity == 0 ? 16 : capacity * 2;
            struct proc_member *grown = realloc(*members, capacity * sizeof(**members));
            if (grown == NULL) {
                snprintf(err, errlen, "out of memory listing process group %d", (int)pgid);
                free(*members);
                *members = NULL;
                *count = 0;
                closedir(proc);
                return -1;
            }
            *members = grown;
        }
        (*members)[(*count)++] = (struct proc_member){(pid_t)pid, fields};
    }
    closedir(proc);
    return 0;
}
