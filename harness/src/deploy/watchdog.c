/*
 * watchdog.c - see watchdog.h. Twice and its watchdog share a SOCK_SEQPACKET
 * socket pair, so each message arrives whole ("+g PGID", "-g PGID",
 * "+c DIR", "-c DIR" for cgroups, "+d DIR", "-d DIR" for folders) and the
 * watchdog learns of twice's death, however it died, as the end of the
 * stream. The watchdog is a child of twice that asks for no death signal:
 * it is the one process meant to outlive twice, briefly. It sits in a
 * process group of its own and ignores the terminal's signals, so that a
 * Ctrl-C or a signal to twice's group reaches twice (which then stops
 * everything itself) and not the watchdog.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpucap.h"
#include "remove_tree.h"
#include "watchdog.h"

#define MESSAGE_MAX 4096

static int channel = -1; /* twice's end of the pair; -1 until the watchdog runs */
static pid_t watchdog;   /* its pid, once started */

/* Paths the watchdog removes, in the order it was told of them. */
typedef struct path_list {
    char **items;
    size_t n;
} path_list;

/* What the watchdog was told to clean up. */
typedef struct watch_list {
    pid_t *groups;
    size_t ngroups;
    path_list cgroups; /* removed last first: children before parents */
    path_list dirs;    /* folders twice made (HAProxy's configuration and socket) */
} watch_list;

static void add_group(watch_list *w, pid_t pgid)
{
    if (pgid <= 0)
        return; /* killpg would reach the watchdog's own group, or none */
    pid_t *grown = realloc(w->groups, (w->ngroups + 1) * sizeof(*grown));
    if (grown != NULL) {
        w->groups = grown;
        w->groups[w->ngroups++] = pgid;
    }
}

static void drop_group(watch_list *w, pid_t pgid)
{
    for (size_t i = 0; i < w->ngroups; i++) {
        if (w->groups[i] == pgid) {
            w->groups[i] = w->groups[--w->ngroups];
            return;
        }
    }
}

static void add_path(path_list *l, const char *path)
{
    char **grown = realloc(l->items, (l->n + 1) * sizeof(*grown));
    char *copy = strdup(path);
    if (grown != NULL)
        l->items = grown;
    if (grown != NULL && copy != NULL)
        l->items[l->n++] = copy;
    else
        free(copy);
}

/* Order matters for cgroups (children before parents), so the rest moves up. */
static void drop_path(path_list *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->items[i], path) == 0) {
            free(l->items[i]);
            memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(*l->items));
            l->n--;
            return;
        }
    }
}

static void apply(watch_list *w, const char *message)
{
    const char *arg = message + 3;
    if (strlen(message) < 4 || message[2] != ' ')
        return;
    if (strncmp(message, "+g", 2) == 0)
        add_group(w, (pid_t)atoi(arg));
    else if (strncmp(message, "-g", 2) == 0)
        drop_group(w, (pid_t)atoi(arg));
    else if (strncmp(message, "+c", 2) == 0)
        add_path(&w->cgroups, arg);
    else if (strncmp(message, "-c", 2) == 0)
        drop_path(&w->cgroups, arg);
    else if (strncmp(message, "+d", 2) == 0)
        add_path(&w->dirs, arg);
    else if (strncmp(message, "-d", 2) == 0)
        drop_path(&w->dirs, arg);
}

/* The watchdog's life: note what twice says until twice is gone, then clean up. */
static void __attribute__((noreturn)) watch(int sock)
{
    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_NAME, "twice-watchdog");
    /* Holding none of twice's descriptors: a pipe twice writes to (its stdout read by a
     * script) must close when twice exits, not when the watchdog does. The socket moves out
     * of the way of 0-2 first (twice may have been started with one of them closed). */
    if (sock < 3)
        sock = fcntl(sock, F_DUPFD, 3);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    close_range(3, (unsigned)sock - 1, 0);
    close_range((unsigned)sock + 1, ~0U, 0);

    watch_list w = {0};
    char message[MESSAGE_MAX + 1];
    for (;;) {
        ssize_t n = recv(sock, message, MESSAGE_MAX, 0);
        if (n > 0) {
            message[n] = '\0';
            apply(&w, message);
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    for (size_t i = 0; i < w.ngroups; i++)
        killpg(w.groups[i], SIGKILL);
    for (size_t i = w.cgroups.n; i-- > 0;)
        cpucap_remove_group(w.cgroups.items[i]);
    /* After the kills: nothing of twice's is left to write into these folders. */
    for (size_t i = w.dirs.n; i-- > 0;)
        remove_tree(w.dirs.items[i]);
    _exit(0);
}

/* When twice exits normally, everything it watched is already stopped: the watchdog finds
 * nothing to do, and twice reaps it rather than leave that to whoever adopts it. */
static void reap_watchdog(void)
{
    close(channel);
    channel = -1;
    waitpid(watchdog, NULL, 0);
}

static int start(char *err, size_t errlen)
{
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        snprintf(err, errlen, "cannot start the watchdog: socketpair: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(pair[0]);
        watch(pair[1]);
    }
    close(pair[1]);
    if (pid < 0) {
        snprintf(err, errlen, "cannot start the watchdog: fork: %s", strerror(errno));
        close(pair[0]);
        return -1;
    }
    channel = pair[0];
    watchdog = pid;
    atexit(reap_watchdog);
    return 0;
}

static int tell(const char *message, char *err, size_t errlen)
{
    if (channel < 0 && start(err, errlen) != 0)
        return -1;
    if (send(channel, message, strlen(message), MSG_NOSIGNAL) < 0) {
        snprintf(err, errlen, "the watchdog is gone (%s): nothing more can be started safely",
                 strerror(errno));
        return -1;
    }
    return 0;
}

int watchdog_watch_group(pid_t pgid, char *err, size_t errlen)
{
    char message[32];
    snprintf(message, sizeof(message), "+g %d", (int)pgid);
    return tell(message, err, errlen);
}

void watchdog_forget_group(pid_t pgid)
{
    char message[32], ignored[128];
    snprintf(message, sizeof(message), "-g %d", (int)pgid);
    if (channel >= 0)
        tell(message, ignored, sizeof(ignored));
}

/* "+c DIR" and the like: 0, or -1 with err (the path does not fit a message). */
static int tell_path(const char *what, const char *path, char *err, size_t errlen)
{
    char message[MESSAGE_MAX];
    if (snprintf(message, sizeof(message), "%s %s", what, path) >= (int)sizeof(message)) {
        snprintf(err, errlen, "path too long for the watchdog: %s", path);
        return -1;
    }
    return tell(message, err, errlen);
}

/* A path that twice removed itself: nothing to report if the watchdog never ran. */
static void forget_path(const char *what, const char *path)
{
    char ignored[128];
    if (channel >= 0)
        tell_path(what, path, ignored, sizeof(ignored));
}

int watchdog_watch_cgroup(const char *dir, char *err, size_t errlen)
{
    return tell_path("+c", dir, err, errlen);
}

void watchdog_forget_cgroup(const char *dir)
{
    forget_path("-c", dir);
}

int watchdog_watch_dir(const char *dir, char *err, size_t errlen)
{
    return tell_path("+d", dir, err, errlen);
}

void watchdog_forget_dir(const char *dir)
{
    forget_path("-d", dir);
}
