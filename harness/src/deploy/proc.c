/*
 * proc.c - starting, watching and stopping the harness's children: servers
 * and wrk. Nothing the harness starts may outlive it, whatever happens, so
 * every child gets a process group (a server's workers are then stopped
 * with it), is killed by the kernel if twice itself dies, and its group is
 * known to the watchdog, which kills the grandchildren the kernel would not.
 * A child's output goes to an anonymous file, so no temporary file can be
 * left behind either.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "supervisor.h"
#include "watchdog.h"

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

static void redirect(int target, int fd)
{
    int source = fd >= 0 ? fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (source >= 0 && source != target)
        dup2(source, target);
}

/* A child's signals as a program expects them: twice's own handlers are not for it. */
static void default_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
}

/* Moves the calling process into the cgroup whose cgroup.procs file is procs: 0, or an errno. */
static int join_cgroup(const char *procs)
{
    FILE *f = fopen(procs, "w");
    if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
        return errno != 0 ? errno : EIO;
    return 0;
}

/* The child's side of proc_spawn: it runs nothing of its own until the parent has handed its
 * group to the watchdog and says so on go. */
static void __attribute__((noreturn))
become_child(char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd,
             char *const extra_env[], const char *join, pid_t parent, int go)
{
    setpgid(0, 0);
    /* Die with twice even if it is killed with SIGKILL; a server's workers follow it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char byte;
    if (getppid() != parent || read(go, &byte, 1) != 1)
        _exit(127);
    default_signals();
    if (stdin_fd >= 0)
        dup2(stdin_fd, STDIN_FILENO);
    redirect(STDOUT_FILENO, stdout_fd);
    redirect(STDERR_FILENO, stderr_fd);
    for (char *const *env = extra_env; env != NULL && *env != NULL; env++)
        putenv(*env);
    int error = join != NULL ? join_cgroup(join) : 0;
    if (error != 0) {
        fprintf(stderr, "cannot join %s: %s\n", join, strerror(error));
        _exit(126);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

pid_t proc_spawn(char *const argv[], int stdout_fd, int stderr_fd, char *const extra_env[],
                 const char *join, char *err, size_t errlen)
{
    return proc_spawn_stdin(argv, -1, stdout_fd, stderr_fd, extra_env, join, err, errlen);
}

pid_t proc_spawn_stdin(char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd,
                       char *const extra_env[], const char *join, char *err, size_t errlen)
{
    int go[2];
    if (pipe2(go, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start %s: pipe: %s", argv[0], strerror(errno));
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        become_child(argv, stdin_fd, stdout_fd, stderr_fd, extra_env, join, parent, go[0]);
    }
    close(go[0]);
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: fork: %s", argv[0], strerror(errno));
        close(go[1]);
        return -1;
    }
    /* Here too, not only in the child: a killpg right after this call must reach it. */
    setpgid(pid, pid);
    if (watchdog_watch_group(pid, err, errlen) != 0) {
        close(go[1]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    ssize_t sent = write(go[1], "", 1);
    close(go[1]);
    (void)sent; /* a child that is already gone is found by the next proc_wait */
    return pid;
}

/* What went wrong in starting a daemon, sent back to proc_spawn_daemon. */
typedef struct daemon_failure {
    int joining; /* 1: joining the cgroup, 0: running argv */
    int error;   /* errno */
} daemon_failure;

/* The middle process of proc_spawn_daemon: it joins the group in a session of its own, forks
 * the daemon and exits, so that the daemon is init's child. A failure goes back on report,
 * whose last copy closes when the daemon execs. */
static void __attribute__((noreturn))
start_daemon(char *const argv[], int out_fd, const char *join, int report)
{
    daemon_failure failure = {.joining = 1};
    setsid();
    if (join != NULL && (failure.error = join_cgroup(join)) != 0) {
        ssize_t sent = write(report, &failure, sizeof(failure));
        (void)sent;
        _exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) {
        default_signals();
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        redirect(STDOUT_FILENO, out_fd);
        redirect(STDERR_FILENO, out_fd);
        execvp(argv[0], argv);
        failure = (daemon_failure){.joining = 0, .error = errno};
        ssize_t sent = write(report, &failure, sizeof(failure));
        (void)sent;
        _exit(127);
    }
    if (pid < 0) {
        failure = (daemon_failure){.joining = 0, .error = errno};
        ssize_t sent = write(report, &failure, sizeof(failure));
        (void)sent;
    }
    _exit(0);
}

int proc_spawn_daemon(char *const argv[], int out_fd, const char *join, char *err, size_t errlen)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start %s: pipe: %s", argv[0], strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        start_daemon(argv, out_fd, join, report[1]);
    }
    close(report[1]);
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: fork: %s", argv[0], strerror(errno));
        close(report[0]);
        return -1;
    }
    waitpid(pid, NULL, 0);
    daemon_failure failure;
    ssize_t got;
    while ((got = read(report[0], &failure, sizeof(failure))) < 0 && errno == EINTR)
        continue;
    close(report[0]);
    if (got != (ssize_t)sizeof(failure))
        return 0;
    if (failure.joining)
        snprintf(err, errlen, "cannot start %s: cannot join %s: %s", argv[0], join,
                 strerror(failure.error));
    else
        snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(failure.error));
    return -1;
}

int proc_wait(pid_t pid, int timeout_ms, int *status)
{
    return proc_wait_usage(pid, timeout_ms, status, NULL);
}

int proc_wait_usage(pid_t pid, int timeout_ms, int *status, struct rusage *usage)
{
    if (pid <= 0)
        abort(); /* waitpid(-1) or waitpid(0) would reap some other child */
    if (usage != NULL)
        memset(usage, 0, sizeof(*usage));
    for (int waited = 0;; waited += 5) {
        pid_t got = wait4(pid, status, WNOHANG, usage);
        if (got == pid) {
            /* The group's number stays taken while anything of it is alive, so this reaches
             * only what the child left behind. */
            killpg(pid, SIGKILL);
            watchdog_forget_group(pid);
            return 1;
        }
        if (got < 0 && errno == ECHILD) {
            *status = 0; /* reaped already: its group was dealt with then */
            return 1;
        }
        if (timeout_ms >= 0 && waited >= timeout_ms)
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
        proc_wait(pid, -1, &status);
    }
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

int proc_output_fd(const char *name, char *err, size_t errlen)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        snprintf(err, errlen, "cannot create %s: %s", name, strerror(errno));
    return fd;
}

static size_t output_size(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
}

char *proc_output(int fd, size_t from, size_t *len)
{
    size_t size = output_size(fd);
    size_t want = size > from ? size - from : 0;
    char *text = malloc(want + 1);
    ssize_t n = text != NULL && want > 0 ? pread(fd, text, want, (off_t)from) : 0;
    if (len != NULL)
        *len = text != NULL && n > 0 ? (size_t)n : 0;
    if (text == NULL)
        return strdup("");
    text[n > 0 ? n : 0] = '\0';
    return text;
}

char *proc_output_tail(int fd, size_t max)
{
    size_t size = output_size(fd);
    return proc_output(fd, size > max ? size - max : 0, NULL);
}

/* Where the last lines of text start (a newline that ends text does not start a line). */
static const char *last_lines(const char *text, unsigned lines)
{
    const char *start = text + strlen(text);
    if (start > text && start[-1] == '\n')
        start--;
    while (start > text) {
        if (start[-1] == '\n' && lines-- <= 1)
            return start;
        start--;
    }
    return text;
}

/* Drops from text, in place, the whole lines that start with mark. */
static void drop_lines(char *text, const char *mark)
{
    size_t marklen = strlen(mark);
    char *to = text;
    for (const char *line = text; *line != '\0';) {
        size_t len = strcspn(line, "\n");
        len += line[len] == '\n';
        if (strncmp(line, mark, marklen) != 0) {
            memmove(to, line, len);
            to += len;
        }
        line += len;
    }
    *to = '\0';
}

char *proc_stderr_note(int stderr_fd, size_t max)
{
    static const char intro[] = "; its stderr ends:\n";
    char *tail = proc_output_tail(stderr_fd, max);
    drop_lines(tail, SUPERVISOR_MARK);
    const char *kept = last_lines(tail, PROC_NOTE_LINES);
    char *note = *kept != '\0' ? malloc(sizeof(intro) + strlen(kept)) : NULL;
    if (note == NULL)
        return tail;
    strcpy(note, intro);
    strcat(note, kept);
    free(tail);
    return note;
}
