/*
 * proc.c - starting, watching and stopping the harness's children: servers
 * and wrk. Nothing the harness starts may outlive it, whatever happens, so
 * every child gets a process group (a server's workers are then stopped
 * with it) and is killed by the kernel if twice itself dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

volatile sig_atomic_t proc_interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    proc_interrupted = 1;
}

void proc_install_signal_handlers(void)
{
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void redirect(int fd, const char *path)
{
    int target = open(path != NULL ? path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (target >= 0) {
        dup2(target, fd);
        close(target);
    }
}

pid_t proc_spawn(char *const argv[], const char *stdout_path, const char *stderr_path,
                 char *const extra_env[], const char *join)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    setpgid(0, 0);
    /* Die with twice even if it is killed with SIGKILL; a server's workers follow it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    redirect(STDOUT_FILENO, stdout_path);
    redirect(STDERR_FILENO, stderr_path);
    for (char *const *env = extra_env; env != NULL && *env != NULL; env++)
        putenv(*env);
    if (join != NULL) {
        FILE *procs = fopen(join, "w");
        if (procs == NULL || fprintf(procs, "%d\n", (int)getpid()) < 0 || fclose(procs) != 0) {
            fprintf(stderr, "cannot join %s: %s\n", join, strerror(errno));
            _exit(126);
        }
    }
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int proc_wait(pid_t pid, int timeout_ms, int *status)
{
    for (int waited = 0;; waited += 5) {
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid || (got < 0 && errno == ECHILD))
            return 1;
        if (waited >= timeout_ms)
            return 0;
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
    }
}

void proc_stop_group(pid_t pid, int grace_ms)
{
    int status;
    if (pid <= 0)
        return;
    killpg(pid, SIGTERM);
    if (!proc_wait(pid, grace_ms, &status)) {
        killpg(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    /* Anything of the group that is still there (a worker finishing) goes too. */
    killpg(pid, SIGKILL);
}

const char *proc_describe_status(int status, char *buf, size_t len)
{
    if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    return buf;
}

char *proc_file_tail(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    char *tail = calloc(1, max + 1);
    if (f == NULL || tail == NULL) {
        if (f != NULL)
            fclose(f);
        return tail != NULL ? tail : strdup("");
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size > (long)max ? size - (long)max : 0, SEEK_SET);
    size_t n = fread(tail, 1, max, f);
    tail[n] = '\0';
    fclose(f);
    return tail;
}
