/*
 * deploy_ssh.c - servers on the inventory's server hosts, over ssh. Server
 * i runs on server host i (round-robin when the inventory lets hosts hold
 * several; their ports then differ). Each runs under the supervisor
 * (supervisor.h), whose stdin is a pipe twice holds through ssh: closing it
 * stops the server and everything in its group on the host, and so does
 * twice dying or the connection dropping. The ssh client's stdout and
 * stderr are the server's: twice-app's announcement of its port, and the
 * tail of its stderr for messages. A server is ready when it answers HTTP at
 * its host's address, from here, over the network the load will use. Its
 * supervisor says on stderr which pid (and so process group) the server has
 * on its host, and which cgroup caps it: that is what a sample reads there
 * (one command per host, remote_usage.h), and what twice-app's ask for its
 * count of requests is sent to, its answer coming back on the stdout.
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
#include "proc.h"
#include "readiness.h"
#include "remote_usage.h"
#include "ssh_host.h"
#include "supervisor.h"
#include "testbed_own.h"

#define READY_TIMEOUT_MS 15000
#define STOP_WAIT_MS 5000 /* the supervisor's grace and its cleanup */
#define PID_WAIT_MS 2000  /* for the supervisor's word of the server's pid, once it answers */
#define SAMPLE_TIMEOUT_MS 5000
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
    /* When the hosts are a test bed's on this machine: its cgroups, where a server without a
     * cgroup of its own has its host's read (testbed_own.h). */
    char **bed_cgroups;
    size_t nbed_cgroups;
};

static const inventory_host this_machine = {.destination = "local", .local = 1};

static void ssh_close(deploy_hosts *hosts)
{
    if (hosts == NULL)
        return;
    for (size_t i = 0; i < hosts->n; i++)
        ssh_host_close(&hosts->hosts[i]);
    free(hosts->hosts);
    testbed_own_free(hosts->bed_cgroups);
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
    hosts->bed_cgroups = testbed_own_cgroups(inv->path, &hosts->nbed_cgroups);
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
        if (d->stdout_fds[i] >= 0)
            close(d->stdout_fds[i]);
        d->stderr_fds[i] = d->stdout_fds[i] = -1;
        d->cgroups[i] = NULL;
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

/* Server i's pid and own cgroup on its host, from what its supervisor said (it says the pid as
 * it starts the server; the line may trail the answer by a moment). Left 0 and "" when it did
 * not say: a sample then says so. */
static void learn_where(deployment *d, unsigned i)
{
    for (int waited = 0; waited <= PID_WAIT_MS && !proc_interrupted; waited += 20) {
        char *text = proc_output(d->stderr_fds[i], 0, NULL);
        d->remote_groups[i] = text != NULL ? supervisor_server_pid(text) : 0;
        if (d->remote_groups[i] > 0 &&
            supervisor_cap_group(text, d->remote_cgroups[i], sizeof(d->remote_cgroups[i])))
            d->cgroups[i] = d->remote_cgroups[i];
        free(text);
        if (d->remote_groups[i] > 0)
            return;
        struct timespec pause = {0, 20000000};
        nanosleep(&pause, NULL);
    }
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
    learn_where(d, i);
    return spec->sc->cpu_cap > 0 ? note_cap(d, spec, i, err, errlen) : 0;
}

static int ssh_start(deployment *d, const deploy_spec *spec, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    d->deployer = &deployer_ssh;
    d->n = spec->n;
    d->run_hosts = spec->hosts;
    d->remote = 1;
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
        /* twice-app's stdout is kept: it answers there when asked for its count. */
        d->stdout_fds[i] = out;
        int rc = d->stderr_fds[i] >= 0 && (out >= 0 || spec->target->kind != SCENARIO_TARGET_APP)
                     ? start_one(d, spec, i, port_base, out, err, errlen)
                     : -1;
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
    int status, i = deployment_ended(d, &status);
    if (i < 0)
        return 0;
    describe_end(d, (unsigned)i, status, "during the run", err, errlen);
    return -1;
}

/* The servers of d on host h (those i with i % hosts == h), into which; their number. */
static size_t servers_on(const deployment *d, size_t h, unsigned *which)
{
    size_t n = 0;
    for (unsigned i = h; i < d->n; i += (unsigned)d->run_hosts->n)
        which[n++] = i;
    return n;
}

/* For a server without a cgroup of its own on a test bed's host, its host's cgroup, read here
 * (the host cannot: it has no cgroup file system), shared with the host's other processes. */
static void read_host_cgroup(const deploy_hosts *hosts, struct server_sample *s)
{
    char dir[sizeof(s->cgroup_dir)], why[200];
    const char *path = strchr(s->host_cgroup, ' ');
    if (path == NULL || !testbed_own_local_dir((const char *const *)hosts->bed_cgroups,
                                               hosts->nbed_cgroups, path + 1, dir, sizeof(dir)))
        return;
    if (cgroup_usage_sample(dir, &s->cgroup, why, sizeof(why)) != 0) {
        s->cgroup = (struct cgroup_usage){0};
        snprintf(s->note, sizeof(s->note), "its host's cgroup: %s", why);
        return;
    }
    s->cgroup_shared = 1;
    snprintf(s->cgroup_dir, sizeof(s->cgroup_dir), "%s", dir);
}

/* Host h's servers sampled there, into samples. */
static int sample_host(const deployment *d, size_t h, struct server_sample *samples, char *err,
                       size_t errlen)
{
    unsigned which[DEPLOY_MAX_SERVERS];
    pid_t groups[DEPLOY_MAX_SERVERS];
    const char *cgroups[DEPLOY_MAX_SERVERS];
    char group_text[DEPLOY_MAX_SERVERS][24];
    const char *words[REMOTE_USAGE_WORDS(DEPLOY_MAX_SERVERS)];
    char name[400], parse_err[256], *out;
    size_t n = servers_on(d, h, which);
    for (size_t k = 0; k < n; k++) {
        groups[k] = d->remote_groups[which[k]];
        cgroups[k] = d->cgroups[which[k]];
        if (groups[k] <= 0) {
            snprintf(err, errlen, "%s: its supervisor did not say the server's pid",
                     server_name(d, which[k], name, sizeof(name)));
            return -1;
        }
    }
    remote_usage_words(words, groups, cgroups, n, group_text);
    if (ssh_host_run_output(&d->run_hosts->hosts[h], words, SAMPLE_TIMEOUT_MS,
                            "sampling the servers' usage", &out, err, errlen) != 0)
        return -1;
    struct server_sample *got = calloc(n + 1, sizeof(*got));
    int rc = -1;
    if (got == NULL)
        snprintf(parse_err, sizeof(parse_err), "out of memory");
    else
        rc = remote_usage_parse(out, strlen(out), groups, n, got, parse_err, sizeof(parse_err));
    free(out);
    if (rc != 0) {
        snprintf(err, errlen, "host %s: the servers' usage: %s",
                 d->run_hosts->hosts[h].host->destination, parse_err);
        free(got);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        if (got[k].cgroup.version != 0)
            snprintf(got[k].cgroup_dir, sizeof(got[k].cgroup_dir), "%s", cgroups[k]);
        else if (cgroups[k] == NULL)
            read_host_cgroup(d->run_hosts, &got[k]);
        samples[which[k]] = got[k];
    }
    free(got);
    return 0;
}

static int ssh_sample(const deployment *d, struct server_sample *samples, char *err, size_t errlen)
{
    for (size_t h = 0; h < d->run_hosts->n && h < d->n; h++) {
        if (sample_host(d, h, samples, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* One kill on each host for its servers that are asked: the master, the group's leader,
 * alone answers. */
static void ssh_ask_served(const deployment *d, int *asked, char *why, size_t whylen)
{
    for (size_t h = 0; h < d->run_hosts->n && h < d->n; h++) {
        unsigned which[DEPLOY_MAX_SERVERS];
        char pid_text[DEPLOY_MAX_SERVERS][24];
        const char *words[DEPLOY_MAX_SERVERS + 5] = {"kill", "-s", "USR1", "--"};
        size_t n = servers_on(d, h, which), nwords = 4;
        for (size_t k = 0; k < n; k++) {
            unsigned i = which[k];
            if (asked[i] && d->remote_groups[i] <= 0) {
                asked[i] = 0;
                if (why[0] == '\0')
                    snprintf(why, whylen, "server %u: its supervisor did not say its pid", i + 1);
            }
            if (!asked[i])
                continue;
            snprintf(pid_text[k], sizeof(pid_text[k]), "%d", (int)d->remote_groups[i]);
            words[nwords++] = pid_text[k];
        }
        words[nwords] = NULL;
        char *out, failed[600];
        if (nwords == 4 || ssh_host_run_output(&d->run_hosts->hosts[h], words, SAMPLE_TIMEOUT_MS,
                                               "kill -s USR1", &out, failed, sizeof(failed)) == 0) {
            if (nwords > 4)
                free(out);
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            if (asked[which[k]] && why[0] == '\0')
                snprintf(why, whylen, "server %u could not be asked for its requests: %s",
                         which[k] + 1, failed);
            asked[which[k]] = 0;
        }
    }
}

const deployer deployer_ssh = {"ssh",     ssh_open, ssh_close,  ssh_start,
                               ssh_check, ssh_stop, ssh_sample, ssh_ask_served};
