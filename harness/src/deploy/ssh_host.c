/*
 * ssh_host.c - one inventory host, reached with the OpenSSH client. The
 * master connection is started like any child of twice (proc.c: a process
 * group of its own, killed with twice); its control socket is in a private
 * directory, /tmp/twice-ssh-PID-XXXXXX, which the next run removes when a
 * twice killed outright could not. Options come in an order that matters,
 * since ssh keeps the first value it is given for an option: first what the
 * connection sharing needs and what the inventory states, then the
 * inventory's own -o options, then the defaults they may override.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "shell_quote.h"
#include "ssh_host.h"

#define CONTROL_PREFIX "twice-ssh-"
#define CONTROL_NAME_LEN 40 /* %C: a SHA-1 in hex */
#define MASTER_WAIT_MS ((SSH_CONNECT_TIMEOUT_S + 20) * 1000)
#define EXIT_WAIT_MS 5000
#define CHECK_TIMEOUT_MS 20000
#define STDERR_TAIL 600
#define MAX_ARGS (40 + 2 * INVENTORY_MAX_SSH_OPTIONS)

typedef struct args {
    char *v[MAX_ARGS + 1];
    size_t n;
    int failed; /* out of memory */
} args;

static void add(args *a, const char *fmt, const char *value)
{
    char *arg = NULL;
    if (a->n >= MAX_ARGS || asprintf(&arg, fmt, value) < 0)
        a->failed = 1;
    else
        a->v[a->n++] = arg;
}

static void add_option(args *a, const char *fmt, const char *value)
{
    add(a, "%s", "-o");
    add(a, fmt, value);
}

char **ssh_host_argv(const ssh_host *h, ssh_role role, const char *const remote[])
{
    const inventory *inv = h->inv;
    args a = {.n = 0};
    char number[16];
    add(&a, "%s", "ssh");
    if (role != SSH_COMMAND)
        add(&a, "%s", "-n"); /* stdin from /dev/null: nothing of twice's is read */
    add_option(&a, "%s", "BatchMode=yes");
    add_option(&a, "ControlPath=%s/%%C", h->control_dir);
    if (role == SSH_MASTER) {
        add(&a, "%s", "-M");
        add(&a, "%s", "-N");
        add_option(&a, "%s", "ControlPersist=no");
    } else if (role == SSH_COMMAND) {
        add(&a, "%s", "-T");
        add_option(&a, "%s", "ControlMaster=no");
    } else {
        add(&a, "%s", "-O");
        add(&a, "%s", "exit");
    }
    if (inv->known_hosts == INVENTORY_KNOWN_HOSTS_ACCEPT_NEW) {
        add_option(&a, "%s", "StrictHostKeyChecking=accept-new");
    } else {
        add_option(&a, "%s", "StrictHostKeyChecking=yes");
        if (inv->known_hosts == INVENTORY_KNOWN_HOSTS_FILE)
            add_option(&a, "UserKnownHostsFile=%s", inv->known_hosts_file);
    }
    if (inv->identity_file != NULL) {
        add(&a, "%s", "-i");
        add(&a, "%s", inv->identity_file);
        add_option(&a, "%s", "IdentitiesOnly=yes");
    }
    for (size_t i = 0; i < inv->nssh_options; i++)
        add_option(&a, "%s", inv->ssh_options[i]);
    snprintf(number, sizeof(number), "%d", SSH_CONNECT_TIMEOUT_S);
    add_option(&a, "ConnectTimeout=%s", number);
    if (h->host->port != 0) {
        snprintf(number, sizeof(number), "%u", h->host->port);
        add(&a, "%s", "-p");
        add(&a, "%s", number);
    }
    /* Nothing after "--" is read as an option, not even after the destination. */
    add(&a, "%s", "--");
    char destination[512]; /* the inventory holds a user to 32 bytes, a host to 253 */
    snprintf(destination, sizeof(destination), "%s@%s", h->host->user, h->host->host);
    add(&a, "%s", destination);
    if (role == SSH_COMMAND) {
        char *line = shell_quote_words(remote);
        if (line != NULL)
            add(&a, "%s", line);
        else
            a.failed = 1;
        free(line);
    }
    a.v[a.n] = NULL;
    char **argv = a.failed ? NULL : malloc((a.n + 1) * sizeof(char *));
    if (argv == NULL) {
        for (size_t i = 0; i < a.n; i++)
            free(a.v[i]);
        return NULL;
    }
    memcpy(argv, a.v, (a.n + 1) * sizeof(char *));
    return argv;
}

void ssh_argv_free(char **argv)
{
    for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}

/* Empties and removes a control directory (a master's socket, or what one left). */
static void remove_control_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        char file[PATH_MAX + 256];
        if (entry->d_name[0] == '.')
            continue;
        snprintf(file, sizeof(file), "%s/%s", path, entry->d_name);
        unlink(file);
    }
    if (dir != NULL)
        closedir(dir);
    rmdir(path);
}

/* The control directories of twices that are gone (killed before they could remove them). */
static void remove_stale_control_dirs(void)
{
    DIR *dir = opendir("/tmp");
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        int pid;
        char path[PATH_MAX];
        if (sscanf(entry->d_name, CONTROL_PREFIX "%d-", &pid) != 1 || pid <= 0 ||
            kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(path, sizeof(path), "/tmp/%s", entry->d_name);
        remove_control_dir(path);
    }
    if (dir != NULL)
        closedir(dir);
}

/* 1 once the master's socket is in its directory under its final name (ssh binds a temporary
 * name, then links it once it listens). */
static int control_socket_ready(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    int ready = 0;
    while (dir != NULL && !ready && (entry = readdir(dir)) != NULL)
        ready = strlen(entry->d_name) == CONTROL_NAME_LEN;
    if (dir != NULL)
        closedir(dir);
    return ready;
}

static void pause_ms(long ms)
{
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}

/* Waits for the master to be up; -1 with err when it exits first, twice is interrupted or the
 * wait runs out. */
static int wait_master(ssh_host *h, char *err, size_t errlen)
{
    for (int waited = 0; waited < MASTER_WAIT_MS && !proc_interrupted; waited += 20) {
        int status;
        if (control_socket_ready(h->control_dir))
            return 0;
        if (proc_wait(h->master, 0, &status)) {
            char how[64], *tail = proc_output_tail(h->master_err, STDERR_TAIL);
            snprintf(err, errlen, "host %s: ssh cannot reach it (ssh %s): %s", h->host->destination,
                     proc_describe_status(status, how, sizeof(how)), tail);
            /* One message on one line: ssh ends its own with a newline. */
            size_t len = strlen(err);
            while (len > 0 && err[len - 1] == '\n')
                err[--len] = '\0';
            free(tail);
            h->master = 0;
            return -1;
        }
        pause_ms(20);
    }
    snprintf(err, errlen, "host %s: %s", h->host->destination,
             proc_interrupted ? "interrupted while ssh connected"
                              : "ssh did not connect within the time allowed");
    return -1;
}

int ssh_host_open(ssh_host *h, const inventory *inv, const inventory_host *host, char *err,
                  size_t errlen)
{
    *h = (ssh_host){.inv = inv, .host = host, .master_err = -1};
    if (host->local)
        return 0;
    remove_stale_control_dirs();
    snprintf(h->control_dir, sizeof(h->control_dir), "/tmp/" CONTROL_PREFIX "%d-XXXXXX",
             (int)getpid());
    if (mkdtemp(h->control_dir) == NULL) {
        snprintf(err, errlen, "host %s: cannot create a directory for ssh's connection: %s",
                 host->destination, strerror(errno));
        h->control_dir[0] = '\0';
        return -1;
    }
    char **argv = ssh_host_argv(h, SSH_MASTER, NULL);
    h->master_err = argv != NULL ? proc_output_fd("twice-ssh-master-err", err, errlen) : -1;
    if (argv == NULL)
        snprintf(err, errlen, "host %s: out of memory", host->destination);
    pid_t pid =
        h->master_err >= 0 ? proc_spawn(argv, -1, h->master_err, NULL, NULL, err, errlen) : -1;
    ssh_argv_free(argv);
    h->master = pid > 0 ? pid : 0;
    if (pid <= 0 || wait_master(h, err, errlen) != 0) {
        ssh_host_close(h);
        return -1;
    }
    return 0;
}

pid_t ssh_host_spawn(ssh_host *h, const char *const words[], int stdin_fd, int stdout_fd,
                     int stderr_fd, char *err, size_t errlen)
{
    char **argv = h->host->local ? (char **)words : ssh_host_argv(h, SSH_COMMAND, words);
    if (argv == NULL) {
        snprintf(err, errlen, "host %s: out of memory", h->host->destination);
        return -1;
    }
    int null = stdin_fd < 0 ? open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
    pid_t pid = proc_spawn_stdin(argv, stdin_fd >= 0 ? stdin_fd : null, stdout_fd, stderr_fd, NULL,
                                 NULL, err, errlen);
    if (null >= 0)
        close(null);
    if (!h->host->local)
        ssh_argv_free(argv);
    return pid;
}

int ssh_host_run(ssh_host *h, const char *const words[], int timeout_ms, int *status, char **out,
                 char **errout, char *err, size_t errlen)
{
    int out_fd = proc_output_fd("twice-ssh-out", err, errlen);
    int err_fd = out_fd >= 0 ? proc_output_fd("twice-ssh-err", err, errlen) : -1;
    pid_t pid = err_fd >= 0 ? ssh_host_spawn(h, words, -1, out_fd, err_fd, err, errlen) : -1;
    int rc = -1;
    if (pid > 0 && proc_wait(pid, timeout_ms, status)) {
        *out = proc_output(out_fd, 0, NULL);
        *errout = proc_output(err_fd, 0, NULL);
        rc = 0;
    } else if (pid > 0) {
        proc_stop_group(pid, 1000);
        snprintf(err, errlen, "host %s: `%s` ran past %d ms", h->host->destination, words[0],
                 timeout_ms);
    }
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    return rc;
}

/* The first line of text, without its newline, into line. */
static void first_line(const char *text, char *line, size_t len)
{
    snprintf(line, len, "%.*s", (int)strcspn(text, "\r\n"), text);
}

int ssh_host_run_output(ssh_host *h, const char *const words[], int timeout_ms, const char *what,
                        char **out, char *err, size_t errlen)
{
    int status;
    char *errout = NULL;
    *out = NULL;
    if (ssh_host_run(h, words, timeout_ms, &status, out, &errout, err, errlen) != 0)
        return -1;
    int rc = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
    if (rc != 0) {
        char how[64], said[300];
        first_line(errout, said, sizeof(said));
        snprintf(err, errlen, "host %s: %s %s%s%s", h->host->destination, what,
                 proc_describe_status(status, how, sizeof(how)), said[0] != '\0' ? ": " : "", said);
        free(*out);
        *out = NULL;
    }
    free(errout);
    return rc;
}

int ssh_host_run_line(ssh_host *h, const char *const words[], const char *what, char *line,
                      size_t len, char *err, size_t errlen)
{
    char *out;
    if (ssh_host_run_output(h, words, CHECK_TIMEOUT_MS, what, &out, err, errlen) != 0)
        return -1;
    first_line(out, line, len);
    free(out);
    return 0;
}

int ssh_host_check_program(ssh_host *h, const char *program, const char *for_what, char *err,
                           size_t errlen)
{
    char line[256], what[600];
    const char *const words[] = {"sh", "-c", "command -v \"$1\"", "sh", program, NULL};
    snprintf(what, sizeof(what), "has no %s (%s): `command -v %s`", program, for_what, program);
    return ssh_host_run_line(h, words, what, line, sizeof(line), err, errlen);
}

void ssh_host_close(ssh_host *h)
{
    if (h->master > 0) {
        char **argv = ssh_host_argv(h, SSH_CONTROL_EXIT, NULL);
        char ignored[256];
        pid_t pid =
            argv != NULL ? proc_spawn(argv, -1, -1, NULL, NULL, ignored, sizeof(ignored)) : -1;
        int status;
        if (pid > 0 && !proc_wait(pid, EXIT_WAIT_MS, &status))
            proc_stop_group(pid, 0);
        ssh_argv_free(argv);
        proc_stop_group(h->master, 2000);
        h->master = 0;
    }
    if (h->master_err >= 0)
        close(h->master_err);
    h->master_err = -1;
    if (h->control_dir[0] != '\0')
        remove_control_dir(h->control_dir);
    h->control_dir[0] = '\0';
}
