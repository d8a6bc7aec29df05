/*
 * proc_group.h - the processes of a process group and the fields of their
 * /proc/PID/stat (proc_group.c). The harness starts every server and wrk in a
 * process group of its own (deploy/proc.c), so "a server and its workers" is
 * "the live processes whose pgrp is the server's pid". A worker that moved to
 * another group (setsid, setpgid) is not a member any more.
 */
#ifndef TWICE_PROC_GROUP_H
#define TWICE_PROC_GROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** The fields of /proc/PID/stat the measures use; times in clock ticks (procfs_tick_s). */
struct proc_stat {
    char state; /* R, S, D, Z (a zombie: exited, not yet reaped)... */
    pid_t ppid;
    pid_t pgrp;
    uint64_t utime;  /* its own CPU time in user mode */
    uint64_t stime;  /* ... and in the kernel */
    uint64_t cutime; /* the user time of the children it reaped (and theirs, recursively) */
    uint64_t cstime; /* ... and their kernel time */
};

/**
 * Parses the text of /proc/PID/stat: "pid (comm) state ppid pgrp ... utime stime cutime
 * cstime ...". comm may hold spaces and ')' itself, so the fields start after the last ')'.
 * 0, or -1 when the text does not have that shape.
 */
int proc_stat_parse(const char *text, struct proc_stat *out);
/** Reads and parses /proc/PID/stat. 0, or -1 with errno (ESRCH or ENOENT: pid is gone;
 * EINVAL: the file did not parse). */
int proc_stat_read(pid_t pid, struct proc_stat *out);
/** A member of a process group and its stat fields, read once, when it was listed. */
struct proc_member {
    pid_t pid;
    struct proc_stat stat;
};

/**
 * The processes of process group pgid (zombies included: their times still count), in
 * *members (malloc'd, the caller frees it; NULL when there are none) and their number in
 * *count. 0, or -1 with err when /proc cannot be listed.
 */
int proc_group_members(pid_t pgid, struct proc_member **members, size_t *count, char *err,
                       size_t errlen);

#endif
