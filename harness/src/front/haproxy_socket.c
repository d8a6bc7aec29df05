/*
 * haproxy_socket.c - see haproxy_socket.h. The socket is non-blocking: a
 * connect to a HAProxy whose backlog is full (stopped, or not accepting)
 * fails at once instead of waiting for it, a TCP connect still under way is
 * waited for within the deadline, and every wait for the answer is a poll
 * bounded by what is left of the one deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "haproxy_socket.h"
#include "haproxy_stat.h"
#include "message_text.h"

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Fills addr with the socket where names: NULL, or why where names none. */
static const char *address_of(const char *where, struct sockaddr_storage *addr, socklen_t *len)
{
    memset(addr, 0, sizeof(*addr));
    if (strncmp(where, HAPROXY_SOCKET_TCP_PREFIX, strlen(HAPROXY_SOCKET_TCP_PREFIX)) != 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)addr;
        if (strlen(where) >= sizeof(un->sun_path))
            return "its path is too long for a unix socket";
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, where, strlen(where));
        *len = sizeof(*un);
        return NULL;
    }
    struct sockaddr_in *in = (struct sockaddr_in *)addr;
    char host[INET_ADDRSTRLEN];
    const char *at = where + strlen(HAPROXY_SOCKET_TCP_PREFIX), *colon = strrchr(at, ':');
    char *end;
    unsigned long port = colon != NULL ? strtoul(colon + 1, &end, 10) : 0;
    if (colon == NULL || (size_t)(colon - at) >= sizeof(host) || colon[1] < '0' || colon[1] > '9' ||
        *end != '\0' || port == 0 || port > UINT16_MAX)
        return "not ipv4@ADDRESS:PORT";
    memcpy(host, at, (size_t)(colon - at));
    host[colon - at] = '\0';
    if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
        return "not ipv4@ADDRESS:PORT with an IPv4 address";
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    *len = sizeof(*in);
    return NULL;
}

/* Waits before deadline for fd's connect, under way, to end; NULL, or what went wrong. */
static const char *finish_connect(int fd, long long deadline)
{
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    int ready;
    do {
        long long left = deadline - now_ms();
        ready = left > 0 ? poll(&pfd, 1, (int)left) : 0;
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0)
        return ready == 0 ? "no connection in time" : strerror(errno);
    int error = 0;
    socklen_t len = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0)
        return strerror(errno);
    return error != 0 ? strerror(error) : NULL;
}

/* A connected socket with command sent, or -1 with *problem. */
static int send_command(const char *where, const char *command, long long deadline,
                        const char **problem)
{
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    size_t len = strlen(command);
    if ((*problem = address_of(where, &addr, &addr_len)) != NULL)
        return -1;
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int connected = fd >= 0 && connect(fd, (struct sockaddr *)&addr, addr_len) == 0;
    if (fd >= 0 && !connected && errno == EINPROGRESS)
        connected = (*problem = finish_connect(fd, deadline)) == NULL;
    if (!connected || write(fd, command, len) != (ssize_t)len) {
        if (*problem == NULL)
            *problem = errno == EAGAIN ? "it accepts no connection now (its backlog is full)"
                                       : strerror(errno);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Reads fd to its end into *text (malloc'd) before deadline; NULL, or what went wrong. */
static const char *read_answer(int fd, long long deadline, char **text)
{
    size_t cap = 65536, len = 0;
    if ((*text = malloc(cap)) == NULL)
        return "out of memory";
    for (;;) {
        if (len + 1 == cap) {
            char *more = cap > HAPROXY_STAT_MAX_BYTES ? NULL : realloc(*text, cap * 2);
            if (more == NULL)
                return cap > HAPROXY_STAT_MAX_BYTES ? "the answer is longer than any `show stat`"
                                                    : "out of memory";
            *text = more;
            cap *= 2;
        }
        ssize_t got = read(fd, *text + len, cap - len - 1);
        if (got == 0)
            break;
        if (got > 0) {
            len += (size_t)got;
            continue;
        }
        if (errno != EAGAIN && errno != EINTR)
            return strerror(errno);
        long long left = deadline - now_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || (poll(&pfd, 1, (int)left) < 0 && errno != EINTR))
            return "no whole answer in time";
    }
    (*text)[len] = '\0';
    return NULL;
}

char *haproxy_socket_ask(const char *where, const char *command, int timeout_ms, char *err,
                         size_t errlen)
{
    long long deadline = now_ms() + timeout_ms;
    const char *problem = NULL;
    char quoted[MESSAGE_QUOTE_SIZE], *text = NULL;
    int fd = send_command(where, command, deadline, &problem);
    if (fd < 0) {
        snprintf(err, errlen, "haproxy's stats socket %s does not answer: %s",
                 message_quote(quoted, sizeof(quoted), where), problem);
        return NULL;
    }
    problem = read_answer(fd, deadline, &text);
    close(fd);
    if (problem != NULL) {
        snprintf(err, errlen, "haproxy's stats socket %s: %s",
                 message_quote(quoted, sizeof(quoted), where), problem);
        free(text);
        return NULL;
    }
    return text;
}
