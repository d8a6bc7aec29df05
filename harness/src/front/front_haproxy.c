/*
 * front_haproxy.c - a real load balancer in front of the servers: Debian's
 * HAProxy, configured and started by twice for each step and gone with it.
 *
 * start() writes the configuration (haproxy_config.c) into a private folder
 * (mkdtemp under $TMPDIR, which also holds the stats socket), starts
 * `haproxy -db -f CFG` as any child of twice (proc.c: a process group of its
 * own, killed with twice even by SIGKILL, stderr kept for messages), and
 * waits until its stats socket answers and every server is UP there. wrk then
 * goes to the frontend's one port. mark() and collect() bracket a measured
 * window: HAProxy's CPU time (/proc, its process group) over the window's
 * wall time is its share of the one core it runs on (nbthread 1), and the
 * differences of each server's session and request counters (`show stat`
 * on its socket, haproxy_socket.c, read by haproxy_stat.c) say how evenly it
 * spread the load. stop() kills it and removes the folder, whatever state
 * start() left; the watchdog knows of the folder too, so that a twice killed
 * by SIGKILL leaves none behind.
 *
 * The balancer runs on this machine; front_check_host refuses any other until
 * a remote host's commands go through a host runner (the ssh layer).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "front.h"
#include "haproxy_config.h"
#include "haproxy_socket.h"
#include "haproxy_stat.h"
#include "loopback_port.h"
#include "message_text.h"
#include "proc.h"
#include "proc_usage.h"
#include "remove_tree.h"
#include "watchdog.h"

#define READY_TIMEOUT_MS 10000 /* health checks run every 200 ms: UP takes well under this */
#define STATS_TIMEOUT_MS 2000  /* one whole answer of the stats socket */
#define STOP_GRACE_MS 2000

static const char *const balances[] = {"roundrobin", "leastconn", NULL};

typedef struct haproxy_state {
    char dir[PATH_MAX]; /* the private folder; "" once removed */
    pid_t pid;          /* 0 once stopped */
    int stderr_fd;
    unsigned n;
    int server_ports[FRONT_MAX_SERVERS];
    haproxy_server_stat *marked; /* the counters at mark() */
    haproxy_server_stat *now;    /* the latest answer */
    struct proc_usage cpu_marked;
    struct timespec time_marked;
} haproxy_state;

static void path_in(const haproxy_state *h, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", h->dir, name);
}

/* Reads every server's counters into h->now. 0, or -1 with err. */
static int read_stats(haproxy_state *h, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    path_in(h, HAPROXY_STATS_SOCKET, path, sizeof(path));
    char *text = haproxy_socket_ask(path, "show stat\n", STATS_TIMEOUT_MS, err, errlen);
    int rc =
        text != NULL ? haproxy_stat_parse(text, HAPROXY_BACKEND, h->n, h->now, err, errlen) : -1;
    free(text);
    return rc;
}

/* -1 with err when HAProxy has exited (when: "before it was ready", "during the run"). */
static int check_alive(haproxy_state *h, const char *when, char *err, size_t errlen)
{
    int status;
    if (h->pid <= 0 || !proc_wait(h->pid, 0, &status))
        return 0;
    h->pid = 0;
    char how[64], *tail = proc_stderr_note(h->stderr_fd, 800);
    int missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
    snprintf(err, errlen, "haproxy %s %s%s%s", proc_describe_status(status, how, sizeof(how)), when,
             missing ? " (is haproxy installed? apt-get install haproxy)" : "", tail);
    free(tail);
    return -1;
}

/* The servers that are not UP, for the message of a start that timed out. */
static void name_down(const haproxy_state *h, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < h->n && used < len; i++) {
        const haproxy_server_stat *s = &h->now[i];
        if (haproxy_stat_up(s))
            continue;
        int wrote = snprintf(buf + used, len - used, "%sserver %u of %u (127.0.0.1:%d) is %s%s%s%s",
                             used ? ", " : "", i + 1, h->n, h->server_ports[i], s->status,
                             *s->check ? " (check " : "", s->check, *s->check ? ")" : "");
        used += wrote > 0 ? (size_t)wrote : 0;
    }
}

/* Waits until the stats socket answers and every server is UP there. */
static int wait_ready(haproxy_state *h, char *err, size_t errlen)
{
    char last[1024] = "its stats socket never answered";
    for (int waited = 0; waited < READY_TIMEOUT_MS && !proc_interrupted; waited += 50) {
        if (check_alive(h, "before it was ready", err, errlen) != 0)
            return -1;
        if (read_stats(h, last, sizeof(last)) == 0) {
            unsigned up = 0;
            for (unsigned i = 0; i < h->n; i++)
                up += (unsigned)haproxy_stat_up(&h->now[i]);
            if (up == h->n)
                return 0;
            name_down(h, last, sizeof(last));
        }
        struct timespec pause = {0, 50000000};
        nanosleep(&pause, NULL);
    }
    if (proc_interrupted) {
        snprintf(err, errlen, "while haproxy was starting");
        return -1;
    }
    char *tail = proc_stderr_note(h->stderr_fd, 800);
    snprintf(err, errlen, "haproxy did not see every server UP within %d ms: %s%s",
             READY_TIMEOUT_MS, last, tail);
    free(tail);
    return -1;
}

/* The private folder and the configuration in it. */
static int write_config(haproxy_state *h, const front_spec *spec, int port, const char *balance,
                        char *err, size_t errlen)
{
    const char *tmp =
        getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ? getenv("TMPDIR") : "/tmp";
    struct sockaddr_un addr;
    snprintf(h->dir, sizeof(h->dir), "%s/twice-haproxy-XXXXXX", tmp);
    /* The stats socket's path must fit a unix socket address with room for what HAProxy adds
     * while it binds (PATH.PID.tmp, renamed to PATH): its parser refuses a path longer than
     * sun_path less HAPROXY_SOCKET_ROOM bytes. */
    size_t most = sizeof(addr.sun_path) - HAPROXY_SOCKET_ROOM;
    if (strlen(h->dir) + 1 + strlen(HAPROXY_STATS_SOCKET) > most) {
        char quoted[MESSAGE_QUOTE_SIZE];
        snprintf(err, errlen,
                 "TMPDIR %s is too long a path for haproxy's stats socket (at most %zu bytes "
                 "with \"/twice-haproxy-XXXXXX/" HAPROXY_STATS_SOCKET "\"): set TMPDIR to a "
                 "shorter folder",
                 message_quote(quoted, sizeof(quoted), tmp), most);
        h->dir[0] = '\0';
        return -1;
    }
    if (haproxy_config_check_dir(tmp, err, errlen) != 0) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, "; set TMPDIR to a folder without it");
        h->dir[0] = '\0';
        return -1;
    }
    if (mkdtemp(h->dir) == NULL) {
        snprintf(err, errlen, "cannot make a folder for haproxy's configuration in %s: %s", tmp,
                 strerror(errno));
        h->dir[0] = '\0';
        return -1;
    }
    /* Told before anything goes in it: a twice killed from here on leaves no folder. */
    if (watchdog_watch_dir(h->dir, err, errlen) != 0)
        return -1;
    haproxy_config_spec config = {h->dir, port, spec->ports, spec->n, balance};
    char *text = haproxy_config_text(&config, err, errlen), path[PATH_MAX + 32];
    if (text == NULL)
        return -1;
    path_in(h, HAPROXY_CONFIG_FILE, path, sizeof(path));
    FILE *out = fopen(path, "w");
    int ok = out != NULL && fputs(text, out) >= 0;
    ok = out != NULL && fclose(out) == 0 && ok;
    if (!ok)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    free(text);
    return ok ? 0 : -1;
}

static void haproxy_stop(front_run *fr)
{
    haproxy_state *h = fr->state;
    if (h == NULL)
        return;
    proc_stop_group(h->pid, STOP_GRACE_MS);
    if (h->stderr_fd >= 0)
        close(h->stderr_fd);
    if (h->dir[0] != '\0' && remove_tree(h->dir) == 0)
        watchdog_forget_dir(h->dir);
    free(h->marked);
    free(h->now);
    free(h);
    fr->state = NULL;
}

static int haproxy_start(front_run *fr, const front_spec *spec, char *err, size_t errlen)
{
    memset(fr, 0, sizeof(*fr));
    fr->ops = &front_haproxy;
    fr->balance = spec->balance != NULL ? spec->balance : balances[0];
    if (front_check_host(&front_haproxy, spec->host, err, errlen) != 0)
        return -1;
    if (spec->n == 0 || spec->n > FRONT_MAX_SERVERS) {
        snprintf(err, errlen, "haproxy: %u servers; from 1 to %d", spec->n, FRONT_MAX_SERVERS);
        return -1;
    }
    haproxy_state *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        snprintf(err, errlen, "cannot start haproxy: out of memory");
        return -1;
    }
    fr->state = h;
    h->stderr_fd = -1;
    h->n = spec->n;
    memcpy(h->server_ports, spec->ports, spec->n * sizeof(*spec->ports));
    h->marked = calloc(spec->n, sizeof(*h->marked));
    h->now = calloc(spec->n, sizeof(*h->now));
    int port = spec->port != 0 ? spec->port : loopback_free_port();
    int rc = -1;
    if (h->marked == NULL || h->now == NULL || port <= 0)
        snprintf(err, errlen, "cannot start haproxy: %s",
                 port <= 0 ? "no free loopback port" : "out of memory");
    else if (write_config(h, spec, port, fr->balance, err, errlen) == 0 &&
             (h->stderr_fd = proc_output_fd("twice-haproxy-err", err, errlen)) >= 0) {
        char config[PATH_MAX + 32];
        path_in(h, HAPROXY_CONFIG_FILE, config, sizeof(config));
        /* -db: in the foreground, as twice's child. On another host this command would go
         * through that host's runner instead of proc_spawn. */
        char *argv[] = {"haproxy", "-db", "-f", config, NULL};
        h->pid = proc_spawn(argv, h->stderr_fd, h->stderr_fd, NULL, NULL, err, errlen);
        rc = h->pid > 0 ? wait_ready(h, err, errlen) : -1;
    }
    if (rc != 0) {
        haproxy_stop(fr);
        return -1;
    }
    fr->ports[0] = port;
    fr->nports = 1;
    fr->group = h->pid;
    return 0;
}

static int haproxy_mark(front_run *fr, char *err, size_t errlen)
{
    haproxy_state *h = fr->state;
    if (check_alive(h, "before the run", err, errlen) != 0 || read_stats(h, err, errlen) != 0 ||
        proc_usage_sample(h->pid, &h->cpu_marked, err, errlen) != 0)
        return -1;
    memcpy(h->marked, h->now, h->n * sizeof(*h->now));
    clock_gettime(CLOCK_MONOTONIC, &h->time_marked);
    return 0;
}

/* The servers' counters since mark() as [{"sessions": n, "requests": n}, ...] ("requests"
 * where HAProxy counts them); NULL with err when a counter went back (HAProxy restarted). */
static json_t *server_counts(const haproxy_state *h, char *err, size_t errlen)
{
    json_t *servers = json_array();
    for (unsigned i = 0; i < h->n; i++) {
        const haproxy_server_stat *a = &h->marked[i], *b = &h->now[i];
        int requests = a->has_requests && b->has_requests;
        if (b->sessions < a->sessions || (requests && b->requests < a->requests)) {
            snprintf(err, errlen,
                     "haproxy's counters for server %u of %u went back during the "
                     "run",
                     i + 1, h->n);
            json_decref(servers);
            return NULL;
        }
        json_t *one = json_pack("{s:I}", "sessions", (json_int_t)(b->sessions - a->sessions));
        if (requests)
            json_object_set_new(one, "requests",
                                json_integer((json_int_t)(b->requests - a->requests)));
        json_array_append_new(servers, one);
    }
    return servers;
}

static json_t *haproxy_collect(front_run *fr, char *err, size_t errlen)
{
    haproxy_state *h = fr->state;
    struct proc_usage now;
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (check_alive(h, "during the run", err, errlen) != 0 ||
        proc_usage_sample(h->pid, &now, err, errlen) != 0 || read_stats(h, err, errlen) != 0)
        return NULL;
    json_t *servers = server_counts(h, err, errlen);
    if (servers == NULL)
        return NULL;
    struct proc_usage used = proc_usage_diff(&h->cpu_marked, &now);
    double wall_s = (double)(end.tv_sec - h->time_marked.tv_sec) +
                    (double)(end.tv_nsec - h->time_marked.tv_nsec) / 1e9;
    double cpu = wall_s > 0 ? (used.user_s + used.system_s) / wall_s : 0;
    return json_pack("{s:s, s:s, s:f, s:o}", "name", front_haproxy.name, "balance", fr->balance,
                     "cpu", cpu, "servers", servers);
}

const front front_haproxy = {
    "haproxy", 0, 0, 1, balances, haproxy_start, haproxy_mark, haproxy_collect, haproxy_stop};
