/*
 * deploy_local.c - servers on this machine, on loopback. twice-app says
 * when it listens, and on which port; any other command is probed with
 * HTTP until it answers.
 * Each server lives in a process group of its own (see proc.c), so that
 * stopping it stops its workers too, and dies with twice. Its stderr goes to
 * an anonymous file that twice reads for error messages and for the lines in
 * which twice-app's master says it replaced a worker that died: a step in
 * which a server lost workers did not measure what it set out to.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpucap.h"
#include "deploy.h"
#include "loopback_port.h"
#include "proc.h"

#define READY_TIMEOUT_MS 10000

/* 1 when an HTTP GET of route on port gets a status line back. */
static int answers(int port, const char *route)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char *request = NULL, reply[16] = "";
    int ok = 0, len = -1;
    /* Sized to the route: a request cut short would probe another path, or none. */
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
        len = asprintf(&request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                       route);
    if (len > 0) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ok = write(fd, request, (size_t)len) == len && poll(&pfd, 1, 2000) == 1 &&
             read(fd, reply, sizeof(reply) - 1) > 5 && strncmp(reply, "HTTP/", 5) == 0;
        free(request);
    }
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The port twice-app announced on out ("listening on 127.0.0.1:PORT"), or 0 before it did. */
static int announced_port(int out)
{
    char *text = proc_output_tail(out, 4096);
    const char *at = strstr(text, "listening on 127.0.0.1:");
    int port = at != NULL ? atoi(at + strlen("listening on 127.0.0.1:")) : 0;
    free(text);
    return port;
}

/* Replaces every {host}, {port} and {db} of a command; the result is malloc'd. {db} is the
 * database's conninfo in single quotes, one word for the shell (a conninfo of twice's has no
 * quote of its own), or '' when there is none. */
static char *expand_command(const char *command, int port, const char *db)
{
    char quoted_db[512];
    snprintf(quoted_db, sizeof(quoted_db), "'%s'", db != NULL ? db : "");
    size_t cap = strlen(command) * 2 + 64, len = 0;
    char *out = malloc(cap);
    for (const char *p = command; *p != '\0';) {
        char piece[32];
        const char *add = NULL;
        size_t add_len = 1;
        if (strncmp(p, "{host}", 6) == 0) {
            add = "127.0.0.1";
            add_len = strlen(add);
            p += 6;
        } else if (strncmp(p, "{port}", 6) == 0) {
            snprintf(piece, sizeof(piece), "%d", port);
            add = piece;
            add_len = strlen(add);
            p += 6;
        } else if (strncmp(p, "{db}", 4) == 0) {
            add = quoted_db;
            add_len = strlen(add);
            p += 4;
        } else {
            add = p++;
        }
        if (len + add_len + 1 > cap)
            out = realloc(out, cap = (len + add_len + 1) * 2);
        memcpy(out + len, add, add_len);
        len += add_len;
    }
    out[len] = '\0';
    return out;
}

static pid_t start_one(deployment *d, const deploy_spec *spec, unsigned i, int out,
                       const char *join, char *err, size_t errlen)
{
    const scenario *sc = spec->sc;
    char listen[32], workers[16], threads[16];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", d->ports[i]);
    snprintf(workers, sizeof(workers), "%u", sc->workers);
    snprintf(threads, sizeof(threads), "%u", sc->threads);
    if (sc->app != NULL) {
        char *argv[] = {(char *)spec->app_path,
                        "--model",
                        (char *)spec->model,
                        "--workers",
                        workers,
                        "--threads",
                        threads,
                        "--listen",
                        listen,
                        "--max-coroutines",
                        "100000",
                        spec->db != NULL ? "--db" : NULL,
                        (char *)spec->db,
                        NULL};
        return proc_spawn(argv, out, d->stderr_fds[i], NULL, join, err, errlen);
    }
    /* A command is told of the database twice over: {db} in its command line, and TWICE_DB in
     * its environment (what the Flask app reads). */
    char db_env[512];
    snprintf(db_env, sizeof(db_env), "TWICE_DB=%s", spec->db != NULL ? spec->db : "");
    char *env[] = {spec->db != NULL ? db_env : NULL, NULL};
    char *command = expand_command(sc->command, d->ports[i], spec->db);
    char *argv[] = {"/bin/sh", "-c", command, NULL};
    pid_t pid = proc_spawn(argv, -1, d->stderr_fds[i], env, join, err, errlen);
    free(command);
    return pid;
}

/* Waits until server i answers; -1 with err when it dies, stays silent or twice is
 * interrupted meanwhile. */
static int wait_ready(deployment *d, const deploy_spec *spec, unsigned i, int out, char *err,
                      size_t errlen)
{
    for (int waited = 0; waited < READY_TIMEOUT_MS && !proc_interrupted; waited += 20) {
        int status;
        if (proc_wait(d->pids[i], 0, &status)) {
            char how[64], *tail = proc_stderr_note(d->stderr_fds[i], 600);
            snprintf(err, errlen, "server %u of %u %s before it was ready%s", i + 1, d->n,
                     proc_describe_status(status, how, sizeof(how)), tail);
            free(tail);
            d->pids[i] = 0;
            return -1;
        }
        if (spec->sc->app != NULL) {
            int port = announced_port(out);
            if (port > 0) {
                d->ports[i] = port;
                return 0;
            }
        } else if (answers(d->ports[i], spec->sc->route)) {
            return 0;
        }
        struct timespec pause = {0, 20000000};
        nanosleep(&pause, NULL);
    }
    if (proc_interrupted) {
        snprintf(err, errlen, "while server %u of %u was starting", i + 1, d->n);
        return -1;
    }
    char *tail = proc_stderr_note(d->stderr_fds[i], 600);
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
        d->stderr_fds[i] = -1;
        d->cgroups[i] = NULL;
    }
    cpucap_release();
}

static int local_start(deployment *d, const deploy_spec *spec, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    d->n = spec->n;
    for (unsigned i = 0; i < d->n; i++)
        d->stderr_fds[i] = -1;
    int shared_port = spec->shared_port;
    /* twice-app binds port 0 and says which port it got: no window in which another program
     * could take a port chosen for it (SO_REUSEPORT would let them share it, silently). With
     * a shared port (the reuseport front) the others then bind the first one's port. Any other
     * command needs its port chosen for it. */
    int app = spec->sc->app != NULL;
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
        int out = app ? proc_output_fd("twice-server-out", err, errlen) : -1;
        d->stderr_fds[i] = proc_output_fd("twice-server-err", err, errlen);
        d->ports[i] = shared != 0 ? shared : app ? 0 : loopback_free_port();
        int rc = -1;
        if (d->stderr_fds[i] >= 0 && (out >= 0 || !app)) {
            d->cgroups[i] = grouped ? cpucap_group_dir(i) : NULL;
            d->pids[i] =
                start_one(d, spec, i, out, grouped ? cpucap_procs_file(i) : NULL, err, errlen);
            rc = d->pids[i] > 0 ? wait_ready(d, spec, i, out, err, errlen) : -1;
        }
        if (rc == 0 && shared_port && i == 0)
            shared = d->ports[0];
        if (out >= 0)
            close(out);
        if (rc != 0) {
            local_stop(d);
            return -1;
        }
    }
    d->caps_applied = capped;
    return 0;
}

/* What twice-app's master (framework/src/prefork.c) writes each time it replaces a worker
 * that died: "twice: worker 0 (pid 123) was killed by signal 9 (Killed); starting a new one". */
#define LOSS_PREFIX "twice: worker "
#define LOSS_SUFFIX "; starting a new one"

/* Counts the lines of server i's stderr that report a lost worker, from where the last look
 * stopped to the last whole line, and keeps the last one (printable ASCII, for the report). */
static void count_lost_workers(deployment *d, unsigned i)
{
    size_t len;
    char *text = proc_output(d->stderr_fds[i], d->stderr_read[i], &len);
    char *line = text, *end;
    while ((end = memchr(line, '\n', len - (size_t)(line - text))) != NULL) {
        size_t n = (size_t)(end - line), suffix = strlen(LOSS_SUFFIX);
        if (strncmp(line, LOSS_PREFIX, strlen(LOSS_PREFIX)) == 0 && n >= suffix &&
            memcmp(end - suffix, LOSS_SUFFIX, suffix) == 0) {
            size_t kept = 0;
            for (const char *c = line; c < end - suffix && kept + 1 < sizeof(d->last_loss[i]); c++)
                d->last_loss[i][kept++] = *c >= ' ' && *c <= '~' ? *c : '?';
            d->last_loss[i][kept] = '\0';
            d->lost_workers[i]++;
        }
        line = end + 1;
    }
    d->stderr_read[i] += (size_t)(line - text);
    free(text);
}

static int local_check(deployment *d, char *err, size_t errlen)
{
    for (unsigned i = 0; i < d->n; i++) {
        int status;
        if (d->stderr_fds[i] >= 0)
            count_lost_workers(d, i);
        if (d->pids[i] > 0 && proc_wait(d->pids[i], 0, &status)) {
            char how[64], *tail = proc_stderr_note(d->stderr_fds[i], 600);
            snprintf(err, errlen, "server %u of %u %s during the run%s", i + 1, d->n,
                     proc_describe_status(status, how, sizeof(how)), tail);
            free(tail);
            d->pids[i] = 0;
            return -1;
        }
    }
    return 0;
}

const deployer deployer_local = {"local", local_start, local_check, local_stop};
