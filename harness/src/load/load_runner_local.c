/*
 * load_runner_local.c - wrk on this machine: started through the harness's
 * process machinery (its own process group, dying with twice), and its CPU
 * time read from wait4 on wrk itself when it is reaped. Nothing to open:
 * a missing wrk shows as its exit status 127.
 */
#include <stdio.h>
#include <sys/wait.h>

#include "load_runner.h"
#include "proc.h"

static int local_open(load_host *h, const inventory *inv, char *err, size_t errlen)
{
    (void)h, (void)inv, (void)err, (void)errlen;
    return 0;
}

static void local_close(load_host *h)
{
    (void)h;
}

static pid_t local_start(load_host *h, const load_command *cmd, int out_fd, int err_fd, char *err,
                         size_t errlen)
{
    (void)h;
    return proc_spawn((char *const *)cmd->argv, out_fd, err_fd, (char *const *)cmd->env, NULL, err,
                      errlen);
}

static int local_wait(load_host *h, pid_t pid, int timeout_ms, int *status, double *cpu_s,
                      char *note, size_t notelen)
{
    (void)h, (void)note, (void)notelen;
    struct rusage usage = {0};
    if (!proc_wait_usage(pid, timeout_ms, status, &usage))
        return 0;
    *cpu_s = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
             (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
    return 1;
}

static void local_stop(load_host *h, pid_t pid)
{
    (void)h;
    proc_stop_group(pid, 1000);
}

static const char *local_describe(int status, char *buf, size_t len)
{
    char how[64];
    snprintf(buf, len, "wrk %s%s", proc_describe_status(status, how, sizeof(how)),
             WIFEXITED(status) && WEXITSTATUS(status) == 127
                 ? " (is wrk installed? apt-get install wrk)"
                 : "");
    return buf;
}

const load_runner load_runner_local = {"local",    local_open, local_close,   local_start,
                                       local_wait, local_stop, local_describe};
