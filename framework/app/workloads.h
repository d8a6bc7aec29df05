/*
 * workloads.h - the reference application's routes: the workloads that
 * scenarios name (workloads.c), and the machine-wide lock behind
 * /contention (contention_lock.c).
 */
#ifndef TWICE_APP_WORKLOADS_H
#define TWICE_APP_WORKLOADS_H

#include <stdint.h>

#include "twice.h"

#define TWICE_APP_DEFAULT_LOCK_FILE "/tmp/twice-contention.lock"

typedef struct twice_app_options {
    const char *lock_file; /* the file /contention locks; shared by every server that names it */
} twice_app_options;

/** Registers every workload route on app; TW_FAIL with tw_app_errmsg() on failure. */
int twice_app_register_workloads(tw_app *app, const twice_app_options *options);

/**
 * Holds an exclusive lock on path for hold_us microseconds. The lock is an
 * flock() on a description of our own, so it excludes every other holder,
 * threads and processes alike, and the kernel drops it if the holder dies.
 * Writes how long the wait for it took to waited_us. Returns TW_OK or
 * TW_FAIL (errno set).
 */
int twice_app_hold_lock(const char *path, uint64_t hold_us, uint64_t *waited_us);

/** The deterministic CPU work behind /cpu: a checksum of iters rounds. */
uint64_t twice_app_cpu_work(uint64_t iters);

#endif
