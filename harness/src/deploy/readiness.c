/*
 * readiness.c - a server's announcement read from its stdout, and an HTTP
 * probe over the network: the probe connects without blocking and polls, so
 * a host that does not answer costs a bounded wait, not a hang.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proc.h"
#include "readiness.h"

#define ANNOUNCEMENT "listening on "
#define PROBE_WAIT_MS 2000

int readiness_announced_port(int out_fd)
{
    char *text = proc_output_tail(out_fd, 4096);
    const char *at = strstr(text, ANNOUNCEMENT);
    int port = 0;
    if (at != NULL) {
        /* HOST:PORT up to the next space; the port follows the last ':' (an IPv6 host has
         * several). */
        const char *address = at + strlen(ANNOUNCEMENT);
        size_t len = strcspn(address, " \n");
        const char *colon = NULL;
        for (const char *c = address; c < address + len; c++)
            colon = *c == ':' ? c : colon;
        port = colon != NULL ? atoi(colon + 1) : 0;
    }
    free(text);
    return port > 0 && port <= 65535 ? port : 0;
}

/* A socket connected to host:port within PROBE_WAIT_MS, or -1. */
static int connect_bounded(const char *host, int port)
{
    char service[8];
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *found;
    snprintf(service, sizeof(service), "%d", port);
    if (getaddrinfo(host, service, &hints, &found) != 0)
        return -1;
    int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int ok = 0;
    if (fd >= 0 && (connect(fd, found->ai_addr, found->ai_addrlen) == 0 || errno == EINPROGRESS)) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int error = 0;
        socklen_t len = sizeof(error);
        ok = poll(&p, 1, PROBE_WAIT_MS) == 1 &&
             getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
    }
    freeaddrinfo(found);
    if (!ok && fd >= 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int readiness_answers(const char *host, int port, const char *route)
{
    int fd = connect_bounded(host, port);
    char *request = NULL, reply[16] = "";
    int ok = 0, len = -1;
    /* Sized to the route: a request cut short would probe another path, or none. */
    if (fd >= 0)
        len = asprintf(&request, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", route,
                       host);
    if (len > 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        /* A few bytes to a fresh connection: the socket buffer takes them at once. */
        ok = write(fd, request, (size_t)len) == len && poll(&p, 1, PROBE_WAIT_MS) == 1 &&
             read(fd, reply, sizeof(reply) - 1) > 5 && strncmp(reply, "HTTP/", 5) == 0;
        free(request);
    }
    if (fd >= 0)
        close(fd);
    return ok;
}
