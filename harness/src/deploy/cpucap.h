/*
 * cpucap.h - a cgroup per server (cpucap.c). With a CPU quota of so many
 * cores, one machine emulates N hosts of equal size; with none, the group
 * still holds everything the server starts, so that the watchdog can kill
 * all of it.
 */
#ifndef TWICE_CPUCAP_H
#define TWICE_CPUCAP_H

#include <stddef.h>

/**
 * Creates n groups capped at cores each (0: not capped, the groups then only
 * hold what each server starts, for the watchdog): cgroup v2 where its cpu
 * controller is available, else cgroup v1's cpu controller. Returns 0, or -1
 * with err saying why caps cannot be set here (and nothing left created).
 */
int cpucap_prepare(unsigned n, double cores, char *err, size_t errlen);
/** The cgroup under which groups are made (the harness's own, in the hierarchy that holds
 * the cpu controller) into parent. 0, or -1 with err when there is none. */
int cpucap_parent(char *parent, size_t len, char *err, size_t errlen);
/** The quota and period a cap of cores (> 0) gets, in microseconds: a 10 ms period, or longer
 * where the kernel's least quota (1 ms) needs it, up to its longest period (1 s); the quota
 * never below that least one. */
void cpucap_quota(double cores, long *quota_us, long *period_us);
/** Caps the existing group dir at cores (0: no cap, nothing done). 0, or -1 with err. Call
 * cpucap_parent first: it finds which kind of cgroups this machine has. */
int cpucap_set_quota(const char *dir, double cores, char *err, size_t errlen);
/** The file a process writes its pid to, to join group i. */
const char *cpucap_procs_file(unsigned i);
/** The directory of group i (its counters: measure/cgroup_usage.h), or NULL when there is
 * none; valid until cpucap_release. */
const char *cpucap_group_dir(unsigned i);
/** Removes the groups, killing what a stopped server left in them (a process that left its
 * process group). Safe to call when none exist. */
void cpucap_release(void);
/** Kills every process in cgroup dir until it can be removed, and removes it (gives up after
 * about 3 s). */
void cpucap_remove_group(const char *dir);

#endif
