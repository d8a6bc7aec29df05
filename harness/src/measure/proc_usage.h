/*
 * proc_usage.h - the CPU time and memory of a process tree, from /proc
 * (proc_usage.c): a server and its workers, or wrk, each in a process group
 * of its own.
 *
 * CPU: every live member's utime and stime, plus its cutime and cstime (what
 * it reaped). So a worker that died and was reaped by its parent (a member)
 * still counts, through the parent's cutime/cstime. What the tree cannot show:
 * a member that exited and was reaped by a process outside the group (the
 * group's leader, reaped by twice, is in twice's RUSAGE_CHILDREN instead), or
 * one that left the group; between two samples its time vanishes, and the
 * difference flags that (PROC_USAGE_LOST_CPU) rather than go negative.
 *
 * Memory: the sum of the members' VmHWM (the peak resident set since each
 * process started, not since the window did). The sum over-counts pages the
 * members share (the code and the copy-on-write memory of pre-forked
 * workers): it is an upper bound.
 */
#ifndef TWICE_PROC_USAGE_H
#define TWICE_PROC_USAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* What a sample or a difference could not include. */
enum {
    PROC_USAGE_NO_HWM = 1 << 0,   /* a member's VmHWM was not readable: a zombie has none, or
                                     it exited after it was listed */
    PROC_USAGE_LOST_CPU = 1 << 1, /* the tree's CPU time went down: a member left uncounted */
    PROC_USAGE_EMPTY = 1 << 2,    /* no member: nothing was measured */
};

struct proc_usage {
    double user_s;           /* CPU seconds in user mode, members and what they reaped */
    double system_s;         /* ... in the kernel */
    uint64_t peak_rss_bytes; /* sum of the members' VmHWM: an upper bound (shared pages) */
    unsigned processes;      /* members read */
    unsigned flags;          /* PROC_USAGE_* */
};

/**
 * Samples process group pgid. 0 (with flags saying what could not be read), or -1 with err
 * when /proc cannot be listed. A group with no member gives zeros and PROC_USAGE_EMPTY.
 */
int proc_usage_sample(pid_t pgid, struct proc_usage *out, char *err, size_t errlen);
/**
 * The usage of a window from its start and end samples: CPU the difference (clamped at 0
 * with PROC_USAGE_LOST_CPU), peak RSS and processes those of the end, flags of both.
 */
struct proc_usage proc_usage_diff(const struct proc_usage *start, const struct proc_usage *end);
/** CPU seconds from a pair of getrusage() results (e.g. RUSAGE_CHILDREN around wrk's run:
 * the CPU of the children reaped in between). */
void proc_usage_rusage_diff(const struct rusage *before, const struct rusage *after, double *user_s,
                            double *system_s);

#endif
