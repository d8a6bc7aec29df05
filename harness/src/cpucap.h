/*
 * cpucap.h - a CPU cap per server (cpucap.c), so that one machine can
 * emulate N hosts of equal size: each server gets a cgroup with a CPU
 * quota of so many cores.
 */
#ifndef TWICE_CPUCAP_H
#define TWICE_CPUCAP_H

#include <stddef.h>

/**
 * Creates n groups capped at cores each: cgroup v2 where its cpu controller
 * is available, else cgroup v1's cpu controller. Returns 0, or -1 with err
 * saying why caps cannot be set here (and nothing left created).
 */
int cpucap_prepare(unsigned n, double cores, char *err, size_t errlen);
/** The file a process writes its pid to, to join group i. */
const char *cpucap_procs_file(unsigned i);
/** Removes the groups (their processes must be gone). Safe to call when none exist. */
void cpucap_release(void);

#endif
