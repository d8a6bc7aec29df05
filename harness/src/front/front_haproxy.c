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
 * When the inventory names a balancer host other than this machine, HAProxy
 * runs there instead (haproxy_remote.h: the configuration shipped through
 * ssh, HAProxy under the supervisor, gone with the step, with twice and with
 * the connection). It binds the host's address, wrk goes there, and its
 * stats socket is a TCP port on that address that twice reads directly,
 * like the unix socket here: the same reader, the same deadline, and no ssh
 * command (a process, a round trip) per read while the load runs. Its CPU is
 * read from the host's /proc at the window's ends; when it cannot be, the
 * run's "front" says why ("cpu_unmeasured") instead of a figure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "front.h"
#include "haproxy_config.h"
#include "haproxy_remote.h"
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
/* The ports of a balancer on another host, where no free one can be asked for: below the
 * kernel's ephemeral ports (its default 32768-60999, which the servers and the connections
 * to them take) and above the command targets' (deploy_ssh.c, 20000-29999). */
#define REMOTE_PORT_BASE 30000
#define REMOTE_PORT_SPREAD 2700

static const char *const balances[] = {"roundrobin", "leastconn", NULL};

typedef struct haproxy_state {
    char dir[PATH_MAX];        /* the private folder here; "" once removed, or for a remote one */
    char stats[PATH_MAX + 32]; /* where its stats socket is (haproxy_socket_ask) */
    haproxy_remote *remote;    /* HAProxy on the balancer host; NULL: it runs here */
    char listen[INET_ADDRSTRLEN]; /* a remote one's address, where wrk goes */
    pid_t pid;                    /* HAProxy here, or the ssh client carrying it; 0 once stopped */
    int stderr_fd;
    unsigned n;
    haproxy_server_stat *marked; /* the counters at mark() */
    haproxy_server_stat *now;    /* the latest answer */
    double cpu_marked_s, clock_marked_s;
    char cpu_unmeasured[512]; /* why its CPU at mark() could not be read; "" when it was */
} haproxy_state;

static void path_in(const haproxy_state *h, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", h->dir, name);
}

/* Reads every server's counters into h->now. 0, or -1 with err. */
static int read_stats(haproxy_state *h, char *err, size_t errlen)
{
    char *text = haproxy_socket_ask(h->stats, "show stat\n", STATS_TIMEOUT_MS, err, errlen);
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
    char how[64], where[300] = "", *tail = proc_stderr_note(h->stderr_fd, 800);
    int missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
    if (h->remote != NULL)
        snprintf(where, sizeof(where), " on host %s", h->remote->host.host->destination);
    if (h->remote != NULL && WIFEXITED(status) && WEXITSTATUS(status) == 255)
        snprintf(err, errlen, "haproxy%s: its ssh connection failed or was lost %s%s", where, when,
                 tail);
    else
        snprintf(err, errlen, "haproxy%s %s %s%s%s", where,
                 proc_describe_status(status, how, sizeof(how)), when,
                 missing ? " (is haproxy installed? apt-get install haproxy)" : "", tail);
    free(tail);
    return -1;
}

/* The servers that are not UP, for the message of a start that timed out. */
static void name_down(const haproxy_state *h, const front_spec *spec, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < h->n && used < len; i++) {
        const haproxy_server_stat *s = &h->now[i];
        if (haproxy_stat_up(s))
            continue;
        int wrote = snprintf(
            buf + used, len - used, "%sserver %u of %u (%s:%d) is %s%s%s%s", used ? ", " : "",
            i + 1, h->n, spec->addresses != NULL ? spec->addresses[i] : "127.0.0.1", spec->ports[i],
            s->status, *s->check ? " (check " : "", s->check, *s->check ? ")" : "");
        used += wrote > 0 ? (size_t)wrote : 0;
    }
}

/* Waits until the stats socket answers and every server is UP there. */
static int wait_ready(haproxy_state *h, const front_spec *spec, char *err, size_t errlen)
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
            name_down(h, spec, last, sizeof(last));
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

/* The configuration for spec's servers, with h's stats socket, listening at address:port. */
static char *config_text(const haproxy_state *h, const front_spec *spec, const char *address,
                         int port, const char *balance, char *err, size_t errlen)
{
    haproxy_config_spec config = {h->stats,    address, port,   spec->addresses,
                                  spec->ports, spec->n, balance};
    return haproxy_config_text(&config, err, errlen);
}

/* The private folder here, the configuration in it, and its stats socket's path. */
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
    path_in(h, HAPROXY_STATS_SOCKET, h->stats, sizeof(h->stats));
    char *text = config_text(h, spec, NULL, port, balance, err, errlen), path[PATH_MAX + 32];
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

/* HAProxy here, from the configuration in its private folder. */
static int start_here(haproxy_state *h, const front_spec *spec, const char *program,
                      const char *balance, char *err, size_t errlen)
{
    int port = spec->port != 0 ? spec->port : loopback_free_port();
    if (port <= 0) {
        snprintf(err, errlen, "cannot start haproxy: no free loopback port");
        return -1;
    }
    if (write_config(h, spec, port, balance, err, errlen) != 0)
        return -1;
    char config[PATH_MAX + 32];
    path_in(h, HAPROXY_CONFIG_FILE, config, sizeof(config));
    /* -db: in the foreground, as twice's child. */
    char *argv[] = {(char *)program, "-db", "-f", config, NULL};
    h->pid = proc_spawn(argv, h->stderr_fd, h->stderr_fd, NULL, NULL, err, errlen);
    return h->pid > 0 ? port : -1;
}

/* The IPv4 address of host (a name or an address) into h->listen. */
static int resolve(haproxy_state *h, const inventory_host *host, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *found = NULL;
    int rc = getaddrinfo(host->host, NULL, &hints, &found);
    if (rc != 0 || found == NULL) {
        snprintf(err, errlen, "balancer host %s: %s has no IPv4 address here: %s",
                 host->destination, host->host, rc != 0 ? gai_strerror(rc) : "none found");
        return -1;
    }
    inet_ntop(AF_INET, &((struct sockaddr_in *)found->ai_addr)->sin_addr, h->listen,
              sizeof(h->listen));
    freeaddrinfo(found);
    return 0;
}

/* HAProxy on the inventory's balancer host, listening at its address, its stats socket on the
 * next port. */
static int start_there(haproxy_state *h, const front_spec *spec, const char *program,
                       const char *balance, char *err, size_t errlen)
{
    unsigned draw = 0;
    if (getrandom(&draw, sizeof(draw), 0) != (ssize_t)sizeof(draw))
        draw = (unsigned)time(NULL);
    int port = spec->port != 0 ? spec->port : REMOTE_PORT_BASE + (int)(draw % REMOTE_PORT_SPREAD);
    if (resolve(h, spec->inv->balancer, err, errlen) != 0)
        return -1;
    snprintf(h->stats, sizeof(h->stats), HAPROXY_SOCKET_TCP_PREFIX "%s:%d", h->listen, port + 1);
    char *text = config_text(h, spec, h->listen, port, balance, err, errlen);
    if (text == NULL || (h->remote = calloc(1, sizeof(*h->remote))) == NULL) {
        if (text != NULL)
            snprintf(err, errlen, "cannot start haproxy: out of memory");
        free(text);
        return -1;
    }
    int rc = haproxy_remote_start(h->remote, spec->inv, program, text, h->stderr_fd, err, errlen);
    free(text);
    h->pid = h->remote->pid;
    return rc == 0 ? port : -1;
}

static void haproxy_stop(front_run *fr)
{
    haproxy_state *h = fr->state;
    if (h == NULL)
        return;
    if (h->remote != NULL) {
        haproxy_remote_stop(h->remote);
        free(h->remote);
    } else {
        proc_stop_group(h->pid, STOP_GRACE_MS);
    }
    if (h->stderr_fd >= 0)
        close(h->stderr_fd);
    if (h->dir[0] != '\0' && remove_tree(h->dir) == 0)
        watchdog_forget_dir(h->dir);
    free(h->marked);
    free(h->now);
    free(h);
    fr->state = NULL;
}

static const char *program_of(const inventory *inv)
{
    return inv != NULL && inv->haproxy != NULL ? inv->haproxy : "haproxy";
}

static int haproxy_start(front_run *fr, const front_spec *spec, char *err, size_t errlen)
{
    memset(fr, 0, sizeof(*fr));
    fr->ops = &front_haproxy;
    fr->balance = spec->balance != NULL ? spec->balance : balances[0];
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
    h->marked = calloc(spec->n, sizeof(*h->marked));
    h->now = calloc(spec->n, sizeof(*h->now));
    int port = -1;
    if (h->marked == NULL || h->now == NULL)
        snprintf(err, errlen, "cannot start haproxy: out of memory");
    else if ((h->stderr_fd = proc_output_fd("twice-haproxy-err", err, errlen)) >= 0)
        port = front_balancer_remote(spec->inv)
                   ? start_there(h, spec, program_of(spec->inv), fr->balance, err, errlen)
                   : start_here(h, spec, program_of(spec->inv), fr->balance, err, errlen);
    if (port <= 0 || wait_ready(h, spec, err, errlen) != 0) {
        haproxy_stop(fr);
        return -1;
    }
    fr->ports[0] = port;
    fr->nports = 1;
    fr->address = h->remote != NULL ? h->listen : NULL;
    fr->group = h->pid;
    return 0;
}

/* HAProxy's CPU seconds and a clock in seconds: here from /proc and the monotonic clock, on
 * another host from its /proc there. 0, or -1 with err. */
static int sample_cpu(haproxy_state *h, double *cpu_s, double *clock_s, char *err, size_t errlen)
{
    if (h->remote != NULL) {
        haproxy_remote_cpu there;
        if (haproxy_remote_sample(h->remote, &there, err, errlen) != 0)
            return -1;
        *cpu_s = there.cpu_s;
        *clock_s = there.clock_s;
        return 0;
    }
    struct proc_usage here;
    struct timespec now;
    if (proc_usage_sample(h->pid, &here, err, errlen) != 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    *cpu_s = here.user_s + here.system_s;
    *clock_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
    return 0;
}

static int haproxy_mark(front_run *fr, char *err, size_t errlen)
{
    haproxy_state *h = fr->state;
    if (check_alive(h, "before the run", err, errlen) != 0 || read_stats(h, err, errlen) != 0)
        return -1;
    memcpy(h->marked, h->now, h->n * sizeof(*h->now));
    h->cpu_unmeasured[0] = '\0';
    if (sample_cpu(h, &h->cpu_marked_s, &h->clock_marked_s, h->cpu_unmeasured,
                   sizeof(h->cpu_unmeasured)) != 0 &&
        h->cpu_unmeasured[0] == '\0')
        snprintf(h->cpu_unmeasured, sizeof(h->cpu_unmeasured), "its CPU could not be read");
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
    double cpu_s = 0, clock_s = 0;
    char why[sizeof(h->cpu_unmeasured)] = "", unmeasured[sizeof(why) + 32] = "";
    if (h->cpu_unmeasured[0] != '\0')
        snprintf(unmeasured, sizeof(unmeasured), "at the window's start: %s", h->cpu_unmeasured);
    else if (sample_cpu(h, &cpu_s, &clock_s, why, sizeof(why)) != 0 || clock_s <= h->clock_marked_s)
        snprintf(unmeasured, sizeof(unmeasured), "at the window's end: %s",
                 why[0] != '\0' ? why : "its clock did not move");
    if (check_alive(h, "during the run", err, errlen) != 0 || read_stats(h, err, errlen) != 0)
        return NULL;
    json_t *servers = server_counts(h, err, errlen);
    if (servers == NULL)
        return NULL;
    json_t *seen = json_pack("{s:s, s:s, s:o}", "name", front_haproxy.name, "balance", fr->balance,
                             "servers", servers);
    /* Never a figure made up: a CPU that could not be read is said to be unknown, and why. */
    if (unmeasured[0] != '\0')
        json_object_set_new(seen, "cpu_unmeasured", json_string(unmeasured));
    else
        json_object_set_new(
            seen, "cpu",
            json_real(fmax(0, cpu_s - h->cpu_marked_s) / (clock_s - h->clock_marked_s)));
    if (h->remote != NULL)
        json_object_set_new(seen, "host", json_string(h->remote->host.host->destination));
    return seen;
}

/* HAProxy on the balancer host, when it is another host. */
static int haproxy_probe(const inventory *inv, char *err, size_t errlen)
{
    return front_balancer_remote(inv) ? haproxy_remote_check(inv, program_of(inv), err, errlen) : 0;
}

const front front_haproxy = {
    "haproxy",       0,           0, 1, balances, haproxy_probe, haproxy_start, haproxy_mark,
    haproxy_collect, haproxy_stop};
