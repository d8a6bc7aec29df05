/*
 * prefork.h - the master process that every model runs under (prefork.c).
 */
#ifndef TWICE_PREFORK_H
#define TWICE_PREFORK_H

#include <signal.h>
#include <stdatomic.h>

#include "twice.h"

/** What every worker starts from. */
typedef struct tw_worker_args {
    tw_app *app;
    int listen_fd;
    const tw_serve_config *config;
    /* This worker's count of the responses it sent, in memory the master shares with every
     * worker (its own cache line: workers never contend); NULL where nobody counts. Only
     * the worker's loop thread writes it. */
    _Atomic uint64_t *served;
} tw_worker_args;

/** What a worker process runs: a model's loop until *stop is set. Its return value is the
 * worker's exit status. */
typedef int (*tw_worker_fn)(const tw_worker_args *args, volatile sig_atomic_t *stop);

/**
 * Forks config->workers workers running worker(args, stop) and supervises
 * them: a worker that dies is restarted; SIGTERM or SIGINT asks every worker
 * to finish (each sees *stop set), and those still running after
 * config->shutdown_timeout_ms plus a second are killed. Workers die with the
 * master. Each worker counts the responses it sends in a slot of its own
 * that outlives it (a replacement goes on from its predecessor's count); on
 * SIGUSR1 the master hands the sum to config->on_served, if set. Returns 0
 * once every worker is gone.
 */
int tw__prefork(const tw_worker_args *args, tw_worker_fn worker);

#endif
