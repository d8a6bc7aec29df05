/*
 * cgroup_usage.c - reads a cgroup's cpu.stat, cpuacct and memory files, v1
 * or v2, into one struct in microseconds and bytes.
 */
#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_usage.h"
#include "procfs.h"

/* The text of file in dir; for v1, when dir lacks it, of file at dir's path under the
 * hierarchy that mounts controller. -1 when neither can be read. */
static int read_group_file(const char *dir, const char *file, const char *controller, char *text,
                           size_t size)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (procfs_read(path, text, size) >= 0)
        return 0;
    if (controller == NULL)
        return -1;
    FILE *mounts = setmntent("/proc/self/mounts", "r");
    if (mounts == NULL)
        return -1;
    char controller_root[512] = "";
    const char *relative = NULL;
    struct mntent *m;
    while ((m = getmntent(mounts)) != NULL) {
        if (strcmp(m->mnt_type, "cgroup") != 0)
            continue;
        size_t len = strlen(m->mnt_dir);
        if (strncmp(dir, m->mnt_dir, len) == 0 && dir[len] == '/')
            relative = dir + len;
        if (hasmntopt(m, controller) != NULL)
            snprintf(controller_root, sizeof(controller_root), "%s", m->mnt_dir);
    }
    endmntent(mounts);
    if (relative == NULL || controller_root[0] == '\0')
        return -1;
    snprintf(path, sizeof(path), "%s%s/%s", controller_root, relative, file);
    return procfs_read(path, text, size) >= 0 ? 0 : -1;
}

void cgroup_usage_parse(int version, const struct cgroup_files *files, double tick_s,
                        struct cgroup_usage *out)
{
    uint64_t ns, user_ticks, system_ticks;
    *out = (struct cgroup_usage){.version = version};
    if (version == 2) {
        const char *text = files->cpu_stat;
        if (text != NULL && procfs_key_u64(text, "usage_usec", &out->usage_us) == 0)
            out->have |= CGROUP_HAVE_USAGE;
        if (text != NULL && procfs_key_u64(text, "user_usec", &out->user_us) == 0 &&
            procfs_key_u64(text, "system_usec", &out->system_us) == 0)
            out->have |= CGROUP_HAVE_USER_SYSTEM;
        /* Present only where the cpu controller is enabled for the group. */
        if (text != NULL && procfs_key_u64(text, "nr_periods", &out->nr_periods) == 0 &&
            procfs_key_u64(text, "nr_throttled", &out->nr_throttled) == 0 &&
            procfs_key_u64(text, "throttled_usec", &out->throttled_us) == 0)
            out->have |= CGROUP_HAVE_THROTTLING;
        if (files->memory_peak != NULL && procfs_u64(files->memory_peak, &out->peak_bytes) == 0)
            out->have |= CGROUP_HAVE_PEAK;
        return;
    }
    if (files->cpuacct_usage != NULL && procfs_u64(files->cpuacct_usage, &ns) == 0) {
        out->usage_us = ns / 1000;
        out->have |= CGROUP_HAVE_USAGE;
    }
    if (files->cpuacct_stat != NULL &&
        procfs_key_u64(files->cpuacct_stat, "user", &user_ticks) == 0 &&
        procfs_key_u64(files->cpuacct_stat, "system", &system_ticks) == 0) {
        out->user_us = (uint64_t)((double)user_ticks * tick_s * 1e6 + 0.5);
        out->system_us = (uint64_t)((double)system_ticks * tick_s * 1e6 + 0.5);
        out->have |= CGROUP_HAVE_USER_SYSTEM;
    }
    if (files->cpu_stat != NULL &&
        procfs_key_u64(files->cpu_stat, "nr_periods", &out->nr_periods) == 0 &&
        procfs_key_u64(files->cpu_stat, "nr_throttled", &out->nr_throttled) == 0 &&
        procfs_key_u64(files->cpu_stat, "throttled_time", &ns) == 0) {
        out->throttled_us = ns / 1000;
        out->have |= CGROUP_HAVE_THROTTLING;
    }
    if (files->memory_max_usage != NULL &&
        procfs_u64(files->memory_max_usage, &out->peak_bytes) == 0)
        out->have |= CGROUP_HAVE_PEAK;
}

/* file's text (read into text, CGROUP_TEXT_MAX bytes), or NULL when it cannot be read. */
static const char *read_text(const char *dir, const char *file, const char *controller, char *text)
{
    return read_group_file(dir, file, controller, text, CGROUP_TEXT_MAX) == 0 ? text : NULL;
}

int cgroup_usage_sample(const char *dir, struct cgroup_usage *out, char *err, size_t errlen)
{
    char path[1024];
    *out = (struct cgroup_usage){0};
    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "%s: not a cgroup directory (%s: %s)", dir, path, strerror(errno));
        return -1;
    }
    snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
    int version = access(path, F_OK) == 0 ? 2 : 1;
    char texts[4][CGROUP_TEXT_MAX];
    struct cgroup_files files = {0};
    if (version == 2) {
        files.cpu_stat = read_text(dir, "cpu.stat", NULL, texts[0]);
        files.memory_peak = read_text(dir, "memory.peak", NULL, texts[1]);
    } else {
        files.cpuacct_usage = read_text(dir, "cpuacct.usage", "cpuacct", texts[0]);
        files.cpuacct_stat = read_text(dir, "cpuacct.stat", "cpuacct", texts[1]);
        files.cpu_stat = read_text(dir, "cpu.stat", "cpu", texts[2]);
        files.memory_max_usage = read_text(dir, "memory.max_usage_in_bytes", "memory", texts[3]);
    }
    cgroup_usage_parse(version, &files, procfs_tick_s(), out);
    return 0;
}

/* end - start into *d, or 0 when the counter went down (the group was made anew). */
static int counter_diff(uint64_t start, uint64_t end, uint64_t *d)
{
    *d = end >= start ? end - start : 0;
    return end >= start ? 0 : -1;
}

struct cgroup_usage cgroup_usage_diff(const struct cgroup_usage *start,
                                      const struct cgroup_usage *end)
{
    struct cgroup_usage d = *end;
    d.have = start->have & end->have;
    if (counter_diff(start->usage_us, end->usage_us, &d.usage_us) != 0)
        d.have &= ~(unsigned)CGROUP_HAVE_USAGE;
    if ((counter_diff(start->user_us, end->user_us, &d.user_us) |
         counter_diff(start->system_us, end->system_us, &d.system_us)) != 0)
        d.have &= ~(unsigned)CGROUP_HAVE_USER_SYSTEM;
    if ((counter_diff(start->nr_periods, end->nr_periods, &d.nr_periods) |
         counter_diff(start->nr_throttled, end->nr_throttled, &d.nr_throttled) |
         counter_diff(start->throttled_us, end->throttled_us, &d.throttled_us)) != 0)
        d.have &= ~(unsigned)CGROUP_HAVE_THROTTLING;
    return d;
}

const char *cgroup_usage_missing(unsigned have, char *buf, size_t len)
{
    static const struct {
        unsigned bit;
        const char *name;
    } figures[] = {{CGROUP_HAVE_USAGE, "CPU usage"},
                   {CGROUP_HAVE_USER_SYSTEM, "user/system time"},
                   {CGROUP_HAVE_THROTTLING, "throttling"},
                   {CGROUP_HAVE_PEAK, "peak memory"}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof(figures) / sizeof(figures[0]) && used < len; i++) {
        if (!(have & figures[i].bit))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used > 0 ? ", " : "",
                                     figures[i].name);
    }
    return buf;
}
