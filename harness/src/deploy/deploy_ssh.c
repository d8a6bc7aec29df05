/*
 * deploy_ssh.c - servers on the inventory's server hosts, over ssh. Server
 * i runs on server host i (round-robin when the inventory lets hosts hold
 * several; their ports then differ). Each runs under the supervisor
 * (supervisor.h), whose stdin is a pipe twice holds through ssh: closing it
 * stops the server and everything in its group on the host, and so does
 * twice dying or the connection dropping. The ssh client's stdout and
 * stderr are the server's: twice-app's announcement of its port, and the
 * tail of its stderr for messages. A server is ready when it answers HTTP at
 * its host's address, from here, over the network the load will use.
 *
 * Before the run, open reaches every host (one master connection each, kept
 * for the run) and checks that it runs the same twice-app as here (or has
 * the scenario's command).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_words.h"
#include "command_template.h"
#include "deploy.h"
#include "lost_workers.h"
#include "proc.h"
#include "readiness.h"
#include "ssh_host.h"
#include "supervisor.h"

#define READY_TIMEOUT_MS 15000
#define STOP_WAIT_MS 5000 /* the supervisor's grace and its cleanup */
#define TAIL 600
#define MAX_WORDS 24
#define LISTEN_SIZE 48 /* HOST:PORT */
/* A command's port, where no free one can be asked for: a range the kernel does not hand out
 * as ephemeral ports by default, a base drawn per step, one port per server. */
#define COMMAND_PORT_BASE 20000
#define COMMAND_PORT_SPREAD 10000

struct deploy_hosts {
    const inventory *inv;
    ssh_host *hosts; /* one per server host, opened */
    size_t n;
    const char *app; /* the twice-app to run on the hosts */
};

static const inventory_host this_machine = {.destination = "local", .local = 1};

static void ssh_close(deploy_hosts *hosts)
{
    if (hosts == NULL)
        return;
    for (size_t i = 0; i < hosts->n; i++)
        ssh_host_close(&hosts->hosts[i]);
    free(hosts->hosts);
    free(hosts);
}

/* Target t's program on host h: twice-app of the same version as here, or the command's first
 * word. */
static int check_program(deploy_hosts *hosts, ssh_host *h, const scenario_target *t,
                         const char *local_version, char *err, size_t errlen)
{
    char line[256], what[PATH_MAX + 64];
    if (t->kind != SCENARIO_TARGET_APP) {
        char program[256];
        snprintf(program, sizeof(program), "%.*s", (int)strcspn(t->command, " \t"), t->command);
        snprintf(what, sizeof(what), "target %s's command", t->label);
        return ssh_host_check_program(h, program, what, err, errlen);
    }
    const char *const words[] = {hosts->app, "--version", NULL};
    snprintf(what, sizeof(what), "cannot run %s --version: it", hosts->app);
    if (ssh_host_run_line(h, words, what, line, sizeof(line), err, errlen) != 0)
        return -1;
    if (strcmp(line, local_version) != 0) {
        snprintf(err, errlen,
                 "host %s: %s is \"%s\" there but \"%s\" here: deploy the same build to every "
                 "host (the inventory's \"app\" says where it is on them)",
                 h->host->destination, hosts->app, line, local_version);
        return -1;
    }
    return 0;
}

/* 1 when some target of sc is twice-app. */
static int has_app_target(const scenario *sc)
{
    for (size_t t = 0; t < sc->ntargets; t++) {
        if (sc->targets[t].kind == SCENARIO_TARGET_APP)
            return 1;
    }
    return 0;
}

/* Every target's program on host h (twice-app's version checked once). */
static int check_programs(deploy_hosts *hosts, ssh_host *h, const scenario *sc,
                          const char *local_version, char *err, size_t errlen)
{
    int app_checked = 0;
    for (size_t t = 0; t < sc->ntargets; t++) {
        int app = sc->targets[t].kind == SCENARIO_TARGET_APP;
        if (app && app_checked)
            continue;
        app_checked |= app;
        if (check_program(hosts, h, &sc->targets[t], local_version, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static int ssh_open(deploy_hosts **out, const inventory *inv, const scenario *sc,
                    const char *app_path, char *err, size_t errlen)
{
    *out = NULL;
    if (sc->front->servers_share_port) {
        snprintf(err, errlen,
                 "%s: the reuseport front shares one port on one machine; servers on other "
                 "hosts need \"front\": \"direct\"",
                 sc->path);
        return -1;
    }
    deploy_hosts *hosts = calloc(1, sizeof(*hosts));
    if (hosts == NULL || (hosts->hosts = calloc(inv->nservers, sizeof(ssh_host))) == NULL) {
        free(hosts);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    hosts->inv = inv;
    hosts->app = inv->app != NULL ? inv->app : app_path;
    char local_version[256] = "";
    if (has_app_target(sc)) {
        ssh_host here = {.inv = inv, .host = &this_machine, .master_err = -1};
        const char *const words[] = {app_path, "--version", NULL};
        char what[PATH_MAX + 64];
        snprintf(what, sizeof(what), "cannot run %s --version: it", app_path);
        if (ssh_host_run_line(&here, words, what, local_version, sizeof(local_version), err,
                              errlen) != 0) {
            ssh_close(hosts);
            return -1;
        }
    }
    for (size_t i = 0; i < inv->nservers; i++) {
        if (ssh_host_open(&hosts->hosts[i], inv, &inv->servers[i], err, errlen) != 0) {
            ssh_close(hosts);
            return -1;
        }
        hosts->n++;
        if (check_programs(hosts, &hosts->hosts[i], sc, local_version, err, errlen) != 0) {
            ssh_close(hosts);
            return -1;
        }
    }
    *out = hosts;
    return 0;
}

static void ssh_stop(deployment *d)
{
    /* Every supervisor at once: each sees its stdin close and stops its server. */
    for (unsigned i = 0; i < d->n; i++) {
        if (d->stdin_fds[i] >= 0)
            close(d->stdin_fds[i]);
        d->stdin_fds[i] = -1;
    }
    for (unsigned i = 0; i < d->n; i++) {
        int status;
        if (d->pids[i] > 0 && !proc_wait(d->pids[i], STOP_WAIT_MS, &status))
            proc_stop_group(d->pids[i], 1000);
        d->pids[i] = 0;
        if (d->stderr_fds[i] >= 0)
            close(d->stderr_fds[i]);
        d->stderr_fds[i] = -1;
    }
}

/* "server 2 of 4 on host root@10.0.0.3" into buf. */
static const char *server_name(const deployment *d, unsigned i, char *buf, size_t len)
{
    const deploy_hosts *hosts = d->run_hosts;
    snprintf(buf, len, "server %u of %u on host %s", i + 1, d->n,
             hosts->hosts[i % hosts->n].host->destination);
    return buf;
}

/* How the ssh client of server i ended, for a message: ssh exits with the remote command's
 * status, or with 255 when the connection failed. */
static void describe_end(const deployment *d, unsigned i, int status, const char *when, char *err,
                         size_t errlen)
{
    char name[400], how[64], *tail = proc_stderr_note(d->stderr_fds[i], TAIL);
    server_name(d, i, name, sizeof(name));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 255)
        snprintf(err, errlen, "%s: its ssh connection failed or was lost %s%s", name, when, tail);
    else
        snprintf(err, errlen, "%s %s %s%s", name, proc_describe_status(status, how, sizeof(how)),
                 when, tail);
    free(tail);
}

/* Waits until server i answers at its host's address; -1 with err when it ends first, stays
 * silent or twice is interrupted. */
static int wait_ready(deployment *d, const deploy_spec *spec, unsigned i, int out, char *err,
                      size_t errlen)
{
    char name[400];
    for (int waited = 0; waited < READY_TIMEOUT_MS && !proc_interrupted; waited += 50) {
        int status;
        if (proc_wait(d->pids[i], 0, &status)) {
            describe_end(d, i, status, "before it was ready", err, errlen);
            d->pids[i] = 0;
            return -1;
        }
        if (spec->target->kind == SCENARIO_TARGET_APP && d->ports[i] == 0)
            d->ports[i] = readiness_announced_port(out);
        if (d->ports[i] != 0 && readiness_answers(d->hosts[i], d->ports[i], spec->sc->route))
            return 0;
        struct timespec pause = {0, 50000000};
        nanosleep(&pause, NULL);
    }
    server_name(d, i, name, sizeof(name));
    if (proc_interrupted) {
        snprintf(err, errlen, "while %s was starting", name);
        return -1;
    }
    char *tail = proc_stderr_note(d->stderr_fds[i], TAIL);
    snprintf(err, errlen, "timeout: %s did not answer at %s:%d within %d ms%s", name, d->hosts[i],
             d->ports[i], READY_TIMEOUT_MS, tail);
    free(tail);
    return -1;
}

/* Whether server i's CPU cap applied, from what its supervisor said; -1 with err when it did
 * not and the run may not go without. */
static int note_cap(deployment *d, const deploy_spec *spec, unsigned i, char *err, size_t errlen)
{
    char why[160], name[400];
    char *text = proc_output(d->stderr_fds[i], 0, NULL);
    int applied = supervisor_cap_note(text, why, sizeof(why));
    free(text);
    if (applied == 1) {
        snprintf(d->cap_notes[i], sizeof(d->cap_notes[i]), "applied");
        return 0;
    }
    snprintf(d->cap_notes[i], sizeof(d->cap_notes[i]), "not applied: %s",
             applied == 0 ? why : "the supervisor said nothing of it");
    if (spec->allow_uncapped)
        return 0;
    snprintf(err, errlen, "%s: CPU cap %s (--allow-uncapped runs without)",
             server_name(d, i, name, sizeof(name)), d->cap_notes[i]);
    return -1;
}

/* The server's own command line, before the supervisor's words: twice-app is told of the
 * database with --db, a command with {db}. A command runs in its target's folder: the hosts
 * see the same paths as here. */
static char *server_words(const deploy_spec *spec, const deploy_hosts *hosts, const char *listen,
                          int port, const char **words, app_word_bufs *bufs, char *listen_any)
{
    const scenario_target *t = spec->target;
    if (t->kind != SCENARIO_TARGET_APP)
        return command_template_words(t, listen, port, spec->db, words);
    /* twice-app picks a free port and says which on its stdout. */
    snprintf(listen_any, LISTEN_SIZE, "%s:0", listen);
    app_words(t, hosts->app, listen_any, spec->db, bufs, words);
    return NULL;
}

static int start_one(deployment *d, const deploy_spec *spec, unsigned i, int port_base, int out,
                     char *err, size_t errlen)
{
    ssh_host *h = &spec->hosts->hosts[i % spec->hosts->n];
    struct in_addr v4;
    /* Listen on the address the load is sent to when there is one; a host named by its DNS
     * name listens on all its addresses. */
    const char *listen = inet_pton(AF_INET, h->host->host, &v4) == 1 ? h->host->host : "0.0.0.0";
    const char *command[APP_WORDS], *words[MAX_WORDS];
    app_word_bufs bufs;
    char listen_any[LISTEN_SIZE], quota[32];
    int port = spec->target->kind == SCENARIO_TARGET_APP ? 0 : port_base + (int)i;
    char *expanded = server_words(spec, spec->hosts, listen, port, command, &bufs, listen_any);
    if (spec->target->kind != SCENARIO_TARGET_APP && expanded == NULL) {
        snprintf(err, errlen, "cannot start server %u: out of memory", i + 1);
        return -1;
    }
    supervisor_words(words, MAX_WORDS, spec->sc->cpu_cap, quota, sizeof(quota), command);
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start server %u: pipe: %s", i + 1, strerror(errno));
        free(expanded);
        return -1;
    }
    d->ports[i] = port;
    d->pids[i] = ssh_host_spawn(h, words, pipe_fds[0], out, d->stderr_fds[i], err, errlen);
    close(pipe_fds[0]);
    d->stdin_fds[i] = pipe_fds[1];
    free(expanded);
    if (d->pids[i] < 0) {
        d->pids[i] = 0;
        return -1;
    }
    if (wait_ready(d, spec, i, out, err, errlen) != 0)
        return -1;
    return spec->sc->cpu_cap > 0 ? note_cap(d, spec, i, err, errlen) : 0;
}

static int ssh_start(deployment *d, const deploy_spec *spec, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    d->n = spec->n;
    d->run_hosts = spec->hosts;
    d->remote = 1;
    /* No stdout is kept: a server on another host is not asked for its requests (its
     * supervisor would have to pass the ask on), so its count stays unknown. */
    for (unsigned i = 0; i < DEPLOY_MAX_SERVERS; i++)
        d->stderr_fds[i] = d->stdout_fds[i] = d->stdin_fds[i] = -1;
    if (inventory_check_servers(spec->hosts->inv, spec->n, err, errlen) != 0)
        return -1;
    unsigned draw = 0;
    if (getrandom(&draw, sizeof(draw), 0) != (ssize_t)sizeof(draw))
        draw = (unsigned)time(NULL);
    int port_base = COMMAND_PORT_BASE + (int)(draw % COMMAND_PORT_SPREAD);
    int capped = spec->sc->cpu_cap > 0;
    for (unsigned i = 0; i < d->n; i++) {
        d->hosts[i] = spec->hosts->hosts[i % spec->hosts->n].host->host;
        int out = spec->target->kind == SCENARIO_TARGET_APP
                      ? proc_output_fd("twice-server-out", err, errlen)
                      : -1;
        d->stderr_fds[i] = proc_output_fd("twice-server-err", err, errlen);
        int rc = d->stderr_fds[i] >= 0 && (out >= 0 || spec->target->kind != SCENARIO_TARGET_APP)
                     ? start_one(d, spec, i, port_base, out, err, errlen)
                     : -1;
        if (out >= 0)
            close(out);
        if (rc != 0) {
            ssh_stop(d);
            return -1;
        }
        capped = capped && strcmp(d->cap_notes[i], "applied") == 0;
    }
    d->caps_applied = capped;
    return 0;
}

static int ssh_check(deployment *d, char *err, size_t errlen)
{
    for (unsigned i = 0; i < d->n; i++) {
        int status;
        if (d->stderr_fds[i] >= 0)
            lost_workers_count(d, i);
        if (d->pids[i] > 0 && proc_wait(d->pids[i], 0, &status)) {
            describe_end(d, i, status, "during the run", err, errlen);
            d->pids[i] = 0;
            return -1;
        }
    }
    return 0;
}

const deployer deployer_ssh = {"ssh", ssh_open, ssh_close, ssh_start, ssh_check, ssh_stop};
