/*
 * server_sample.c - a server on this machine, sampled from /proc and its
 * cgroup directory.
 */
#include <stdio.h>

#include "server_sample.h"

int server_sample_local(pid_t group, const char *cgroup_dir, struct server_sample *out, char *err,
                        size_t errlen)
{
    *out = (struct server_sample){0};
    if (proc_usage_sample(group, &out->usage, err, errlen) != 0 ||
        schedstat_sample(group, &out->sched, err, errlen) != 0)
        return -1;
    if (cgroup_dir != NULL &&
        cgroup_usage_sample(cgroup_dir, &out->cgroup, out->note, sizeof(out->note)) != 0)
        out->cgroup = (struct cgroup_usage){0};
    else if (cgroup_dir != NULL)
        snprintf(out->cgroup_dir, sizeof(out->cgroup_dir), "%s", cgroup_dir);
    return 0;
}

int server_sample_local_all(const pid_t *groups, const char *const *cgroups, size_t n,
                            struct server_sample *samples, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        if (server_sample_local(groups[i], cgroups != NULL ? cgroups[i] : NULL, &samples[i], err,
                                errlen) != 0)
            return -1;
    }
    return 0;
}
