/*
 * test_measure_connections.c - connections counted from the kernel's socket
 * table, on loopback: a child that opened 3 connections holds 3 (wrk's
 * side), and two servers sharing a port through SO_REUSEPORT each hold
 * exactly the connections their acceptor (a worker, not the group's leader)
 * says it took (the server side, for the front's imbalance).
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "connections.h"
#include "gated_child.h"
#include "loopback.h"

struct clients {
    uint16_t port;
    int count;
};

/* Opens the connections and keeps them: the child waits to be killed. */
static void open_connections(void *arg)
{
    const struct clients *c = arg;
    for (int i = 0; i < c->count; i++)
        if (loopback_connect(c->port) < 0)
            _exit(1);
}

Test(connections, a_child_with_three_connections_open_has_three)
{
    uint16_t port, other;
    char err[256];
    int listener = loopback_bind(0, 0, 1, &port);
    int unrelated = loopback_bind(0, 0, 1, &other);
    cr_assert(listener >= 0 && unrelated >= 0);
    struct clients clients = {port, 3};
    gated_child child;
    cr_assert_eq(gated_child_start(&child, open_connections, &clients), 0);
    cr_assert_eq(gated_child_run(&child), 0);

    long open = measure_open_connections(child.pid, &port, 1, err, sizeof(err));
    cr_assert_eq(open, 3, "%ld open (%s)", open, err);
    cr_assert_eq(measure_open_connections(child.pid, &other, 1, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(measure_open_connections(child.pid, NULL, 0, err, sizeof(err)), 3, "%s", err);
    /* The listener's side: completed, never accepted, so held by no process yet. */
    cr_assert_eq(measure_server_connections(getpgrp(), &port, 1, err, sizeof(err)), 0, "%s", err);

    pid_t gone = child.pid;
    gated_child_stop(&child);
    cr_assert_eq(measure_open_connections(gone, &port, 1, err, sizeof(err)), -1);
    char expected[64];
    snprintf(expected, sizeof(expected), "process %d", (int)gone);
    cr_assert(strstr(err, expected) != NULL, "%s", err);
    close(listener);
    close(unrelated);
}

struct server {
    uint16_t port;
    int report_fd;
    char tag;
};

/* A server as the harness starts one: a leader that listens and a worker in its process group
 * that accepts (and holds) every connection. */
static void serve(void *arg)
{
    const struct server *s = arg;
    uint16_t bound;
    int listener = loopback_bind(s->port, 1, 1, &bound);
    if (listener < 0)
        _exit(1);
    if (fork() == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        loopback_accept_forever(listener, s->report_fd, s->tag);
    }
    close(listener);
}

Test(connections, each_server_holds_the_connections_its_workers_accepted)
{
    enum { CLIENTS = 8 };
    uint16_t port;
    char err[256];
    int report[2];
    cr_assert_eq(pipe(report), 0);
    /* Bound without listening: the port is reserved, yet gets no connection. */
    int reserved = loopback_bind(0, 1, 0, &port);
    cr_assert_geq(reserved, 0);
    struct server specs[2] = {{port, report[1], 'a'}, {port, report[1], 'b'}};
    gated_child servers[2];
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(gated_child_start(&servers[i], serve, &specs[i]), 0);
        cr_assert_eq(gated_child_run(&servers[i]), 0);
    }
    close(reserved);
    int clients[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        cr_assert_geq(clients[i] = loopback_connect(port), 0);
    long accepted[2] = {0, 0};
    struct pollfd ready = {.fd = report[0], .events = POLLIN};
    for (int i = 0; i < CLIENTS; i++) {
        char tag;
        cr_assert_eq(poll(&ready, 1, 10000), 1, "only %d of %d connections accepted", i, CLIENTS);
        cr_assert_eq(read(report[0], &tag, 1), 1);
        accepted[tag - 'a']++;
    }

    for (int i = 0; i < 2; i++) {
        long counted = measure_server_connections(servers[i].pid, &port, 1, err, sizeof(err));
        cr_assert_eq(counted, accepted[i], "server %d: counted %ld, accepted %ld (%s)", i + 1,
                     counted, accepted[i], err);
    }
    uint16_t elsewhere = (uint16_t)(port + 1);
    cr_assert_eq(measure_server_connections(servers[0].pid, &elsewhere, 1, err, sizeof(err)), 0);

    pid_t gone = servers[0].pid;
    for (int i = 0; i < 2; i++)
        gated_child_stop(&servers[i]);
    /* The worker dies of its SIGKILL a moment after its leader was reaped. */
    long left = 0;
    for (int tries = 0; tries < 500 && left >= 0; tries++) {
        left = measure_server_connections(gone, &port, 1, err, sizeof(err));
        usleep(10000);
    }
    cr_assert_eq(left, -1);
    cr_assert(strstr(err, "no live process") != NULL, "%s", err);
    for (int i = 0; i < CLIENTS; i++)
        close(clients[i]);
    close(report[0]);
    close(report[1]);
}
