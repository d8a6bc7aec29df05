/*
 * testbed_sshd.c - an OpenSSH server per test-bed host. It runs as root
 * inside the host's namespace (`ip netns exec NS sshd -D -f CONFIG`), as a
 * daemon of its own (proc_spawn_daemon): the bed outlives the `twice
 * testbed up` that made it. It listens on the host's address only, takes
 * the bed's client key only (PermitRootLogin prohibit-password, no
 * passwords, no PAM) and keeps everything it needs in the state directory;
 * StrictModes is off because that directory belongs to root but its files
 * are not all in the modes sshd would insist on for a user's home.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "read_file.h"
#include "testbed_exec.h"
#include "testbed_sshd.h"

#define READY_TIMEOUT_MS 10000
#define LOG_TAIL 600

static int keygen(const char *path, char *err, size_t errlen)
{
    const char *const argv[] = {"ssh-keygen",    "-q", "-t", "ed25519", "-N", "", "-C",
                                "twice-testbed", "-f", path, NULL};
    return testbed_exec(argv, err, errlen);
}

int testbed_sshd_client_key(const char *state_dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", state_dir, TESTBED_CLIENT_KEY);
    return keygen(path, err, errlen);
}

static int write_config(const testbed_host *host, const char *state_dir, const char *path,
                        char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f,
            "# sshd of test-bed host %s (namespace %s), written by `twice testbed up`.\n"
            "ListenAddress %s:%d\n"
            "HostKey %s/host_key\n"
            "PidFile %s/sshd.pid\n"
            "AuthorizedKeysFile %s/%s.pub\n"
            "PermitRootLogin prohibit-password\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "UsePAM no\n"
            "StrictModes no\n"
            "PrintMotd no\n"
            "MaxStartups 100\n"
            "MaxSessions 100\n",
            host->address, host->netns, host->address, TESTBED_SSH_PORT, host->dir, host->dir,
            state_dir, TESTBED_CLIENT_KEY);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* 1 once something accepts a connection on address:port (a poll of a non-blocking connect,
 * each try bounded, so an unreachable address cannot hang the wait). */
static int accepts(const char *address, int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, address, &sin.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int ok = 0;
    if (fd >= 0 &&
        (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 || errno == EINPROGRESS)) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int error = 0;
        socklen_t len = sizeof(error);
        ok = poll(&p, 1, 200) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 &&
             error == 0;
    }
    if (fd >= 0)
        close(fd);
    return ok;
}

/* The end of sshd's log, for a failure's message (malloc'd). */
static char *log_tail(const char *log)
{
    size_t len;
    char ignored[64];
    char *text = read_file(log, &len, ignored, sizeof(ignored));
    if (text == NULL)
        return strdup("");
    char *tail = strdup(len > LOG_TAIL ? text + len - LOG_TAIL : text);
    free(text);
    return tail;
}

int testbed_sshd_start(const testbed_host *host, const char *state_dir, char *err, size_t errlen)
{
    char key[PATH_MAX + 16], config[PATH_MAX + 16], log[PATH_MAX + 16], procs[PATH_MAX + 16];
    snprintf(key, sizeof(key), "%s/host_key", host->dir);
    snprintf(config, sizeof(config), "%s/sshd_config", host->dir);
    snprintf(log, sizeof(log), "%s/sshd.log", host->dir);
    snprintf(procs, sizeof(procs), "%s/cgroup.procs", host->cgroup);
    /* sshd refuses to start without its privilege separation directory. */
    if (mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen,
                 "cannot create /run/sshd (sshd's privilege separation "
                 "directory): %s",
                 strerror(errno));
        return -1;
    }
    if (keygen(key, err, errlen) != 0 || write_config(host, state_dir, config, err, errlen) != 0)
        return -1;
    int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", log, strerror(errno));
        return -1;
    }
    char *const argv[] = {"ip",         "netns", "exec", (char *)host->netns,
                          TESTBED_SSHD, "-D",    "-f",   config,
                          "-E",         log,     NULL};
    int rc = proc_spawn_daemon(argv, log_fd, procs, err, errlen);
    close(log_fd);
    if (rc != 0)
        return -1;
    for (int waited = 0; waited < READY_TIMEOUT_MS; waited += 50) {
        if (accepts(host->address, TESTBED_SSH_PORT))
            return 0;
        struct timespec pause = {0, 50000000L};
        nanosleep(&pause, NULL);
    }
    char *tail = log_tail(log);
    snprintf(err, errlen,
             "the sshd of %s (%s) did not accept connections on port %d within "
             "%d s; its log %s ends:\n%s",
             host->netns, host->address, TESTBED_SSH_PORT, READY_TIMEOUT_MS / 1000, log, tail);
    free(tail);
    return -1;
}

int testbed_sshd_known_hosts(const testbed_host *hosts, size_t n, const char *state_dir, char *err,
                             size_t errlen)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof(path), "%s/%s", state_dir, TESTBED_KNOWN_HOSTS);
    FILE *out = fopen(path, "w");
    if (out == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char pub[PATH_MAX + 16];
        snprintf(pub, sizeof(pub), "%s/host_key.pub", hosts[i].dir);
        char *key = read_file(pub, NULL, err, errlen);
        if (key == NULL) {
            rc = -1;
            break;
        }
        /* "type base64 comment": the known_hosts line is the address, the type and the key
         * (on port 22, ssh looks a host up by its bare address). */
        char type[64], base64[512];
        if (sscanf(key, "%63s %511s", type, base64) != 2) {
            snprintf(err, errlen, "%s: not a public key", pub);
            rc = -1;
        } else {
            fprintf(out, "%s %s %s\n", hosts[i].address, type, base64);
        }
        free(key);
    }
    if (fclose(out) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}
