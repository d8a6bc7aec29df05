/*
 * deploy_local.c - servers on this machine, on loopback. twice-app says
 * when it listens, and on which port; any other command is probed with
 * HTTP until it answers (on a shared port, until it listens there itself).
 * Each server lives in a process group of its own (see proc.c), so that
 * stopping it stops its workers too, and dies with twice. Its stderr goes to
 * an anonymous file that twice reads for error messages and for the lines in
 * which twice-app's master says it replaced a worker that died: a step in
 * which a server lost workers did not measure what it set out to. twice-app's
 * stdout is kept for as long as it runs: it answers there when asked how many
 * requests it served (served_count.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_words.h"
#include "bind_hint.h"
#include "command_template.h"
#include "cpucap.h"
#include "deploy.h"
#include "listening.h"
#include "loopback_port.h"
#include "proc.h"
#include "readiness.h"

#define READY_TIMEOUT_MS 10000

static pid_t start_one(deployment *d, const deploy_spec *spec, unsigned i, int out,
                       const char *join, char *err, size_t errlen)
{
    const scenario_target *t = spec->target;
    char listen[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", d->ports[i]);
    if (t->kind == SCENARIO_TARGET_APP) {
        const char *argv[APP_WORDS];
        app_word_bufs bufs;
        app_words(t, spec->app_path, listen, spec->db, &bufs, argv);
        return proc_spawn((char *const *)argv, out, d->stderr_fds[i], NULL, join, err, errlen);
    }
    /* A command is told of the database twice over: {db} in its command line, and TWICE_DB in
     * its environment (what the Flask app reads). */
    char db_env[512];
    snprintf(db_env, sizeof(db_env), "TWICE_DB=%s", spec->db != NULL ? spec->db : "");
    char *env[] = {spec->db != NULL ? db_env : NULL, NULL};
    const char *argv[COMMAND_TEMPLATE_WORDS];
    char *command = command_template_words(t, "127.0.0.1", d->ports[i], spec->db, argv);
    if (command == NULL) {
        snprintf(err, errlen, "cannot start server %u: out of memory", i + 1);
        return -1;
    }
    pid_t pid = proc_spawn((char *const *)argv, -1, d->stderr_fds[i], env, join, err, errlen);
    free(command);
    return pid;
}

/* The end of a message about server i, which failed: when its stderr says its port was in
 * use under the reuseport front, what to change; then the last lines of its stderr
 * (malloc'd). */
static char *failure_note(const deployment *d, unsigned i)
{
    char *note = proc_stderr_note(d->stderr_fds[i], PROC_NOTE_BYTES), *advised;
    if (!d->shared_port || !bind_hint_address_in_use(note) ||
        asprintf(&advised, ": %s%s", bind_hint_reuseport(), note) < 0)
        return note;
    free(note);
    return advised;
}

/* Waits until server i answers (on a shared port, once there are more sockets listening on it
 * than listeners_before); -1 with err when it dies, stays silent or twice is interrupted
 * meanwhile. */
static int wait_ready(deployment *d, const deploy_spec *spec, unsigned i, int out,
                      unsigned listeners_before, char *err, size_t errlen)
{
    for (int waited = 0; waited < READY_TIMEOUT_MS && !proc_interrupted; waited += 20) {
        int status;
        if (proc_wait(d->pids[i], 0, &status)) {
            char how[64], *tail = failure_note(d, i);
            snprintf(err, errlen, "server %u of %u %s before it was ready%s", i + 1, d->n,
                     proc_describe_status(status, how, sizeof(how)), tail);
            free(tail);
            d->pids[i] = 0;
            return -1;
        }
        if (spec->target->kind == SCENARIO_TARGET_APP) {
            int port = readiness_announced_port(out);
            if (port > 0) {
                d->ports[i] = port;
                return 0;
            }
        } else if (readiness_answers("127.0.0.1", d->ports[i], spec->sc->route) &&
                   (!d->shared_port || listening_sockets(d->ports[i]) > listeners_before)) {
            /* On a shared port an earlier server answers too: this one must listen itself. */
            return 0;
        }
        struct timespec pause = {0, 20000000};
        nanosleep(&pause, NULL);
    }
    if (proc_interrupted) {
        snprintf(err, errlen, "while server %u of %u was starting", i + 1, d->n);
        return -1;
    }
    char *tail = failure_note(d, i);
    snprintf(err, errlen, "timeout: server %u of %u did not answer on port %d within %d ms%s",
             i + 1, d->n, d->ports[i], READY_TIMEOUT_MS, tail);
    free(tail);
    return -1;
}

static void local_stop(deployment *d)
{
    for (unsigned i = 0; i < d->n; i++) {
        proc_stop_group(d->pids[i], 5000);
        d->pids[i] = 0;
        if (d->stderr_fds[i] >= 0)
            close(d->stderr_fds[i]);
        if (d->stdout_fds[i] >= 0)
            close(d->stdout_fds[i]);
        d->stderr_fds[i] = d->stdout_fds[i] = -1;
        d->cgroups[i] = NULL;
    }
    cpucap_release();
}

static int local_start(deployment *d, const deploy_spec *spec, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    d->deployer = &deployer_local;
    d->n = spec->n;
    for (unsigned i = 0; i < d->n; i++) {
        d->stderr_fds[i] = d->stdout_fds[i] = d->stdin_fds[i] = -1;
        d->hosts[i] = "127.0.0.1";
    }
    int shared_port = spec->shared_port;
    d->shared_port = shared_port;
    /* twice-app binds port 0 and says which port it got: no window in which another program
     * could take a port chosen for it (SO_REUSEPORT would let them share it, silently). With
     * a shared port (the reuseport front) the others then bind the first one's port. Any other
     * command needs its port chosen for it. */
    int app = spec->target->kind == SCENARIO_TARGET_APP;
    int shared = shared_port && !app ? loopback_free_port() : 0;
    /* Each server gets a cgroup where this machine lets twice make one (root, or a delegated
     * cgroup): capped when the scenario says so, and in any case a hold on all the server
     * starts, even what leaves its process group, for the watchdog to kill. Without one a
     * cap is an error (unless allowed), and process groups are all the watchdog has. */
    int capped = spec->sc->cpu_cap > 0;
    int grouped = cpucap_prepare(spec->n, spec->sc->cpu_cap, err, errlen) == 0;
    if (!grouped && capped && !spec->allow_uncapped)
        return -1;
    capped = capped && grouped;
    for (unsigned i = 0; i < d->n; i++) {
        /* twice-app announces its port on stdout; other commands' stdout is not read. */
        int out = d->stdout_fds[i] = app ? proc_output_fd("twice-server-out", err, errlen) : -1;
        d->stderr_fds[i] = proc_output_fd("twice-server-err", err, errlen);
        d->ports[i] = shared != 0 ? shared : app ? 0 : loopback_free_port();
        int rc = -1;
        unsigned listeners = shared != 0 ? listening_sockets(shared) : 0;
        if (d->stderr_fds[i] >= 0 && (out >= 0 || !app)) {
            d->cgroups[i] = grouped ? cpucap_group_dir(i) : NULL;
            d->pids[i] =
                start_one(d, spec, i, out, grouped ? cpucap_procs_file(i) : NULL, err, errlen);
            rc = d->pids[i] > 0 ? wait_ready(d, spec, i, out, listeners, err, errlen) : -1;
        }
        if (rc == 0 && shared_port && i == 0)
            shared = d->ports[0];
        if (rc != 0) {
            local_stop(d);
            return -1;
        }
    }
    d->caps_applied = capped;
    return 0;
}

static int local_check(deployment *d, char *err, size_t errlen)
{
    int status, i = deployment_ended(d, &status);
    if (i < 0)
        return 0;
    char how[64], *tail = failure_note(d, (unsigned)i);
    snprintf(err, errlen, "server %d of %u %s during the run%s", i + 1, d->n,
             proc_describe_status(status, how, sizeof(how)), tail);
    free(tail);
    return -1;
}

/* Nothing to reach or check before the run: this machine runs what the scenario names, and a
 * server that cannot start says so when it is started. */
static int local_open(deploy_hosts **hosts, const inventory *inv, const scenario *sc,
                      const char *app_path, char *err, size_t errlen)
{
    (void)inv, (void)sc, (void)app_path, (void)err, (void)errlen;
    *hosts = NULL;
    return 0;
}

static void local_close(deploy_hosts *hosts)
{
    (void)hosts;
}

/* Each server's process group and cgroup, read here. */
static int local_sample(const deployment *d, struct server_sample *samples, char *err,
                        size_t errlen)
{
    return server_sample_local_all(d->pids, d->cgroups, d->n, samples, err, errlen);
}

/* The master alone answers; its workers ignore the signal. */
static void local_ask_served(const deployment *d, int *asked, char *why, size_t whylen)
{
    for (unsigned i = 0; i < d->n; i++) {
        if (asked[i] && kill(d->pids[i], SIGUSR1) != 0) {
            asked[i] = 0;
            if (why[0] == '\0')
                snprintf(why, whylen, "server %u could not be asked for its requests: %s", i + 1,
                         strerror(errno));
        }
    }
}

const deployer deployer_local = {"local",     local_open, local_close,  local_start,
                                 local_check, local_stop, local_sample, local_ask_served};
