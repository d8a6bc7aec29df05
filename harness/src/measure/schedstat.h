/*
 * schedstat.h - how long a process tree's threads waited for a CPU
 * (schedstat.c): the run-queue delay the kernel keeps per thread in
 * /proc/PID/task/TID/schedstat ("time on CPU (ns), time runnable but waiting
 * (ns), timeslices"). A thread that waits while it is ready to run is starved
 * of CPU: by a cap, by the machine's other work, or by its own siblings.
 *
 * /proc/PID/schedstat is the main thread's alone, so every thread of every
 * member of the process group is read. A thread that exits takes its figures
 * with it: over a window, the difference of the sums then undercounts, and
 * when it would go negative it is clamped at 0 and flagged.
 */
#ifndef TWICE_SCHEDSTAT_H
#define TWICE_SCHEDSTAT_H

#include <stddef.h>
#include <sys/types.h>

enum {
    SCHEDSTAT_UNAVAILABLE = 1 << 0,  /* a member's threads could not be read (it exited, or the
                                        kernel has no schedstats) */
    SCHEDSTAT_LOST_THREADS = 1 << 1, /* the sums went down over the window: threads exited */
    SCHEDSTAT_EMPTY = 1 << 2,        /* no member: nothing was measured */
};

struct schedstat {
    double run_s;     /* time the threads ran on a CPU */
    double wait_s;    /* time they were runnable but waited for a CPU: the run-queue delay */
    unsigned threads; /* threads read */
    unsigned flags;   /* SCHEDSTAT_* */
};

/** Parses one schedstat line "RUN_NS WAIT_NS SLICES" into seconds. 0, or -1 when malformed. */
int schedstat_parse(const char *text, double *run_s, double *wait_s);
/** Sums the schedstat of every thread of process group pgid's members. 0 (flags say what
 * could not be read), or -1 with err when /proc cannot be listed. */
int schedstat_sample(pid_t pgid, struct schedstat *out, char *err, size_t errlen);
/** A window's figures from its start and end samples (clamped at 0, flagged). */
struct schedstat schedstat_diff(const struct schedstat *start, const struct schedstat *end);

#endif
