/*
 * cgroups_possible.h - whether twice can make cgroups on this machine
 * (cgroups_possible.c), for the live tests that need CPU caps or cgroup holds
 * and skip, saying why, where there are none.
 */
#ifndef TWICE_TEST_CGROUPS_POSSIBLE_H
#define TWICE_TEST_CGROUPS_POSSIBLE_H

/** 1 when twice can make cgroups here: root, and a cgroup hierarchy (v2 or v1) with the cpu
 * controller. */
int cgroups_possible(void);

#endif
