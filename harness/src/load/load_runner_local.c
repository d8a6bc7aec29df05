/*
 * load_runner_local.c - wrk on this machine: started through the harness's
 * process machinery (its own process group, dying with twice), and its CPU
 * time read from wait4 on wrk itself when it is reaped. load_runner_for, the
 * one place a client host's runner is chosen, lives here with it.
 */
#include <stdio.h>

#include "load_runner.h"
#include "proc.h"

static pid_t local_start(const inventory_host *host, char *const argv[], char *const env[],
                         int out_fd, int err_fd, char *err, size_t errlen)
{
    (void)host;
    return proc_spawn(argv, out_fd, err_fd, env, NULL, err, errlen);
}

static int local_wait(pid_t pid, int timeout_ms, int *status, double *cpu_s)
{
    struct rusage usage = {0};
    if (!proc_wait_usage(pid, timeout_ms, status, &usage))
        return 0;
    *cpu_s = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
             (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
    return 1;
}

const load_runner load_runner_local = {"local", local_start, local_wait};

const load_runner *load_runner_for(const inventory_host *host, char *err, size_t errlen)
{
    if (host == NULL || host->local)
        return &load_runner_local;
    snprintf(err, errlen,
             "running wrk on %s is not possible yet: client hosts other than \"local\" need the "
             "ssh runner",
             host->destination);
    return NULL;
}
