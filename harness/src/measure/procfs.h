/*
 * procfs.h - reading the kernel's small text files (procfs.c): /proc/PID/stat,
 * /proc/PID/status, /proc/PID/schedstat, /proc/stat and the cgroup files. They
 * are read whole into a caller's buffer, in one place, so that every measure
 * treats "the file is gone" (a process that exited between listing and
 * reading, a kernel without that file) the same way: a return code, not a
 * crash or a zero passed off as a figure.
 */
#ifndef TWICE_PROCFS_H
#define TWICE_PROCFS_H

#include <stddef.h>
#include <stdint.h>

/**
 * Reads path into buf (NUL-terminated; at most size - 1 bytes). Returns the length, or -1
 * with errno set (ENOENT/ESRCH: the file or its process is gone; EFBIG: larger than buf).
 */
long procfs_read(const char *path, char *buf, size_t size);
/** The unsigned number text starts with (after blanks, before a blank, a newline or the end):
 * a file such as memory.peak. 0 with *value set, or -1 when there is none or it overflows. */
int procfs_u64(const char *text, uint64_t *value);
/**
 * The unsigned number after key in text made of "key value" or "key: value" lines (the
 * first line that names exactly key). 0 with *value set, or -1 when no line has key or its
 * value is not a number.
 */
int procfs_key_u64(const char *text, const char *key, uint64_t *value);
/**
 * Exactly "SECONDS.FRACTION" in text[0..len): whole seconds below 2^32 and 1 to 9 digits of
 * fraction, as /proc/uptime writes a time and twice-app its answers' (served_count.h). 0 with
 * *seconds set, or -1 for anything else.
 */
int procfs_seconds(const char *text, size_t len, double *seconds);
/** The kernel's clock tick (USER_HZ) in seconds: the unit of /proc/PID/stat and /proc/stat. */
double procfs_tick_s(void);

/** end - start of a counter that only grows, or 0 with *went_back set when it did not (what
 * it counted left: an exited thread, a reaped process). */
static inline double procfs_counter_diff(double end, double start, int *went_back)
{
    if (end >= start)
        return end - start;
    *went_back = 1;
    return 0;
}

#endif
