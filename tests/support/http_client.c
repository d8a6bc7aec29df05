/*
 * http_client.c - the live tests' HTTP client. Deliberately simple: it
 * talks to our own servers on loopback (or on the test bed's hosts), one
 * request per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_client.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_to(const char *address, int port, const char *method, const char *target,
                   const char *body)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, address, &addr.sin_addr) != 1 || fd < 0 ||
        connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t body_len = body != NULL ? strlen(body) : 0;
    char head[2048];
    int len = snprintf(head, sizeof(head),
                       "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
                       "Content-Length: %zu\r\n\r\n",
                       method, target, address, body_len);
    if (write(fd, head, (size_t)len) != len ||
        (body_len != 0 && write(fd, body, body_len) != (ssize_t)body_len)) {
        close(fd);
        return -1;
    }
    return fd;
}

int http_send_with_body(int port, const char *method, const char *target, const char *body)
{
    return send_to("127.0.0.1", port, method, target, body);
}

int http_send(int port, const char *method, const char *target)
{
    return http_send_with_body(port, method, target, NULL);
}

static int parse_response(char *buf, size_t len, http_response *res)
{
    char *end = strstr(buf, "\r\n\r\n");
    if (end == NULL || sscanf(buf, "HTTP/1.%*d %d", &res->status) != 1)
        return -1;
    *end = '\0';
    res->head = strdup(buf);
    size_t head_len = (size_t)(end - buf) + 4;
    res->body_len = len - head_len;
    res->body = malloc(res->body_len + 1);
    memcpy(res->body, buf + head_len, res->body_len);
    res->body[res->body_len] = '\0';
    return 0;
}

int http_receive(int fd, int timeout_ms, http_response *res)
{
    memset(res, 0, sizeof(*res));
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    long long deadline = now_ms() + timeout_ms;
    int rc = -1;
    /* Connection: close, so the response ends where the stream does. */
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            buf[len] = '\0';
            rc = len > 0 ? parse_response(buf, len, res) : -1;
            break;
        }
        len += (size_t)n;
    }
    free(buf);
    close(fd);
    return rc;
}

/* One request to address:port and its whole response. */
static int request_at(const char *address, int port, const char *method, const char *target,
                      const char *body, int timeout_ms, http_response *res)
{
    memset(res, 0, sizeof(*res));
    int fd = send_to(address, port, method, target, body);
    return fd < 0 ? -1 : http_receive(fd, timeout_ms, res);
}

int http_request(int port, const char *method, const char *target, const char *body, int timeout_ms,
                 http_response *res)
{
    return request_at("127.0.0.1", port, method, target, body, timeout_ms, res);
}

int http_get(int port, const char *target, http_response *res)
{
    return http_request(port, "GET", target, NULL, 5000, res);
}

int http_get_at(const char *address, int port, const char *target, int timeout_ms,
                http_response *res)
{
    return request_at(address, port, "GET", target, NULL, timeout_ms, res);
}

const char *http_header(const http_response *res, const char *name, char *out, size_t outlen)
{
    size_t name_len = strlen(name);
    for (const char *line = strstr(res->head, "\r\n"); line != NULL;
         line = strstr(line + 2, "\r\n")) {
        const char *start = line + 2;
        if (strncasecmp(start, name, name_len) == 0 && start[name_len] == ':') {
            const char *value = start + name_len + 1;
            while (*value == ' ')
                value++;
            size_t value_len = strcspn(value, "\r");
            if (value_len >= outlen)
                value_len = outlen - 1;
            memcpy(out, value, value_len);
            out[value_len] = '\0';
            return out;
        }
    }
    return NULL;
}

void http_response_free(http_response *res)
{
    free(res->head);
    free(res->body);
    memset(res, 0, sizeof(*res));
}

size_t http_get_concurrently(int port, const char *const *targets, size_t n, int timeout_ms,
                             http_response *res)
{
    int *fds = malloc(n * sizeof(*fds));
    for (size_t i = 0; i < n; i++)
        fds[i] = http_send(port, "GET", targets[i]);
    /* Each response is read whole before the next; the server answers them all meanwhile, so
     * the wait is the slowest one, not the sum. */
    long long deadline = now_ms() + timeout_ms;
    size_t answered = 0;
    for (size_t i = 0; i < n; i++) {
        long long left = deadline - now_ms();
        memset(&res[i], 0, sizeof(res[i]));
        if (fds[i] >= 0 && http_receive(fds[i], left > 0 ? (int)left : 0, &res[i]) == 0)
            answered++;
    }
    free(fds);
    return answered;
}
