/*
 * load_runner_ssh.c - wrk on an ssh client host. open reaches the host (a
 * master connection kept for the run, ssh_host.h) and checks that wrk is
 * there, as the ssh deployer checks its programs. start sends the remote
 * command (load_remote.h: the script shipped in it, wrk under the
 * supervisor) over that connection, with a pipe as ssh's stdin: the
 * supervisor's lifeline, which twice holds while wrk runs. Closing it, twice
 * dying or the connection dropping all close it, and wrk is stopped on the
 * host. wrk's stdout and stderr come back through ssh into the descriptors
 * start was given, as they would locally; once wrk has ended, the CPU report
 * its wrapper printed is read off the end of stderr and cut from it, so that
 * the stderr a message quotes is wrk's alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load_remote.h"
#include "load_runner.h"
#include "proc.h"
#include "read_file.h"
#include "supervisor.h"

/* The supervisor's grace for wrk and its cleanup, before ssh is stopped from here. */
#define STOP_WAIT_MS 5000
/* How much of stderr's end holds the CPU report: the mark and two short lines. */
#define REPORT_TAIL 1024

static int ssh_open(load_host *h, const inventory *inv, char *err, size_t errlen)
{
    if (ssh_host_open(&h->ssh, inv, h->host, err, errlen) != 0)
        return -1;
    if (ssh_host_check_program(&h->ssh, "wrk", "the load generator: apt-get install wrk", err,
                               errlen) != 0) {
        ssh_host_close(&h->ssh);
        return -1;
    }
    return 0;
}

static void drop_lifeline(load_host *h)
{
    if (h->lifeline >= 0)
        close(h->lifeline);
    h->lifeline = -1;
}

static void ssh_close(load_host *h)
{
    drop_lifeline(h);
    ssh_host_close(&h->ssh);
}

/* The script cmd names, read here to be shipped: malloc'd, or NULL with err. */
static char *script_text(const load_command *cmd, char *err, size_t errlen)
{
    const char *path = cmd->argv[cmd->script_word];
    size_t len;
    char *text = read_file(path, &len, err, errlen);
    if (text != NULL && (len > LOAD_REMOTE_SCRIPT_MAX || strlen(text) != len)) {
        snprintf(err, errlen, "%s: %s, so it cannot be sent in a command line", path,
                 len > LOAD_REMOTE_SCRIPT_MAX ? "larger than 96 KiB" : "holds a NUL byte");
        free(text);
        return NULL;
    }
    return text;
}

static pid_t ssh_start(load_host *h, const load_command *cmd, int out_fd, int err_fd, char *err,
                       size_t errlen)
{
    const char *words[LOAD_REMOTE_MAX_WORDS];
    char quota[32];
    char *script = script_text(cmd, err, errlen);
    if (script == NULL)
        return -1;
    int lifeline[2] = {-1, -1};
    pid_t pid = -1;
    if (load_remote_words(cmd, script, words, LOAD_REMOTE_MAX_WORDS, quota, sizeof(quota)) != 0)
        snprintf(err, errlen, "wrk's command has more words than the remote command holds");
    else if (pipe2(lifeline, O_CLOEXEC) != 0)
        snprintf(err, errlen, "cannot start wrk: pipe: %s", strerror(errno));
    else
        pid = ssh_host_spawn(&h->ssh, words, lifeline[0], out_fd, err_fd, err, errlen);
    free(script);
    if (lifeline[0] >= 0)
        close(lifeline[0]);
    h->lifeline = lifeline[1];
    h->stderr_fd = err_fd;
    if (pid < 0)
        drop_lifeline(h);
    return pid;
}

/* wrk's CPU seconds from the wrapper's report at the end of its stderr, which is cut there; -1
 * with note when it is not there to read. */
static double reported_cpu(load_host *h, char *note, size_t notelen)
{
    struct stat st;
    off_t size = fstat(h->stderr_fd, &st) == 0 ? st.st_size : 0;
    size_t from = size > REPORT_TAIL ? (size_t)size - REPORT_TAIL : 0, len, at;
    char *tail = proc_output(h->stderr_fd, from, &len), why[200];
    double cpu_s = -1;
    if (load_remote_cpu(tail, len, &cpu_s, &at, why, sizeof(why)) != 0) {
        snprintf(note, notelen, "wrk's CPU time on %s is unknown: %s", h->host->destination, why);
        cpu_s = -1;
    } else if (ftruncate(h->stderr_fd, (off_t)(from + at)) != 0) {
        /* The report stays in the stderr a message may quote: untidy, and no figure wrong. */
    }
    free(tail);
    return cpu_s;
}

/* The supervisor's notes (the pid of what it started) lead the stderr it passes on: wrk's own
 * stderr is what follows them, so they are cut from the front. */
static void drop_supervisor_notes(int fd)
{
    size_t len;
    char *text = proc_output(fd, 0, &len);
    size_t skip = text != NULL ? supervisor_notes_length(text) : 0;
    if (skip > 0 && pwrite(fd, text + skip, len - skip, 0) == (ssize_t)(len - skip) &&
        ftruncate(fd, (off_t)(len - skip)) != 0) {
        /* The notes stay in the stderr a message may quote: untidy, and no figure wrong. */
    }
    free(text);
}

static int ssh_wait(load_host *h, pid_t pid, int timeout_ms, int *status, double *cpu_s, char *note,
                    size_t notelen)
{
    if (!proc_wait(pid, timeout_ms, status))
        return 0;
    drop_lifeline(h);
    *cpu_s = reported_cpu(h, note, notelen);
    drop_supervisor_notes(h->stderr_fd);
    return 1;
}

static void ssh_stop(load_host *h, pid_t pid)
{
    /* The supervisor sees its lifeline close and stops wrk; ssh then ends by itself. */
    drop_lifeline(h);
    int status;
    if (!proc_wait(pid, STOP_WAIT_MS, &status))
        proc_stop_group(pid, 1000);
}

/* ssh exits with the remote command's status, or with 255 when the connection failed. */
static const char *ssh_describe(int status, char *buf, size_t len)
{
    char how[64];
    proc_describe_status(status, how, sizeof(how));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 255)
        snprintf(buf, len, "wrk's ssh connection failed or was lost (ssh %s)", how);
    else
        snprintf(buf, len, "wrk %s", how);
    return buf;
}

const load_runner load_runner_ssh = {"ssh",    ssh_open, ssh_close,   ssh_start,
                                     ssh_wait, ssh_stop, ssh_describe};
