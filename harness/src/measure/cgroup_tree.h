/*
 * cgroup_tree.h - the CPU time everything in a cgroup on this machine has
 * used, its sub-groups included (cgroup_tree.c): how a window counts a test
 * bed's hosts (sshd, the servers and load they start) as the run's own
 * rather than as foreign work.
 */
#ifndef TWICE_CGROUP_TREE_H
#define TWICE_CGROUP_TREE_H

#include <stddef.h>

/**
 * The CPU seconds used so far by the cgroup at dir: its own usage counter where it has one
 * (v2, or v1 with cpuacct), else the sum of the /proc times (their own and what they reaped) of
 * the processes in it and its sub-groups now. 0 with *cpu_s, or -1 with err when dir is not a
 * cgroup directory.
 */
int cgroup_tree_cpu_s(const char *dir, double *cpu_s, char *err, size_t errlen);

#endif
