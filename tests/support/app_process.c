/*
 * app_process.c - real server processes for the live tests. Each server
 * listens on an ephemeral loopback port it announces on stdout, so tests run
 * in parallel without choosing ports, and every test stops what it started.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_process.h"
#include "loopback.h"

void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    if (f == NULL)
        return strdup("");
    FILE *mem = open_memstream(&text, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, n, mem);
    fclose(mem);
    fclose(f);
    return text;
}

static pid_t spawn(const char *program, const char *const *args, int extra_listen, int out_fd,
                   int err_fd)
{
    const char *argv[64];
    size_t n = 0;
    argv[n++] = program;
    for (; args != NULL && *args != NULL && n < 60; args++) {
        if (strcmp(*args, "--listen") == 0)
            extra_listen = 0;
        argv[n++] = *args;
    }
    if (extra_listen) {
        argv[n++] = "--listen";
        argv[n++] = "127.0.0.1:0";
    }
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        /* A server dies with the test that started it, even one that fails or crashes
         * before stopping it (its workers follow their master). */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(out_fd, STDOUT_FILENO);
        dup2(err_fd, STDERR_FILENO);
        execvp(program, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* An anonymous file for a child's output: it has no name on disk, so nothing of it is left
 * whatever happens to the test. The descriptor, or -1. */
static int output_file(void)
{
    return memfd_create("twice-test-output", MFD_CLOEXEC);
}

/* What the output file fd holds so far (malloc'd), read through its /proc name from the
 * start, whatever the writers' offset. */
static char *output_text(int fd)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    return read_file(path);
}

void app_release(app_process *p)
{
    if (p->stderr_fd >= 0)
        close(p->stderr_fd);
    if (p->stdout_fd >= 0)
        close(p->stdout_fd);
    p->stderr_fd = p->stdout_fd = -1;
}

int app_start(app_process *p, const char *program, const char *const *args)
{
    memset(p, 0, sizeof(*p));
    p->stdout_fd = -1;
    int err_fd = p->stderr_fd = output_file();
    int out[2];
    if (err_fd < 0 || pipe2(out, O_CLOEXEC) != 0)
        return -1;
    p->pid = spawn(program, args, 1, out[1], err_fd);
    close(out[1]);
    char line[512] = "";
    size_t len = 0;
    /* Up to 5 s for the announcement: "... listening on 127.0.0.1:PORT ...". */
    for (int waited = 0; waited < 5000 && strchr(line, '\n') == NULL; waited += 10) {
        struct pollfd pfd = {.fd = out[0], .events = POLLIN};
        if (poll(&pfd, 1, 10) > 0) {
            ssize_t got = read(out[0], line + len, sizeof(line) - len - 1);
            if (got <= 0)
                break;
            len += (size_t)got;
            line[len] = '\0';
        }
    }
    /* Kept: twice-app answers asks for its count there (app_served). */
    p->stdout_fd = out[0];
    const char *at = strstr(line, "listening on 127.0.0.1:");
    if (p->pid <= 0 || at == NULL) {
        if (p->pid > 0)
            app_stop(p, SIGKILL, 2000);
        return -1;
    }
    p->port = atoi(at + strlen("listening on 127.0.0.1:"));
    return 0;
}

long long app_served(app_process *p, int timeout_ms)
{
    char line[128] = "";
    size_t len = 0;
    struct timespec asked, now;
    clock_gettime(CLOCK_MONOTONIC, &asked);
    if (p->pid <= 0 || p->stdout_fd < 0 || kill(p->pid, SIGUSR1) != 0)
        return -1;
    now = asked;
    long long deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + timeout_ms;
    /* Byte by byte up to the newline: nothing after the answer is taken from the pipe. */
    while (len + 1 < sizeof(line)) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left = deadline - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
        struct pollfd pfd = {.fd = p->stdout_fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) != 1 || read(p->stdout_fd, line + len, 1) != 1)
            return -1;
        if (line[len] == '\n')
            break;
        line[++len] = '\0';
    }
    long long count;
    double at_s;
    struct timespec answered;
    clock_gettime(CLOCK_MONOTONIC, &answered);
    if (sscanf(line, "twice-app: served %lld requests at %lf", &count, &at_s) != 2 ||
        at_s < (double)asked.tv_sec + (double)asked.tv_nsec / 1e9 - 1e-6 || /* T in µs */
        at_s > (double)answered.tv_sec + (double)answered.tv_nsec / 1e9)
        return -1;
    return count;
}

int free_port(void)
{
    uint16_t port;
    int fd = loopback_bind(0, 0, 0, &port);
    if (fd < 0)
        return -1;
    close(fd);
    return port;
}

static int accepts_connections(int port)
{
    int fd = loopback_connect((uint16_t)port);
    if (fd >= 0)
        close(fd);
    return fd >= 0;
}

int app_start_on_port(app_process *p, const char *const *argv, int port, int timeout_ms)
{
    memset(p, 0, sizeof(*p));
    p->stdout_fd = -1;
    int err_fd = p->stderr_fd = output_file();
    if (err_fd < 0 || port <= 0)
        return -1;
    p->pid = spawn(argv[0], argv + 1, 0, err_fd, err_fd);
    p->port = port;
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        int status;
        if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
            p->pid = 0; /* reaped: app_stderr() still says why */
            return -1;
        }
        if (accepts_connections(port))
            return 0;
        sleep_ms(20);
    }
    kill(p->pid, SIGKILL);
    waitpid(p->pid, NULL, 0);
    p->pid = 0;
    return -1;
}

int wait_exit(pid_t pid, int timeout_ms, int *status)
{
    for (int waited = 0; waited <= timeout_ms; waited += 5) {
        pid_t got = waitpid(pid, status, WNOHANG);
        if (got == pid)
            return 0;
        if (got < 0)
            return -1;
        sleep_ms(5);
    }
    return -1;
}

int app_stop(app_process *p, int sig, int timeout_ms)
{
    int status;
    if (p->pid <= 0)
        return -1;
    kill(p->pid, sig);
    if (wait_exit(p->pid, timeout_ms, &status) != 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, &status, 0);
        status = -1;
    }
    p->pid = 0;
    app_release(p);
    return status;
}

char *app_stderr(const app_process *p)
{
    return output_text(p->stderr_fd);
}

int app_stop_checked(app_process *p, int timeout_ms, char **report)
{
    int status = -1;
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        if (wait_exit(p->pid, timeout_ms, &status) != 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
            status = -1;
        }
        p->pid = 0;
    }
    char *err = output_text(p->stderr_fd);
    app_release(p);
    const char *found = strstr(err, "ERROR: AddressSanitizer");
    if (found == NULL)
        found = strstr(err, "WARNING: ThreadSanitizer");
    if (found == NULL)
        found = strstr(err, "runtime error:"); /* UBSan */
    *report = found != NULL ? strdup(found) : NULL;
    free(err);
    return status;
}

int run_to_exit(const char *program, const char *const *args, int timeout_ms, char **err)
{
    return run_capturing(program, args, timeout_ms, NULL, err);
}

/* Where a child's output goes: an anonymous file, or /dev/null when nobody wants it. */
static int capture_fd(int wanted)
{
    return wanted ? output_file() : open("/dev/null", O_WRONLY | O_CLOEXEC);
}

/* What was captured (NULL when nobody wanted it), and the descriptor closed. */
static char *collect(int fd, int wanted)
{
    char *text = wanted ? output_text(fd) : NULL;
    if (fd >= 0)
        close(fd);
    return text;
}

int run_capturing(const char *program, const char *const *args, int timeout_ms, char **out,
                  char **err)
{
    int out_fd = capture_fd(out != NULL), err_fd = capture_fd(1);
    pid_t pid = spawn(program, args, 0, out_fd, err_fd);
    int status = -1;
    if (wait_exit(pid, timeout_ms, &status) != 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        status = -1;
    }
    char *captured = collect(out_fd, out != NULL);
    if (out != NULL)
        *out = captured;
    *err = collect(err_fd, 1);
    return status;
}

pid_t *children_of(pid_t parent, size_t *n)
{
    size_t cap = 16;
    pid_t *pids = malloc(cap * sizeof(*pids));
    *n = 0;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    while (proc != NULL && (entry = readdir(proc)) != NULL) {
        char path[300], stat[512];
        int ppid;
        char state;
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/stat", entry->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        size_t len = fread(stat, 1, sizeof(stat) - 1, f);
        fclose(f);
        stat[len] = '\0';
        /* The command name may hold spaces and parentheses: parse after the last ')'. */
        const char *after = strrchr(stat, ')');
        if (after == NULL || sscanf(after + 1, " %c %d", &state, &ppid) != 2)
            continue;
        if (ppid == parent && state != 'Z') {
            if (*n == cap)
                pids = realloc(pids, (cap *= 2) * sizeof(*pids));
            pids[(*n)++] = atoi(entry->d_name);
        }
    }
    if (proc != NULL)
        closedir(proc);
    return pids;
}

int process_alive(pid_t pid)
{
    char path[64], stat[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t len = fread(stat, 1, sizeof(stat) - 1, f);
    fclose(f);
    stat[len] = '\0';
    const char *after = strrchr(stat, ')');
    return after != NULL && after[1] == ' ' && after[2] != 'Z' && after[2] != 'X';
}

int wait_gone(pid_t pid, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        if (!process_alive(pid))
            return 0;
        sleep_ms(10);
    }
    return -1;
}

pid_t *wait_children(pid_t parent, size_t want, int timeout_ms, size_t *n)
{
    pid_t *pids = children_of(parent, n);
    for (int waited = 0; *n != want && waited < timeout_ms; waited += 20) {
        free(pids);
        sleep_ms(20);
        pids = children_of(parent, n);
    }
    return pids;
}
