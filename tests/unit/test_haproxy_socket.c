/*
 * test_haproxy_socket.c - one command on a stats socket against stand-ins for
 * HAProxy on a unix socket in a scratch folder: one that answers, one that
 * answers a byte at a time and never ends (the deadline holds for the whole
 * answer, not for each byte), one that accepts nothing (a full backlog fails
 * at once instead of waiting), and no socket at all; and the same exchange
 * on a TCP stats socket (a HAProxy on another host), here on loopback, with
 * the names that are not one refused.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "haproxy_socket.h"
#include "scratch_dir.h"

TestSuite(haproxy_socket, .init = scratch_make, .fini = scratch_remove, .timeout = 30);

static char err[1024];

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A listening socket at path with the given backlog. */
static int listen_at(const char *path, int backlog)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    cr_assert_eq(listen(fd, backlog), 0);
    return fd;
}

/* A child that accepts one connection, reads the command and answers: whole (trickle 0), or a
 * byte every 20 ms without end. */
static pid_t serve(int listener, int trickle)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = accept(listener, NULL, NULL);
        char command[64];
        ssize_t got = read(fd, command, sizeof(command));
        const char *answer = got == 10 && memcmp(command, "show stat\n", 10) == 0
                                 ? "# pxname,svname\nservers,s1\n"
                                 : "wrong command\n";
        if (!trickle) {
            ssize_t sent = write(fd, answer, strlen(answer));
            _exit(sent == (ssize_t)strlen(answer) ? 0 : 1);
        }
        for (;;) {
            struct timespec pause = {0, 20000000};
            if (write(fd, "x", 1) != 1)
                _exit(1);
            nanosleep(&pause, NULL);
        }
    }
    return pid;
}

static void end(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

Test(haproxy_socket, the_whole_answer_to_one_command)
{
    char *path = scratch_path("stats.sock");
    int listener = listen_at(path, 4);
    pid_t pid = serve(listener, 0);
    char *text = haproxy_socket_ask(path, "show stat\n", 2000, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    cr_assert_str_eq(text, "# pxname,svname\nservers,s1\n");
    free(text);
    end(pid);
    close(listener);
    free(path);
}

/* Each byte comes well within the timeout: only a deadline for the whole answer ends it. */
Test(haproxy_socket, an_answer_that_never_ends_stops_at_the_deadline)
{
    char *path = scratch_path("stats.sock");
    int listener = listen_at(path, 4);
    pid_t pid = serve(listener, 1);
    long long start = now_ms();
    char *text = haproxy_socket_ask(path, "show stat\n", 500, err, sizeof(err));
    long long took = now_ms() - start;
    end(pid);
    cr_assert_null(text);
    cr_assert(strstr(err, "stats.sock\": no whole answer in time") != NULL, "%s", err);
    cr_assert_lt(took, 2000, "took %lld ms for a 500 ms deadline", took);
    close(listener);
    free(path);
}

/* A HAProxy that accepts nothing (stopped): once its backlog is full, a blocking connect would
 * wait for it for ever. */
Test(haproxy_socket, a_socket_that_accepts_nothing_fails_at_once)
{
    char *path = scratch_path("stats.sock");
    int listener = listen_at(path, 0);
    char *first = haproxy_socket_ask(path, "show stat\n", 100, err, sizeof(err));
    cr_assert_null(first, "nothing answers");
    long long start = now_ms();
    char *text = NULL;
    /* Linux takes backlog + 1 pending connections; a few more asks fill it whatever it is. */
    for (int i = 0; i < 4 && (text == NULL || strstr(err, "accepts no connection") == NULL); i++)
        text = haproxy_socket_ask(path, "show stat\n", 100, err, sizeof(err));
    cr_assert_null(text);
    cr_assert(strstr(err, "does not answer: it accepts no connection now") != NULL, "%s", err);
    cr_assert_lt(now_ms() - start, 2000);
    close(listener);
    free(path);
}

Test(haproxy_socket, no_socket_is_said_with_its_path)
{
    char *path = scratch_path("none.sock");
    cr_assert_null(haproxy_socket_ask(path, "show stat\n", 100, err, sizeof(err)));
    cr_assert(strstr(err, "none.sock\" does not answer: No such file or directory") != NULL, "%s",
              err);
    free(path);
}

/* A TCP listener on 127.0.0.1 at a port the kernel picks; the port in *port. */
static int listen_tcp(int *port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    cr_assert_eq(listen(fd, 4), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    *port = ntohs(addr.sin_port);
    return fd;
}

Test(haproxy_socket, a_tcp_stats_socket_answers_the_same)
{
    int port;
    int listener = listen_tcp(&port);
    pid_t pid = serve(listener, 0);
    char where[64];
    snprintf(where, sizeof(where), "ipv4@127.0.0.1:%d", port);
    char *text = haproxy_socket_ask(where, "show stat\n", 2000, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    cr_assert_str_eq(text, "# pxname,svname\nservers,s1\n");
    free(text);
    end(pid);
    /* Nothing listens there any more: refused, said with the address. */
    close(listener);
    cr_assert_null(haproxy_socket_ask(where, "show stat\n", 2000, err, sizeof(err)));
    char expected[128];
    snprintf(expected, sizeof(expected), "\"%s\" does not answer: Connection refused", where);
    cr_assert(strstr(err, expected) != NULL, "%s", err);
}

Test(haproxy_socket, a_tcp_stats_socket_that_never_ends_stops_at_the_deadline)
{
    int port;
    int listener = listen_tcp(&port);
    pid_t pid = serve(listener, 1);
    char where[64];
    snprintf(where, sizeof(where), "ipv4@127.0.0.1:%d", port);
    long long start = now_ms();
    cr_assert_null(haproxy_socket_ask(where, "show stat\n", 500, err, sizeof(err)));
    long long took = now_ms() - start;
    end(pid);
    cr_assert(strstr(err, "no whole answer in time") != NULL, "%s", err);
    cr_assert_lt(took, 2000, "took %lld ms for a 500 ms deadline", took);
    close(listener);
}

Test(haproxy_socket, a_tcp_name_that_is_not_one_is_refused)
{
    const char *const bad[] = {"ipv4@127.0.0.1",       "ipv4@127.0.0.1:",   "ipv4@127.0.0.1:0",
                               "ipv4@127.0.0.1:65536", "ipv4@127.0.0.1:8x", "ipv4@127.0.0.1:-1",
                               "ipv4@localhost:80",    "ipv4@::1:80",       "ipv4@:80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_null(haproxy_socket_ask(bad[i], "show stat\n", 100, err, sizeof(err)), "%s",
                       bad[i]);
        cr_assert(strstr(err, "does not answer: not ipv4@ADDRESS:PORT") != NULL, "%s: %s", bad[i],
                  err);
    }
}
