/*
 * deploy_local.c - servers on this machine, on loopback. twice-app says
 * when it listens, and on which port; any other command is probed with
 * HTTP until it answers.
 * Each server lives in a process group of its own (see proc.c), so that
 * stopping it stops its workers too, and dies with twice.
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
#include "proc.h"

#define READY_TIMEOUT_MS 10000

/* A free loopback port: bound, then released for the server to take. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

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

/* The port twice-app announced ("listening on 127.0.0.1:PORT"), or 0 before it did. */
static int announced_port(const char *path)
{
    char *text = proc_file_tail(path, 4096);
    const char *at = strstr(text, "listening on 127.0.0.1:");
    int port = at != NULL ? atoi(at + strlen("listening on 127.0.0.1:")) : 0;
    free(text);
    return port;
}

/* Replaces every {host} and {port} of a command; the result is malloc'd. */
static char *expand_command(const char *command, int port)
{
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

static pid_t start_one(deployment *d, const deploy_spec *spec, unsigned i, const char *out_path,
                       const char *join)
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
                        NULL};
        return proc_spawn(argv, out_path, d->stderr_paths[i], NULL, join);
    }
    char *command = expand_command(sc->command, d->ports[i]);
    char *argv[] = {"/bin/sh", "-c", command, NULL};
    pid_t pid = proc_spawn(argv, out_path, d->stderr_paths[i], NULL, join);
    free(command);
    return pid;
}

/* Waits until server i answers; -1 with err when it dies or stays silent. */
static int wait_ready(deployment *d, const deploy_spec *spec, unsigned i, const char *out_path,
                      char *err, size_t errlen)
{
    for (int waited = 0; waited < READY_TIMEOUT_MS && !proc_interrupted; waited += 20) {
        int status;
        if (proc_wait(d->pids[i], 0, &status)) {
            char how[64], *tail = proc_file_tail(d->stderr_paths[i], 600);
            snprintf(err, errlen, "server %u of %u %s before it was ready; its stderr ends:\n%s",
                     i + 1, d->n, proc_describe_status(status, how, sizeof(how)), tail);
            free(tail);
            d->pids[i] = 0;
            return -1;
        }
        if (spec->sc->app != NULL) {
            int port = announced_port(out_path);
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
    char *tail = proc_file_tail(d->stderr_paths[i], 600);
    snprintf(err, errlen,
             "%s: server %u of %u did not answer on port %d within %d ms; its "
             "stderr ends:\n%s",
             proc_interrupted ? "interrupted" : "timeout", i + 1, d->n, d->ports[i],
             READY_TIMEOUT_MS, tail);
    free(tail);
    return -1;
}

static void local_stop(deployment *d)
{
    for (unsigned i = 0; i < d->n; i++) {
        proc_stop_group(d->pids[i], 5000);
        d->pids[i] = 0;
        if (d->stderr_paths[i][0] != '\0')
            unlink(d->stderr_paths[i]);
        d->stderr_paths[i][0] = '\0';
    }
    cpucap_release();
}

static int local_start(deployment *d, const deploy_spec *spec, char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    d->n = spec->n;
    int reuseport = spec->sc->front == SCENARIO_FRONT_REUSEPORT;
    /* twice-app binds port 0 and says which port it got: no window in which another program
     * could take a port chosen for it (SO_REUSEPORT would let them share it, silently). With
     * the reuseport front the others then bind the first one's port. Any other command
     * needs its port chosen for it. */
    int app = spec->sc->app != NULL;
    int shared = reuseport && !app ? free_port() : 0;
    int capped = spec->sc->cpu_cap > 0;
    if (capped && cpucap_prepare(spec->n, spec->sc->cpu_cap, err, errlen) != 0) {
        if (!spec->allow_uncapped)
            return -1;
        capped = 0;
    }
    for (unsigned i = 0; i < d->n; i++) {
        char out_path[] = "/tmp/twice-server-out-XXXXXX";
        strcpy(d->stderr_paths[i], "/tmp/twice-server-err-XXXXXX");
        close(mkstemp(d->stderr_paths[i]));
        close(mkstemp(out_path));
        d->ports[i] = shared != 0 ? shared : app ? 0 : free_port();
        d->pids[i] = start_one(d, spec, i, out_path, capped ? cpucap_procs_file(i) : NULL);
        int rc = d->pids[i] > 0 ? wait_ready(d, spec, i, out_path, err, errlen) : -1;
        if (rc == 0 && reuseport && i == 0)
            shared = d->ports[0];
        unlink(out_path);
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
    for (unsigned i = 0; i < d->n; i++) {
        int status;
        if (d->pids[i] > 0 && proc_wait(d->pids[i], 0, &status)) {
            char how[64], *tail = proc_file_tail(d->stderr_paths[i], 600);
            snprintf(err, errlen, "server %u of %u %s during the run; its stderr ends:\n%s", i + 1,
                     d->n, proc_describe_status(status, how, sizeof(how)), tail);
            free(tail);
            d->pids[i] = 0;
            return -1;
        }
    }
    return 0;
}

const deployer deployer_local = {"local", local_start, local_check, local_stop};
