/*
 * prefork.h - the master process that every model runs under (prefork.c).
 */
#ifndef TWICE_PREFORK_H
#define TWICE_PREFORK_H

#include <signal.h>

#include "twice.h"

/** What a worker process runs; its return value is the worker's exit status. */
typedef int (*tw_worker_fn)(void *data, volatile sig_atomic_t *stop);

/**
 * Forks config->workers workers running worker(data, stop) and supervises
 * them: a worker that dies is restarted; SIGTERM or SIGINT asks every worker
 * to finish (each sees *stop set), and those still running after
 * config->shutdown_timeout_ms plus a second are killed. Workers die with the
 * master. Returns 0 once every worker is gone.
 */
int tw__prefork(const tw_serve_config *config, tw_worker_fn worker, void *data);

#endif
