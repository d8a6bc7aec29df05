/*
 * load_runner.h - where a client's wrk runs. The command (argv and
 * environment) is the same wherever it runs and is built in load_wrk.c; a
 * runner only starts it on its host, waits for it and stops it. Each client
 * host of the inventory is a load_host with its runner, opened for the
 * whole run (load_hosts.c, the one place a runner is chosen):
 * load_runner_local.c runs wrk on this machine, load_runner_ssh.c on an ssh
 * destination, under the remote supervisor, through the host's master
 * connection.
 */
#ifndef TWICE_LOAD_RUNNER_H
#define TWICE_LOAD_RUNNER_H

#include <stddef.h>
#include <sys/types.h>

#include "inventory.h"
#include "load_wrk.h"
#include "ssh_host.h"

struct load_runner;

/** One client host, as its runner keeps it for the run. */
typedef struct load_host {
    const inventory_host *host; /* borrowed from the inventory */
    const struct load_runner *runner;
    ssh_host ssh;  /* the ssh runner's master connection */
    int lifeline;  /* the ssh runner: the pipe its remote supervisor reads while wrk runs, or -1 */
    int stderr_fd; /* the ssh runner: the running wrk's stderr (borrowed), or -1 */
} load_host;

typedef struct load_runner {
    const char *name;
    /** Before the run: gets h ready (its connection) and checks that it can run wrk. 0, or -1
     * with err naming the host and what is wrong. */
    int (*open)(load_host *h, const inventory *inv, char *err, size_t errlen);
    /** After the run: lets go of h. Safe on a host open failed on. */
    void (*close)(load_host *h);
    /**
     * Starts cmd on h, its stdout and stderr into out_fd and err_fd (wrk's own, wherever it
     * runs). Returns the local process to wait for - wrk itself, or its ssh client - in a
     * process group of its own that dies with twice, or -1 with err. One wrk per host at a time.
     */
    pid_t (*start)(load_host *h, const load_command *cmd, int out_fd, int err_fd, char *err,
                   size_t errlen);
    /**
     * Waits up to timeout_ms for pid to end: 1 with its wait status and *cpu_s, the CPU seconds
     * wrk used (user + system), or -1 there when they could not be known (note says why);
     * 0 while it runs.
     */
    int (*wait)(load_host *h, pid_t pid, int timeout_ms, int *status, double *cpu_s, char *note,
                size_t notelen);
    /** Stops pid, which has not ended, and everything it started on h. */
    void (*stop)(load_host *h, pid_t pid);
    /** How a wrk that ended with status ended, for a message: "wrk exited with status 3". */
    const char *(*describe)(int status, char *buf, size_t len);
} load_runner;

extern const load_runner load_runner_local;
extern const load_runner load_runner_ssh;

/** The runner for a client host: ssh for an ssh destination, local otherwise (NULL too). */
const load_runner *load_runner_for(const inventory_host *host);

/**
 * Opens a load_host for every client host of inv (NULL: this machine alone, one host), each
 * with its runner: *hosts (malloc'd) and *n. 0, or -1 with err naming the client host that
 * cannot run wrk (nothing left open then).
 */
int load_hosts_open(load_host **hosts, size_t *n, const inventory *inv, char *err, size_t errlen);
/** Closes and frees what load_hosts_open opened (NULL is fine). */
void load_hosts_close(load_host *hosts, size_t n);

#endif
