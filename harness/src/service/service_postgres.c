/*
 * service_postgres.c - a PostgreSQL server of twice's own: initdb into a
 * private scratch directory, the server on its own port on 127.0.0.1 with
 * its socket in that directory, seeded with a table of items, stopped and
 * removed afterwards. It shares nothing with a PostgreSQL the machine may
 * already run.
 *
 * It is a benchmark's database, not a store of anything: fsync, synchronous
 * commit and full-page writes are off, so that the figures are the
 * database's CPU and locks, not the disk's flushes (a crash loses the data,
 * which is thrown away anyway); a scenario may turn the first two on, to
 * put the flush inside a hot row's lock. shared_buffers is small: the seeded table
 * fits many times over.
 *
 * Nothing of it outlives twice. The server is started with proc_spawn: its
 * own process group, watched by the watchdog, and a parent-death SIGKILL. Its
 * backends leave that group (each calls setsid()), but PostgreSQL's children
 * exit as soon as the server is gone, and the watchdog removes the directory
 * after killing the group; with settings->join they are all in a cgroup that
 * the caller's watchdog kills whole.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loopback_port.h"
#include "postgres_client.h"
#include "postgres_install.h"
#include "proc.h"
#include "remove_tree.h"
#include "service.h"
#include "watchdog.h"

#define INITDB_TIMEOUT_MS 120000
#define READY_TIMEOUT_MS 30000
#define STOP_GRACE_MS 10000
#define STDERR_TAIL 2048
/* PostgreSQL will not run as root. Run by root, it runs as nobody: an account that every
 * Debian system has and that owns no file, so the server can write its own directory and
 * nothing else of the machine. */
#define UNPRIVILEGED_USER "nobody"
#define MAX_ARGS 40

struct service {
    char dir[64];  /* the scratch directory: data/ and the server's socket */
    char data[80]; /* its data directory, DIR/data */
    pid_t pid;     /* the server, leader of its process group; -1 once stopped */
    int stderr_fd; /* what initdb and the server print */
    char conninfo[192];
};

/* A command line of one of the server's programs. As root, setpriv runs the program as the
 * unprivileged user. A change of user clears the parent-death signal that proc_spawn set, so
 * setpriv sets it again after the change, just before the program runs: the server still dies
 * with twice. */
typedef struct command {
    char *argv[MAX_ARGS];
    size_t argc;
    char reuid[32], regid[32], program[PATH_MAX + 16];
} command;

static void command_add(command *c, char *arg)
{
    if (c->argc + 1 < MAX_ARGS)
        c->argv[c->argc++] = arg;
    c->argv[c->argc] = NULL;
}

static void command_start(command *c, const struct passwd *user, const char *bindir,
                          const char *program)
{
    c->argc = 0;
    if (user != NULL) {
        snprintf(c->reuid, sizeof(c->reuid), "--reuid=%u", (unsigned)user->pw_uid);
        snprintf(c->regid, sizeof(c->regid), "--regid=%u", (unsigned)user->pw_gid);
        char *prefix[] = {"setpriv", c->reuid, c->regid, "--clear-groups", "--pdeathsig=KILL"};
        for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
            command_add(c, prefix[i]);
    }
    snprintf(c->program, sizeof(c->program), "%s/%s", bindir, program);
    command_add(c, c->program);
}

/* The user the server runs as: NULL for the caller itself, when it is not root. */
static int server_user(struct passwd **user, char *err, size_t errlen)
{
    *user = NULL;
    if (geteuid() != 0)
        return 0;
    *user = getpwnam(UNPRIVILEGED_USER);
    if (*user == NULL) {
        snprintf(err, errlen,
                 "PostgreSQL refuses to run as root, and there is no user '" UNPRIVILEGED_USER
                 "' to run it as");
        return -1;
    }
    return 0;
}

static void fail_with_output(service *svc, const char *what, int status, char *err, size_t errlen)
{
    char how[128];
    char *note = proc_stderr_note(svc->stderr_fd, STDERR_TAIL);
    snprintf(err, errlen, "%s %s%s", what, proc_describe_status(status, how, sizeof(how)), note);
    free(note);
}

static int run_initdb(service *svc, const char *bindir, const struct passwd *user,
                      const service_settings *settings, char *err, size_t errlen)
{
    command c;
    command_start(&c, user, bindir, "initdb");
    command_add(&c, "-D");
    command_add(&c, svc->data);
    for (size_t i = 0; postgres_initdb_options[i] != NULL; i++)
        command_add(&c, postgres_initdb_options[i]);
    pid_t pid =
        proc_spawn(c.argv, svc->stderr_fd, svc->stderr_fd, NULL, settings->join, err, errlen);
    if (pid < 0)
        return -1;
    int status;
    if (!proc_wait(pid, INITDB_TIMEOUT_MS, &status)) {
        proc_stop_group(pid, 0);
        snprintf(err, errlen, "initdb did not finish in %d s", INITDB_TIMEOUT_MS / 1000);
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail_with_output(svc, "initdb", status, err, errlen);
        return -1;
    }
    return 0;
}

static int run_server(service *svc, const char *bindir, const struct passwd *user,
                      const service_settings *settings, int port, char *err, size_t errlen)
{
    char port_text[16];
    snprintf(port_text, sizeof(port_text), "%d", port);
    command c;
    command_start(&c, user, bindir, "postgres");
    char *args[] = {"-D", svc->data, "-k", svc->dir, "-h", "127.0.0.1", "-p", port_text};
    for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
        command_add(&c, args[i]);
    char *setting_words[POSTGRES_SETTING_WORDS];
    size_t nsettings = 0;
    postgres_setting_text text;
    postgres_setting_words(settings, &text, setting_words, &nsettings);
    for (size_t i = 0; i < nsettings; i++)
        command_add(&c, setting_words[i]);
    svc->pid =
        proc_spawn(c.argv, svc->stderr_fd, svc->stderr_fd, NULL, settings->join, err, errlen);
    return svc->pid < 0 ? -1 : 0;
}

static int wait_ready(service *svc, char *err, size_t errlen)
{
    int status, exited;
    if (postgres_wait_ready(svc->conninfo, svc->pid, READY_TIMEOUT_MS, &status, &exited, err,
                            errlen) == 0)
        return 0;
    if (exited) {
        svc->pid = -1;
        fail_with_output(svc, "postgres", status, err, errlen);
        return -1;
    }
    char *note = proc_stderr_note(svc->stderr_fd, STDERR_TAIL);
    size_t used = strlen(err);
    snprintf(err + used, errlen - used, "%s", note);
    free(note);
    return -1;
}

static void postgres_stop(service *svc);

static service *postgres_start(const service_settings *settings, char *err, size_t errlen)
{
    char bindir[PATH_MAX];
    struct passwd *user;
    if (postgres_bindir(bindir, sizeof(bindir), err, errlen) != 0 ||
        server_user(&user, err, errlen) != 0)
        return NULL;
    service *svc = calloc(1, sizeof(*svc));
    if (svc == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    svc->pid = -1;
    svc->stderr_fd = -1;
    snprintf(svc->dir, sizeof(svc->dir), "/tmp/twice-postgres-XXXXXX");
    if (mkdtemp(svc->dir) == NULL) {
        snprintf(err, errlen, "cannot make a directory for postgres in /tmp: %s", strerror(errno));
        free(svc);
        return NULL;
    }
    snprintf(svc->data, sizeof(svc->data), "%s/data", svc->dir);
    /* Watched before anything is in it: a SIGKILL of twice from here on leaves no directory. */
    if (watchdog_watch_dir(svc->dir, err, errlen) != 0) {
        remove_tree(svc->dir);
        free(svc);
        return NULL;
    }
    int port = loopback_free_port();
    postgres_conninfo(svc->conninfo, sizeof(svc->conninfo), "127.0.0.1", port);
    if (user != NULL && chown(svc->dir, user->pw_uid, user->pw_gid) != 0) {
        snprintf(err, errlen, "cannot give %s to user %s: %s", svc->dir, user->pw_name,
                 strerror(errno));
    } else if (port < 0) {
        snprintf(err, errlen, "no free port on 127.0.0.1 for postgres");
    } else if ((svc->stderr_fd = proc_output_fd("postgres-stderr", err, errlen)) >= 0 &&
               run_initdb(svc, bindir, user, settings, err, errlen) == 0 &&
               run_server(svc, bindir, user, settings, port, err, errlen) == 0 &&
               wait_ready(svc, err, errlen) == 0) {
        return svc;
    }
    postgres_stop(svc);
    return NULL;
}

static int postgres_seed(service *svc, unsigned rows, char *err, size_t errlen)
{
    return postgres_seed_items(svc->conninfo, rows, err, errlen);
}

static const char *postgres_address(const service *svc)
{
    return svc->conninfo;
}

static long postgres_clients(const service *svc)
{
    return postgres_count_clients(svc->conninfo);
}

static pid_t postgres_pid(const service *svc)
{
    return svc->pid;
}

static void postgres_stop(service *svc)
{
    if (svc == NULL)
        return;
    if (svc->pid > 0) {
        /* SIGINT is PostgreSQL's fast shutdown: clients are cut off, not waited for. */
        int status;
        kill(svc->pid, SIGINT);
        if (!proc_wait(svc->pid, STOP_GRACE_MS, &status))
            proc_stop_group(svc->pid, 0);
    }
    remove_tree(svc->dir);
    watchdog_forget_dir(svc->dir);
    if (svc->stderr_fd >= 0)
        close(svc->stderr_fd);
    free(svc);
}

static int postgres_cap_applied(const service *svc, char *why, size_t whylen)
{
    (void)svc;
    (void)why;
    (void)whylen;
    return -1; /* the caller's cgroup, which the server joined */
}

const service_ops service_postgres = {
    .name = "postgres",
    .start = postgres_start,
    .seed = postgres_seed,
    .address = postgres_address,
    .clients = postgres_clients,
    .pid = postgres_pid,
    .cap_applied = postgres_cap_applied,
    .stop = postgres_stop,
};
