/*
 * service_postgres_ssh.c - twice's PostgreSQL on a host of its own, the
 * inventory's "services": {"postgres": HOST}, over ssh (ssh_host.h). The
 * same server as service_postgres.c (the settings and the database come
 * from postgres_client.c), started by a small POSIX sh script on the host:
 * it finds the server programs (on PATH, else Debian's newest
 * /usr/lib/postgresql/VERSION/bin), runs initdb into a fresh directory
 * /tmp/twice-postgres-XXXXXX (as nobody when it is root, as this file's
 * local twin does), and the server on the host's address and a port drawn
 * here. Its clients are the servers on other hosts, so it trusts every
 * address, as the local one trusts loopback: a throwaway database of test
 * rows, listening only on the address the inventory gave. Twice seeds it, counts its clients and
 * waits for it from here, through libpq.
 *
 * Nothing of it outlives twice on the host. The script runs under the
 * supervisor (supervisor.h), whose stdin is a pipe twice holds through ssh:
 * when it closes (twice stops the service, exits, is SIGKILLed, or the
 * connection drops) the supervisor sends SIGTERM to the script's process
 * group, and the script's trap stops the server (a fast shutdown, SIGKILL
 * after 1 s, inside the supervisor's grace of 2 s) and removes the
 * directory. A CPU cap is the supervisor's too: a cgroup on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "postgres_client.h"
#include "postgres_install.h"
#include "proc.h"
#include "service.h"
#include "ssh_host.h"
#include "supervisor.h"

#define READY_TIMEOUT_MS 120000 /* initdb included */
#define STOP_WAIT_MS 10000      /* the supervisor's grace and the script's cleanup */
#define STDERR_TAIL 1024
/* A port on the host, where none can be asked for free: a range the kernel does not hand out
 * as ephemeral ports by default, drawn per run. */
#define PORT_BASE 20000
#define PORT_SPREAD 10000
#define MAX_WORDS (SUPERVISOR_WORDS + 8 + POSTGRES_SETTING_WORDS + 8)

/* $1 the address, $2 the port, then postgres's "-c" settings; the initdb options in $INITDB.
 * Exit 3 and a line on stderr when it cannot start. */
static const char script[] =
    "addr=$1\n"
    "port=$2\n"
    "shift 2\n"
    "note() { printf 'twice-postgres: %s\\n' \"$*\" >&2; }\n"
    "bindir=\n"
    "if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then\n"
    "    bindir=$(dirname \"$(command -v initdb)\")\n"
    "else\n"
    "    bindir=$(ls -d " POSTGRES_DEBIAN_BINDIRS " 2>/dev/null | sort -V | tail -n 1)\n"
    "fi\n"
    "if [ -z \"$bindir\" ] || [ ! -x \"$bindir/initdb\" ] || [ ! -x \"$bindir/postgres\" ]; then\n"
    "    note \"no PostgreSQL server (initdb and postgres) on this host: install the "
    "package " POSTGRES_PACKAGE "\"\n"
    "    exit 3\n"
    "fi\n"
    "dir=$(mktemp -d /tmp/twice-postgres-XXXXXX) || { note 'cannot make a directory in /tmp'; "
    "exit 3; }\n"
    "pg=\n"
    "cleanup() {\n"
    "    if [ -n \"$pg\" ]; then\n"
    "        kill -s INT \"$pg\" 2>/dev/null\n"
    "        tries=0\n"
    "        while kill -0 \"$pg\" 2>/dev/null && [ $tries -lt 10 ]; do\n"
    "            sleep 0.1\n"
    "            tries=$((tries + 1))\n"
    "        done\n"
    "        kill -s KILL \"$pg\" 2>/dev/null\n"
    "    fi\n"
    "    rm -rf \"$dir\"\n"
    "}\n"
    "trap 'cleanup; exit 143' HUP INT TERM\n"
    "as=\n"
    "if [ \"$(id -u)\" = 0 ]; then\n"
    "    chown nobody \"$dir\" || { rm -rf \"$dir\"; exit 3; }\n"
    "    as=\"setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups\"\n"
    "fi\n"
    "if ! $as \"$bindir/initdb\" -D \"$dir/data\" $INITDB >\"$dir/initdb.log\" 2>&1; then\n"
    "    note \"initdb failed: $(tail -n 3 \"$dir/initdb.log\")\"\n"
    "    rm -rf \"$dir\"\n"
    "    exit 3\n"
    "fi\n"
    "printf 'host all all 0.0.0.0/0 trust\\nhost all all ::/0 trust\\n' "
    ">>\"$dir/data/pg_hba.conf\"\n"
    "$as \"$bindir/postgres\" -D \"$dir/data\" -k \"$dir\" -h \"$addr\" -p \"$port\" \"$@\" "
    "</dev/null &\n"
    "pg=$!\n"
    "wait \"$pg\"\n"
    "status=$?\n"
    "pg=\n"
    "rm -rf \"$dir\"\n"
    "exit \"$status\"\n";

struct service {
    ssh_host host;
    pid_t ssh;     /* the ssh client that runs the supervisor; 0 once stopped */
    int stdin_fd;  /* the pipe to the supervisor's stdin; closing it stops everything */
    int stderr_fd; /* what the supervisor, the script and the server print */
    char conninfo[192];
};

static void ssh_postgres_stop(service *svc);

/* The initdb options as one word for the script's $INITDB (none holds a space). */
static void initdb_words(char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; postgres_initdb_options[i] != NULL && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i > 0 ? " " : "",
                                 postgres_initdb_options[i]);
}

static int draw_port(void)
{
    unsigned draw = 0;
    if (getrandom(&draw, sizeof(draw), 0) != (ssize_t)sizeof(draw))
        draw = (unsigned)time(NULL) ^ (unsigned)getpid();
    return PORT_BASE + (int)(draw % PORT_SPREAD);
}

/* Starts the supervised script on svc's host; 0, or -1 with err. */
static int spawn_script(service *svc, const service_settings *settings, int port, char *err,
                        size_t errlen)
{
    char port_text[16], initdb[256], env[300], quota[32];
    snprintf(port_text, sizeof(port_text), "%d", port);
    initdb_words(initdb, sizeof(initdb));
    snprintf(env, sizeof(env), "INITDB=%s", initdb);
    char *command[8 + POSTGRES_SETTING_WORDS + 1];
    size_t n = 0;
    command[n++] = "env";
    command[n++] = env;
    command[n++] = "sh";
    command[n++] = "-c";
    command[n++] = (char *)script;
    command[n++] = "twice-postgres";
    command[n++] = (char *)settings->host->host;
    command[n++] = port_text;
    postgres_setting_text text;
    postgres_setting_words(settings, &text, command, &n);
    command[n] = NULL;
    const char *words[MAX_WORDS];
    if (supervisor_words(words, MAX_WORDS, settings->cpu_cap, quota, sizeof(quota),
                         (const char *const *)command) != 0) {
        snprintf(err, errlen, "postgres on host %s: its command line is too long",
                 settings->host->destination);
        return -1;
    }
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "postgres on host %s: pipe: %s", settings->host->destination,
                 strerror(errno));
        return -1;
    }
    svc->ssh = ssh_host_spawn(&svc->host, words, pipe_fds[0], -1, svc->stderr_fd, err, errlen);
    close(pipe_fds[0]);
    svc->stdin_fd = pipe_fds[1];
    if (svc->ssh < 0) {
        svc->ssh = 0;
        return -1;
    }
    return 0;
}

/* What the host said when the service ended before it was ready. */
static void describe_end(service *svc, int status, char *err, size_t errlen)
{
    char how[64];
    char *tail = proc_stderr_note(svc->stderr_fd, STDERR_TAIL);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 255)
        snprintf(err, errlen, "postgres on host %s: the ssh connection failed or was lost%s",
                 svc->host.host->destination, tail);
    else
        snprintf(err, errlen, "postgres on host %s %s before it accepted connections%s",
                 svc->host.host->destination, proc_describe_status(status, how, sizeof(how)), tail);
    free(tail);
}

static service *ssh_postgres_start(const service_settings *settings, char *err, size_t errlen)
{
    service *svc = calloc(1, sizeof(*svc));
    if (svc == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    svc->stdin_fd = -1;
    svc->host.master_err = -1;
    int port = draw_port();
    postgres_conninfo(svc->conninfo, sizeof(svc->conninfo), settings->host->host, port);
    if (ssh_host_open(&svc->host, settings->inv, settings->host, err, errlen) != 0 ||
        (svc->stderr_fd = proc_output_fd("twice-postgres-ssh-err", err, errlen)) < 0 ||
        spawn_script(svc, settings, port, err, errlen) != 0) {
        ssh_postgres_stop(svc);
        return NULL;
    }
    int status, exited;
    char why[512];
    if (postgres_wait_ready(svc->conninfo, svc->ssh, READY_TIMEOUT_MS, &status, &exited, why,
                            sizeof(why)) != 0) {
        if (exited) {
            describe_end(svc, status, err, errlen);
            svc->ssh = 0;
        } else {
            char *tail = proc_stderr_note(svc->stderr_fd, STDERR_TAIL);
            snprintf(err, errlen, "postgres on host %s: %s%s", settings->host->destination, why,
                     tail);
            free(tail);
        }
        ssh_postgres_stop(svc);
        return NULL;
    }
    return svc;
}

static int ssh_postgres_seed(service *svc, unsigned rows, char *err, size_t errlen)
{
    return postgres_seed_items(svc->conninfo, rows, err, errlen);
}

static const char *ssh_postgres_address(const service *svc)
{
    return svc->conninfo;
}

static long ssh_postgres_clients(const service *svc)
{
    return postgres_count_clients(svc->conninfo);
}

static pid_t ssh_postgres_pid(const service *svc)
{
    (void)svc;
    return -1; /* its processes are the host's */
}

static int ssh_postgres_cap_applied(const service *svc, char *why, size_t whylen)
{
    char *text = proc_output(svc->stderr_fd, 0, NULL);
    int applied = text != NULL ? supervisor_cap_note(text, why, whylen) : -1;
    free(text);
    if (applied == -1)
        snprintf(why, whylen, "the supervisor said nothing of it");
    return applied == 1 ? 1 : 0;
}

static void ssh_postgres_stop(service *svc)
{
    if (svc == NULL)
        return;
    if (svc->stdin_fd >= 0)
        close(svc->stdin_fd);
    int status;
    if (svc->ssh > 0 && !proc_wait(svc->ssh, STOP_WAIT_MS, &status))
        proc_stop_group(svc->ssh, 1000);
    ssh_host_close(&svc->host);
    if (svc->stderr_fd >= 0)
        close(svc->stderr_fd);
    free(svc);
}

const service_ops service_postgres_ssh = {
    .name = "postgres",
    .start = ssh_postgres_start,
    .seed = ssh_postgres_seed,
    .address = ssh_postgres_address,
    .clients = ssh_postgres_clients,
    .pid = ssh_postgres_pid,
    .cap_applied = ssh_postgres_cap_applied,
    .stop = ssh_postgres_stop,
};
