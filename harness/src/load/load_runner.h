/*
 * load_runner.h - where a client's wrk runs. The command (argv and
 * environment) is the same wherever it runs and is built in load_wrk.c; a
 * runner only starts it on its host and waits for it. load_runner_local.c
 * runs it on this machine; a remote client host gets a runner of its own
 * (over ssh), chosen in load_runner_for and nowhere else.
 */
#ifndef TWICE_LOAD_RUNNER_H
#define TWICE_LOAD_RUNNER_H

#include <stddef.h>
#include <sys/types.h>

#include "inventory.h"

typedef struct load_runner {
    const char *name;
    /**
     * Starts argv with the extra environment entries env ("NAME=value", NULL-terminated) on
     * host, its stdout and stderr into out_fd and err_fd. Returns the local process to wait for
     * and to stop (proc_stop_group) - wrk itself here - in a process group of its own, or -1
     * with err.
     */
    pid_t (*start)(const inventory_host *host, char *const argv[], char *const env[], int out_fd,
                   int err_fd, char *err, size_t errlen);
    /** Waits up to timeout_ms for pid to end: 1 with its wait status and the CPU seconds wrk
     * used (user + system) set, 0 while it runs. */
    int (*wait)(pid_t pid, int timeout_ms, int *status, double *cpu_s);
} load_runner;

extern const load_runner load_runner_local;

/** The runner for a client host, or NULL with err saying why there is none. */
const load_runner *load_runner_for(const inventory_host *host, char *err, size_t errlen);

#endif
