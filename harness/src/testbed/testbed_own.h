/*
 * testbed_own.h - which cgroups of this machine hold a run's hosts when the
 * run's inventory is the one a test bed up here wrote (testbed_own.c): the
 * bed's hosts (their sshd, the servers and load started through them) are
 * processes on this machine that twice did not start itself, yet their CPU
 * is the run's own, not work that disturbs it.
 */
#ifndef TWICE_TESTBED_OWN_H
#define TWICE_TESTBED_OWN_H

#include <stddef.h>

/**
 * The cgroups the bed made, one for each host, when a bed is up and its inventory is
 * inventory_path (the same file, whatever path names it): *n paths in a NULL-terminated array
 * for testbed_own_free, or NULL (*n 0) when there is no bed, it wrote another inventory, or its
 * record cannot be read.
 */
char **testbed_own_cgroups(const char *inventory_path, size_t *n);
void testbed_own_free(char **dirs);

/**
 * The directory on this machine of the cgroup a process on a bed host runs in, path as that
 * host's /proc/PID/cgroup names it (the hosts share this machine's cgroups, but not its
 * cgroup file system), when that cgroup is inside one of own[0..n) (from
 * testbed_own_cgroups): 1 with it in dir, or 0 when it is not a bed's (or does not fit).
 */
int testbed_own_local_dir(const char *const *own, size_t n, const char *path, char *dir,
                          size_t len);

#endif
