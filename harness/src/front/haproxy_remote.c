/*
 * haproxy_remote.c - see haproxy_remote.h. The script is POSIX sh (dash and
 * bash run it) and needs only mktemp, getconf and rm on the host. What is
 * easy to get wrong:
 *   - HAProxy runs in the background and the script waits for it, so that a
 *     SIGTERM from the supervisor (to the whole group: HAProxy gets it too)
 *     runs the script's trap, which exits and so removes the folder;
 *   - a connection that drops closes the script's stdout: writing there then
 *     raises SIGPIPE, which would end the script without its EXIT trap (and
 *     leave the folder) were it not trapped like the others;
 *   - the announcement is written once HAProxy is started, before it is
 *     ready; the stats socket answering does not prove it has reached twice
 *     yet (it travels through ssh), so a sample waits for it a moment.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "haproxy_remote.h"
#include "proc.h"
#include "supervisor.h"

#define STOP_WAIT_MS 5000      /* the supervisor's grace, then its cleanup */
#define SAMPLE_TIMEOUT_MS 5000 /* one `cat` over the master connection */
#define ANNOUNCE_WAIT_MS 2000
#define CHECK_TIMEOUT_MS 20000
#define MAX_WORDS 16

static const char script[] =
    "program=$1\n"
    "config=$2\n"
    "dir=$(mktemp -d \"${TMPDIR:-/tmp}/" HAPROXY_REMOTE_DIR_PREFIX "XXXXXX\") || exit 1\n"
    "trap 'rm -rf \"$dir\"' EXIT\n"
    "trap 'exit 143' HUP INT TERM PIPE\n"
    "printf '%s' \"$config\" >\"$dir/haproxy.cfg\" || exit 1\n"
    "\"$program\" -db -f \"$dir/haproxy.cfg\" &\n"
    "haproxy=$!\n"
    "echo \"haproxy $haproxy $(getconf CLK_TCK)\"\n"
    "wait \"$haproxy\"\n";

int haproxy_remote_start(haproxy_remote *r, const inventory *inv, const char *program,
                         const char *config, int stderr_fd, char *err, size_t errlen)
{
    *r = (haproxy_remote){.stdin_fd = -1, .stdout_fd = -1, .host = {.master_err = -1}};
    if (ssh_host_open(&r->host, inv, inv->balancer, err, errlen) != 0)
        return -1;
    const char *const command[] = {"sh", "-c", script, "twice-haproxy", program, config, NULL};
    const char *words[MAX_WORDS];
    char quota[32];
    supervisor_words(words, MAX_WORDS, 0, quota, sizeof(quota), command);
    int pipe_fds[2];
    if ((r->stdout_fd = proc_output_fd("twice-haproxy-out", err, errlen)) < 0)
        return -1;
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start haproxy on host %s: pipe: %s",
                 inv->balancer->destination, strerror(errno));
        return -1;
    }
    pid_t pid = ssh_host_spawn(&r->host, words, pipe_fds[0], r->stdout_fd, stderr_fd, err, errlen);
    close(pipe_fds[0]);
    r->stdin_fd = pipe_fds[1];
    r->pid = pid > 0 ? pid : 0;
    return pid > 0 ? 0 : -1;
}

int haproxy_remote_parse_announcement(const char *text, long *pid, long *ticks)
{
    for (const char *line = text; line != NULL && *line != '\0';) {
        char end;
        if (sscanf(line, "haproxy %ld %ld%c", pid, ticks, &end) == 3 && end == '\n' && *pid > 0 &&
            *ticks > 0)
            return 0;
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    return -1;
}

int haproxy_remote_parse_cpu(const char *text, long ticks, haproxy_remote_cpu *out, char *err,
                             size_t errlen)
{
    char *end;
    double uptime = strtod(text, &end);
    if (end == text || !isfinite(uptime) || uptime <= 0 || ticks <= 0) {
        snprintf(err, errlen, "/proc/uptime says \"%.*s\", not a time", (int)strcspn(text, "\n"),
                 text);
        return -1;
    }
    const char *stat = strchr(text, '\n');
    const char *name_end = stat != NULL ? strrchr(stat, ')') : NULL;
    unsigned long utime, stime;
    /* After the name: state, ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt,
     * majflt, cmajflt, then utime and stime (proc(5), fields 3 to 15). */
    if (name_end == NULL ||
        sscanf(name_end + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
               &stime) != 2) {
        snprintf(err, errlen, "/proc/PID/stat says \"%.*s\", not a process's figures",
                 stat != NULL ? (int)strcspn(stat + 1, "\n") : 0, stat != NULL ? stat + 1 : "");
        return -1;
    }
    out->cpu_s = (double)(utime + stime) / (double)ticks;
    out->clock_s = uptime;
    return 0;
}

/* HAProxy's pid on the host, from the script's announcement, waited for a moment. */
static int learn_pid(haproxy_remote *r, char *err, size_t errlen)
{
    for (int waited = 0; r->haproxy_pid == 0; waited += 20) {
        char *said = proc_output(r->stdout_fd, 0, NULL);
        int rc = haproxy_remote_parse_announcement(said, &r->haproxy_pid, &r->ticks);
        free(said);
        if (rc == 0)
            break;
        r->haproxy_pid = 0;
        if (waited >= ANNOUNCE_WAIT_MS) {
            snprintf(err, errlen, "host %s: haproxy's script never said its pid",
                     r->host.host->destination);
            return -1;
        }
        struct timespec pause = {0, 20000000};
        nanosleep(&pause, NULL);
    }
    return 0;
}

int haproxy_remote_sample(haproxy_remote *r, haproxy_remote_cpu *out, char *err, size_t errlen)
{
    if (learn_pid(r, err, errlen) != 0)
        return -1;
    char stat[48];
    snprintf(stat, sizeof(stat), "/proc/%ld/stat", r->haproxy_pid);
    const char *const words[] = {"cat", "/proc/uptime", stat, NULL};
    int status, rc = -1;
    char *text = NULL, *errout = NULL;
    if (ssh_host_run(&r->host, words, SAMPLE_TIMEOUT_MS, &status, &text, &errout, err, errlen) != 0)
        return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = haproxy_remote_parse_cpu(text, r->ticks, out, err, errlen);
    } else {
        char how[64];
        snprintf(err, errlen, "host %s: `cat /proc/uptime %s` %s: %.*s", r->host.host->destination,
                 stat, proc_describe_status(status, how, sizeof(how)), (int)strcspn(errout, "\n"),
                 errout);
    }
    free(text);
    free(errout);
    return rc;
}

void haproxy_remote_stop(haproxy_remote *r)
{
    /* Its stdin closing is what the supervisor waits for: HAProxy, the script and its folder
     * go, and then the ssh client ends. */
    if (r->stdin_fd >= 0)
        close(r->stdin_fd);
    r->stdin_fd = -1;
    int status;
    if (r->pid > 0 && !proc_wait(r->pid, STOP_WAIT_MS, &status))
        proc_stop_group(r->pid, 1000);
    r->pid = 0;
    if (r->stdout_fd >= 0)
        close(r->stdout_fd);
    r->stdout_fd = -1;
    ssh_host_close(&r->host);
}

int haproxy_remote_check(const inventory *inv, const char *program, char *err, size_t errlen)
{
    ssh_host h;
    if (ssh_host_open(&h, inv, inv->balancer, err, errlen) != 0)
        return -1;
    const char *const words[] = {"sh", "-c", "command -v \"$1\"", "sh", program, NULL};
    int status, rc = -1;
    char *out = NULL, *errout = NULL;
    if (ssh_host_run(&h, words, CHECK_TIMEOUT_MS, &status, &out, &errout, err, errlen) == 0) {
        char how[64];
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            rc = 0;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 255)
            snprintf(err, errlen, "balancer host %s: ssh failed asking for %s: %.*s",
                     inv->balancer->destination, program, (int)strcspn(errout, "\n"), errout);
        else
            snprintf(err, errlen,
                     "balancer host %s has no %s (`command -v %s` %s there): install Debian's "
                     "haproxy package on it (apt-get install haproxy)%s",
                     inv->balancer->destination, program, program,
                     proc_describe_status(status, how, sizeof(how)),
                     inv->haproxy != NULL ? ", or name where it is in the inventory's \"haproxy\""
                                          : "");
    }
    free(out);
    free(errout);
    ssh_host_close(&h);
    return rc;
}
