/*
 * test_measure_window.c - a measurement window around known work: a server
 * (a leader that burns 0.5 s of CPU and a worker that accepts) and a
 * wrk stand-in (3 connections, 0.2 s of CPU) must come out as such, with
 * their connections; a CPU hog nobody asked to measure must come out as
 * foreign CPU; a server that dies during the window, or a cgroup that is
 * not one, must be said, not measured as zero; a remote server's figures,
 * read on its host over a span of its own clock, are scaled to the window,
 * and a slow remote sample before the window is not taken for foreign work.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "gated_child.h"
#include "loopback.h"
#include "measure_window.h"

struct server {
    int listener;
    int report_fd;
};

/* The leader starts a worker that accepts every connection, then burns 0.5 s itself. */
static void serve_and_burn(void *arg)
{
    const struct server *s = arg;
    if (fork() == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        loopback_accept_forever(s->listener, s->report_fd, 's');
    }
    burn_cpu_s(0.5);
}

static uint16_t client_port;

/* wrk's stand-in: 3 connections held, 0.2 s of CPU. */
static void connect_and_burn(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        if (loopback_connect(client_port) < 0)
            _exit(1);
    burn_cpu_s(0.2);
}

static void burn_half_second(void *arg)
{
    (void)arg;
    burn_cpu_s(0.5);
}

Test(measure_window, a_server_and_a_load_generator_doing_known_work)
{
    char err[512];
    int report[2];
    cr_assert_eq(pipe(report), 0);
    struct server spec = {.report_fd = report[1]};
    spec.listener = loopback_bind(0, 0, 1, &client_port);
    cr_assert_geq(spec.listener, 0);
    gated_child server, wrk;
    cr_assert_eq(gated_child_start(&server, serve_and_burn, &spec), 0);
    cr_assert_eq(gated_child_start(&wrk, connect_and_burn, NULL), 0);

    struct measure_targets targets = {.server_groups = &server.pid,
                                      .servers = 1,
                                      .server_ports = &client_port,
                                      .nports = 1,
                                      .wrk_group = wrk.pid};
    struct measure_window w;
    cr_assert_eq(measure_window_start(&w, &targets, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(gated_child_run(&server), 0);
    cr_assert_eq(gated_child_run(&wrk), 0);
    struct pollfd ready = {.fd = report[0], .events = POLLIN};
    for (int i = 0; i < 3; i++) {
        char tag;
        cr_assert_eq(poll(&ready, 1, 10000), 1, "only %d of 3 connections accepted", i);
        cr_assert_eq(read(report[0], &tag, 1), 1);
    }
    const struct measure_result *r = measure_window_stop(&w, err, sizeof(err));
    cr_assert_not_null(r, "%s", err);

    cr_assert_eq(r->servers_count, 1);
    const struct measure_server *s = &r->servers[0];
    cr_assert(s->cpu_s > 0.3 && s->cpu_s < 1.5, "server used %.3f s", s->cpu_s);
    cr_assert_eq(s->usage.processes, 2, "the leader and its worker");
    cr_assert_eq(s->cgroup.version, 0, "no cgroup was given");
    cr_assert_eq(s->connections, 3);
    cr_assert(r->wrk_cpu_s > 0.1 && r->wrk_cpu_s < 1.0, "wrk used %.3f s", r->wrk_cpu_s);
    cr_assert_eq(r->wrk_connections, 3);
    cr_assert_float_eq(r->servers_cpu_s, s->cpu_s, 1e-12);
    cr_assert_geq(r->wall_s, 0.5);
    cr_assert_gt(r->machine.busy_s, 0.4, "busy %.3f s", r->machine.busy_s);
    /* Interrupt time is the run's own traffic: not foreign. */
    cr_assert_leq(r->machine.interrupt_s, r->machine.busy_s);
    cr_assert_float_eq(r->foreign_cpu_s,
                       machine_cpu_foreign_s(r->machine.busy_s - r->machine.interrupt_s,
                                             r->servers_cpu_s, r->wrk_cpu_s, r->twice_cpu_s),
                       1e-12);
    cr_assert_str_eq(r->notes, "");
    measure_window_free(&w);
    gated_child_stop(&server);
    gated_child_stop(&wrk);
    close(spec.listener);
    close(report[0]);
    close(report[1]);
}

Test(measure_window, a_cpu_hog_nobody_started_is_foreign_cpu)
{
    char err[256];
    gated_child hog;
    cr_assert_eq(gated_child_start(&hog, burn_half_second, NULL), 0);
    struct measure_targets nothing = {0};
    struct measure_window w;
    cr_assert_eq(measure_window_start(&w, &nothing, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(gated_child_run(&hog), 0);
    const struct measure_result *r = measure_window_stop(&w, err, sizeof(err));
    cr_assert_not_null(r, "%s", err);
    cr_assert_gt(r->foreign_cpu_s, 0.3, "foreign %.3f s of busy %.3f s", r->foreign_cpu_s,
                 r->machine.busy_s);
    cr_assert_lt(r->twice_cpu_s, 0.1, "twice itself only waited: %.3f s", r->twice_cpu_s);
    measure_window_free(&w);
    gated_child_stop(&hog);
}

Test(measure_window, a_server_that_dies_during_the_window_is_said)
{
    char err[256];
    gated_child server;
    cr_assert_eq(gated_child_start(&server, burn_half_second, NULL), 0);
    struct measure_targets targets = {.server_groups = &server.pid, .servers = 1};
    struct measure_window w;
    cr_assert_eq(measure_window_start(&w, &targets, err, sizeof(err)), 0, "%s", err);
    gated_child_stop(&server);
    const struct measure_result *r = measure_window_stop(&w, err, sizeof(err));
    cr_assert_not_null(r, "%s", err);
    cr_assert(strstr(r->notes, "server 1: no process left to measure") != NULL, "%s", r->notes);
    cr_assert_eq(r->servers[0].usage.processes, 0);
    measure_window_free(&w);
    measure_window_free(&w);
}

Test(measure_window, a_cgroup_that_is_not_one_is_said_and_its_figures_left_out)
{
    char err[256];
    pid_t group = getpgrp();
    const char *cgroups[] = {"/tmp/not-a-twice-cgroup"};
    struct measure_targets targets = {
        .server_groups = &group, .server_cgroups = cgroups, .servers = 1};
    struct measure_window w;
    cr_assert_eq(measure_window_start(&w, &targets, err, sizeof(err)), 0, "%s", err);
    const struct measure_result *r = measure_window_stop(&w, err, sizeof(err));
    cr_assert_not_null(r, "%s", err);
    cr_assert(strstr(r->notes, "server 1: /tmp/not-a-twice-cgroup: not a cgroup directory") != NULL,
              "%s", r->notes);
    cr_assert_eq(r->servers[0].cgroup.version, 0, "no cgroup figure is made up");
    cr_assert_eq(r->servers[0].cgroup.have, 0);
    measure_window_free(&w);
}

/* A host's two samples of a server, read there 10 s apart by its clock: 5 s of CPU, 400
 * throttled periods, 2 s throttled, 1 s waiting for a CPU, whatever this machine's window. */
static int host_samples(const void *context, struct server_sample *samples, char *err,
                        size_t errlen)
{
    (void)err;
    (void)errlen;
    int *taken = (int *)context;
    int end = (*taken)++ > 0;
    samples[0] = (struct server_sample){.host_time_s = 1000.0 + 10.0 * end};
    samples[0].usage = (struct proc_usage){.user_s = 4.0 * end, .system_s = 1.0 * end,
                                           .processes = 1};
    samples[0].sched = (struct schedstat){.run_s = 5.0 * end, .wait_s = 1.0 * end, .threads = 1};
    samples[0].cgroup = (struct cgroup_usage){.version = 2,
                                              .have = CGROUP_HAVE_ALL,
                                              .usage_us = 5000000 * end,
                                              .nr_periods = 1000 * end,
                                              .nr_throttled = 400 * end,
                                              .throttled_us = 2000000 * end};
    return 0;
}

/* A window of 0.2 s over one server on another host, sampled by sample (its context taken, a
 * count of the samples so far): its result, asserted there. */
static const struct measure_result *remote_window(struct measure_window *w,
                                                  measure_sample_fn sample, int *taken)
{
    char err[256];
    static pid_t group = 4242;
    struct measure_targets targets = {.server_groups = &group,
                                      .servers = 1,
                                      .sample = sample,
                                      .sample_context = taken,
                                      .servers_elsewhere = 1};
    cr_assert_eq(measure_window_start(w, &targets, err, sizeof(err)), 0, "%s", err);
    usleep(200000);
    const struct measure_result *r = measure_window_stop(w, err, sizeof(err));
    cr_assert_not_null(r, "%s", err);
    return r;
}

Test(measure_window, a_remote_servers_figures_are_scaled_from_its_hosts_span_to_the_window)
{
    int taken = 0;
    struct measure_window w;
    const struct measure_result *r = remote_window(&w, host_samples, &taken);
    const struct measure_server *s = &r->servers[0];
    double share = r->wall_s / 10.0; /* the window's part of the host's 10 s */
    cr_assert_float_eq(s->cpu_s, 5.0 * share, 1e-6);
    cr_assert_float_eq(s->usage.user_s, 4.0 * share, 1e-6);
    cr_assert_float_eq(s->sched.wait_s, 1.0 * share, 1e-6);
    cr_assert_eq(s->cgroup.nr_throttled, llround(400 * share));
    cr_assert_eq(s->cgroup.throttled_us, llround(2000000 * share));
    char said[128];
    snprintf(said, sizeof(said), "server 1: read on its host 10.00 s apart, the window being %.2f s",
             r->wall_s);
    cr_assert(strstr(r->notes, said) != NULL, "%s", r->notes);
    measure_window_free(&w);
}

/* A host whose sample takes 1.5 s of this machine's CPU before the window opens (as an ssh
 * command into a slow host takes its time), and none after. */
static int slow_host_sample(const void *context, struct server_sample *samples, char *err,
                            size_t errlen)
{
    if (*(const int *)context == 0)
        burn_cpu_s(1.5);
    return host_samples(context, samples, err, errlen);
}

Test(measure_window, a_slow_remote_sample_before_the_window_is_not_foreign_work)
{
    int taken = 0;
    struct measure_window w;
    const struct measure_result *r = remote_window(&w, slow_host_sample, &taken);
    /* The 1.5 s were spent before the window's clock and its machine figures started: in its
     * 0.2 s, 2 cores can be busy 0.4 s at most, whatever else runs beside the test. */
    cr_assert_lt(r->machine.busy_s, 0.75, "the machine's window took in the sample: %.2f s",
                 r->machine.busy_s);
    cr_assert_lt(r->foreign_cpu_s, 0.75, "%.2f s of foreign CPU", r->foreign_cpu_s);
    cr_assert_float_eq(r->servers[0].cpu_s, 5.0 * r->wall_s / 10.0, 1e-6, "both samples taken");
    measure_window_free(&w);
}
