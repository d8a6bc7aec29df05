/*
 * server_sample.h - one server's usage counters at one instant, wherever it
 * runs (server_sample.c reads those of a server on this machine; a remote
 * host's come back through its deployer, deploy.h, and remote_usage.h): its
 * process group's CPU and peak RSS, its threads' run-queue wait, and its own
 * cgroup's counters where it has one. A window (measure_window.h) takes one
 * at each end and works out the differences.
 */
#ifndef TWICE_SERVER_SAMPLE_H
#define TWICE_SERVER_SAMPLE_H

#include <stddef.h>
#include <sys/types.h>

#include "cgroup_usage.h"
#include "proc_usage.h"
#include "schedstat.h"

struct server_sample {
    struct proc_usage usage;    /* its process group's CPU and peak RSS */
    struct schedstat sched;     /* its threads' run-queue delay */
    struct cgroup_usage cgroup; /* its cgroup's counters; version 0: none, or not read */
    int cgroup_shared;          /* 1: the cgroup is its host's, shared with the host's other
                                   processes: its throttling is the server's, nothing else */
    char cgroup_dir[256];       /* where the cgroup's figures were read ("" none) */
    char host_cgroup[256];      /* a remote server without a cgroup of its own: the cgroup it
                                   runs in on its host, as "VERSION PATH" (1 /a/b) ("" unknown) */
    char note[256];             /* what could not be read of it, in words; "" when all was */
    double host_time_s;         /* a remote server's: its host's clock as it was read (seconds,
                                   /proc/uptime); 0 for one read here, by the window's clock */
};

/**
 * Samples the server whose process group is group on this machine, with its cgroup at
 * cgroup_dir (NULL: it has none; one that cannot be read is said in out->note). 0, or -1 with
 * err when /proc cannot be listed.
 */
int server_sample_local(pid_t group, const char *cgroup_dir, struct server_sample *out, char *err,
                        size_t errlen);

/** The same for n servers: groups[i] and cgroups[i] (cgroups may be NULL: none has one) into
 * samples[i]. 0, or -1 with err when /proc cannot be listed. */
int server_sample_local_all(const pid_t *groups, const char *const *cgroups, size_t n,
                            struct server_sample *samples, char *err, size_t errlen);

#endif
