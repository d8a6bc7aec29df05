/*
 * cgroup_usage.h - a cgroup's own counters (cgroup_usage.c): the CPU time of
 * everything that ran in it, how often its CPU quota throttled it, and its
 * peak memory. deploy/cpucap.c makes one group per server; these counters are
 * that server's usage, reaped workers included, and the throttling that a
 * cap imposed on it.
 *
 * Both cgroup versions, told apart by the directory (v2 has
 * cgroup.controllers):
 *   v2: cpu.stat usage_usec, user_usec, system_usec and, with the cpu
 *       controller, nr_periods, nr_throttled, throttled_usec; memory.peak
 *       (Linux 5.19 and later, with the memory controller).
 *   v1: cpuacct.usage (ns), cpuacct.stat user/system (ticks), cpu.stat
 *       nr_periods, nr_throttled, throttled_time (ns),
 *       memory.max_usage_in_bytes. Each controller may be mounted as its own
 *       hierarchy: a file missing from the directory is looked for at the
 *       same path under the hierarchy of its controller (cpu/twice-1/s0 ->
 *       cpuacct/twice-1/s0), and is missing when the group was made only in
 *       one hierarchy (cpucap.c makes its groups in the cpu one alone).
 * What could not be read is 0 and absent from `have`.
 */
#ifndef TWICE_CGROUP_USAGE_H
#define TWICE_CGROUP_USAGE_H

#include <stddef.h>
#include <stdint.h>

/* Which figures a sample holds. */
enum {
    CGROUP_HAVE_USAGE = 1 << 0,       /* usage_us */
    CGROUP_HAVE_USER_SYSTEM = 1 << 1, /* user_us, system_us */
    CGROUP_HAVE_THROTTLING = 1 << 2,  /* nr_periods, nr_throttled, throttled_us */
    CGROUP_HAVE_PEAK = 1 << 3,        /* peak_bytes */
    CGROUP_HAVE_ALL = (1 << 4) - 1,
};

struct cgroup_usage {
    int version;           /* 1 or 2: the cgroup version the figures came from */
    unsigned have;         /* CGROUP_HAVE_* */
    uint64_t usage_us;     /* CPU time of the group's tasks */
    uint64_t user_us;      /* ... in user mode (v1: tick resolution) */
    uint64_t system_us;    /* ... in the kernel */
    uint64_t nr_periods;   /* quota periods in which the group had runnable tasks */
    uint64_t nr_throttled; /* ... of which it ran out of quota */
    uint64_t throttled_us; /* time its tasks were held back by the quota */
    uint64_t peak_bytes;   /* the most memory charged to the group since it was made */
};

/** How much of a cgroup file is read: cpu.stat is a dozen lines. */
#define CGROUP_TEXT_MAX 2048

/** The texts of a group's files, as read here or on another host (NULL: not read). */
struct cgroup_files {
    const char *cpu_stat;         /* both versions (v1: the cpu controller's) */
    const char *memory_peak;      /* v2 */
    const char *cpuacct_usage;    /* v1 */
    const char *cpuacct_stat;     /* v1, in ticks of tick_s */
    const char *memory_max_usage; /* v1 memory.max_usage_in_bytes */
};

/** The figures version's files say, into *out (have says which were there and well formed). */
void cgroup_usage_parse(int version, const struct cgroup_files *files, double tick_s,
                        struct cgroup_usage *out);
/**
 * Samples the cgroup at directory dir. 0 (have says which figures were read), or -1 with
 * err when dir is not a cgroup directory that can be read.
 */
int cgroup_usage_sample(const char *dir, struct cgroup_usage *out, char *err, size_t errlen);
/**
 * A window's figures: the counters' differences (a counter that went down, a group made
 * anew, is left out of have), the peak of the end (a peak since the group was made, not
 * since the window started), have those read at both ends.
 */
struct cgroup_usage cgroup_usage_diff(const struct cgroup_usage *start,
                                      const struct cgroup_usage *end);
/** "user/system, peak" style list of what have lacks, for an error or a note ("" when none). */
const char *cgroup_usage_missing(unsigned have, char *buf, size_t len);

#endif
