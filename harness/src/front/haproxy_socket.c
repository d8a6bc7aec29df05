/*
 * haproxy_socket.c - see haproxy_socket.h. The socket is non-blocking: a
 * connect to a HAProxy whose backlog is full (stopped, or not accepting)
 * fails at once instead of waiting for it, and every wait for the answer is a
 * poll bounded by what is left of the one deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* A connected socket with command sent, or -1 with *problem. */
static int send_command(const char *path, const char *command, const char **problem)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    size_t len = strlen(command);
    if (strlen(path) >= sizeof(addr.sun_path)) {
        *problem = "its path is too long for a unix socket";
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        write(fd, command, len) != (ssize_t)len) {
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

char *haproxy_socket_ask(const char *path, const char *command, int timeout_ms, char *err,
                         size_t errlen)
{
    long long deadline = now_ms() + timeout_ms;
    const char *problem = NULL;
    char quoted[MESSAGE_QUOTE_SIZE], *text = NULL;
    int fd = send_command(path, command, &problem);
    if (fd < 0) {
        snprintf(err, errlen, "haproxy's stats socket %s does not answer: %s",
                 message_quote(quoted, sizeof(quoted), path), problem);
        return NULL;
    }
    problem = read_answer(fd, deadline, &text);
    close(fd);
    if (problem != NULL) {
        snprintf(err, errlen, "haproxy's stats socket %s: %s",
                 message_quote(quoted, sizeof(quoted), path), problem);
        free(text);
        return NULL;
    }
    return text;
}
