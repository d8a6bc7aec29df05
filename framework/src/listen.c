/*
 * listen.c - parsing "HOST:PORT" and opening the listening socket. The
 * master opens it once, before forking, so that connections queue from the
 * moment the address is announced and every worker accepts from it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"

#define TW_LISTEN_BACKLOG 4096

int tw__split_address(const char *address, char *host, size_t hostlen, char *port, size_t portlen,
                      char *err, size_t errlen)
{
    const char *colon;
    const char *host_start = address;
    size_t host_len;
    if (address[0] == '[') {
        const char *close = strchr(address, ']');
        if (close == NULL || close[1] != ':') {
            snprintf(err, errlen, "listen address \"%s\": expected [IPV6]:PORT", address);
            return -1;
        }
        host_start = address + 1;
        host_len = (size_t)(close - host_start);
        colon = close + 1;
    } else {
        colon = strrchr(address, ':');
        if (colon == NULL) {
            snprintf(err, errlen, "listen address \"%s\": expected HOST:PORT", address);
            return -1;
        }
        host_len = (size_t)(colon - address);
    }
    char *end;
    long value = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || value < 0 || value > 65535) {
        snprintf(err, errlen, "listen address \"%s\": port \"%s\" is not a number in 0-65535",
                 address, colon + 1);
        return -1;
    }
    if (host_len == 0 || host_len >= hostlen) {
        snprintf(err, errlen, "listen address \"%s\": missing or overlong host", address);
        return -1;
    }
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    snprintf(port, portlen, "%ld", value);
    return 0;
}

static int open_listener(const struct addrinfo *ai)
{
    int on = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, TW_LISTEN_BACKLOG) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static void format_bound(int fd, char *bound, size_t boundlen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
        port = ntohs(sin6->sin6_port);
        snprintf(bound, boundlen, "[%s]:%u", host, port);
    } else {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
        port = ntohs(sin->sin_port);
        snprintf(bound, boundlen, "%s:%u", host, port);
    }
}

int tw__listen(const char *address, char *bound, size_t boundlen, char *err, size_t errlen)
{
    char host[256], port[8];
    if (tw__split_address(address, host, sizeof(host), port, sizeof(port), err, errlen) != 0)
        return -1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "listen address \"%s\": %s", address, gai_strerror(gai));
        return -1;
    }
    int fd = -1, saved = 0;
    for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = open_listener(ai);
        saved = errno;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "listen address \"%s\": %s", address, strerror(saved));
        return -1;
    }
    format_bound(fd, bound, boundlen);
    return fd;
}
