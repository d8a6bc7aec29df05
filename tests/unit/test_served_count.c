/*
 * test_served_count.c - reading twice-app's answers to "how many requests
 * have you served": only whole lines count, the newest answer wins, and a
 * server that does not answer, or cannot be asked, leaves its count unknown
 * with a reason naming it. The servers here are stand-ins forked by the test
 * that answer SIGUSR1 the way twice-app does, or not at all.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deploy.h"
#include "served_count.h"

TestSuite(served_count, .timeout = 30);

static unsigned lines_of(const char *text, served_reading *newest)
{
    return served_count_lines(text, strlen(text), newest);
}

Test(served_count, only_whole_answers_count_and_the_newest_wins)
{
    served_reading newest = {99, 1.5};
    cr_assert_eq(lines_of("", &newest), 0);
    cr_assert_eq(newest.count, 99, "no answer leaves the reading alone");
    cr_assert_float_eq(newest.at_s, 1.5, 1e-9);
    cr_assert_eq(lines_of("twice-app listening on 127.0.0.1:1 model=process\n"
                          "twice-app: served 0 requests at 10.000001\n"
                          "twice-app: served 12 requests at 12.25\n",
                          &newest),
                 2);
    cr_assert_eq(newest.count, 12);
    cr_assert_float_eq(newest.at_s, 12.25, 1e-9);
    /* The last answer is still being written: it is not one yet. */
    cr_assert_eq(lines_of("twice-app: served 12 requests at 3.5\ntwice-app: served 13 requests at 4",
                          &newest),
                 1);
    cr_assert_eq(newest.count, 12);
    cr_assert_eq(lines_of("twice-app: served 12 requests at 3.5\n"
                          "twice-app: served 13 requests at 4.000000001\n",
                          &newest),
                 2);
    cr_assert_eq(newest.count, 13);
    cr_assert_float_eq(newest.at_s, 4.000000001, 1e-12);
}

Test(served_count, lines_that_only_look_like_answers_are_skipped)
{
    served_reading newest = {5, 1};
    const char *const not_answers[] = {
        "twice-app: served  requests at 1.0\n",
        "twice-app: served -3 requests at 1.0\n",
        "twice-app: served 3x requests at 1.0\n",
        "twice-app: served 3 request at 1.0\n",
        "twice-app: served 3 requests at 1.0 \n",
        " twice-app: served 3 requests at 1.0\n",
        "twice-app: served 3 requests\n", /* no time: an older twice-app */
        "twice-app: served 3 requests at \n",
        "twice-app: served 3 requests at 1\n",
        "twice-app: served 3 requests at 1.\n",
        "twice-app: served 3 requests at .5\n",
        "twice-app: served 3 requests at -1.5\n",
        "twice-app: served 3 requests at 1.0000000001\n", /* past nanoseconds */
        "twice-app: served 3 requests at 4294967296.0\n", /* past 2^32 seconds */
        "twice-app: served 9223372036854775808 requests at 1.0\n", /* past a long long */
        "twice-app: served 99999999999999999999999 requests at 1.0\n",
    };
    for (size_t i = 0; i < sizeof(not_answers) / sizeof(not_answers[0]); i++) {
        cr_assert_eq(lines_of(not_answers[i], &newest), 0, "%s", not_answers[i]);
        cr_assert_eq(newest.count, 5);
    }
    cr_assert_eq(lines_of("twice-app: served 9223372036854775807 requests at 4294967295.5\n",
                          &newest),
                 1);
    cr_assert_eq(newest.count, 9223372036854775807LL);
    cr_assert_float_eq(newest.at_s, 4294967295.5, 1e-6);
}

Test(served_count, a_window_counts_at_the_servers_own_rate)
{
    served_reading opened = {1000, 100.0}, closed = {3000, 104.0};
    /* 2000 requests in the 4 s between its answers: 500 a second, over a 5 s window. */
    cr_assert_eq(served_count_in_window(&opened, &closed, 5.0), 2500);
    cr_assert_eq(served_count_in_window(&opened, &closed, 4.0), 2000);
    served_reading unknown = {-1, 100.0}, fewer = {999, 105.0}, same_time = {3000, 100.0};
    cr_assert_eq(served_count_in_window(&unknown, &closed, 5.0), -1);
    cr_assert_eq(served_count_in_window(&opened, &fewer, 5.0), -1, "a count went back");
    cr_assert_eq(served_count_in_window(&opened, &same_time, 5.0), -1, "no time between them");
    cr_assert_eq(served_count_in_window(&closed, &opened, 5.0), -1, "out of order");
}

/* A stand-in server: on each SIGUSR1 it writes an answer with a growing count to out, in
 * two pieces with a pause between (a reader may look in the middle); or, when silent,
 * ignores the signal. */
static pid_t stand_in(int out, int silent)
{
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        if (silent) {
            signal(SIGUSR1, SIG_IGN);
            sigprocmask(SIG_UNBLOCK, &usr1, NULL);
            for (;;)
                pause();
        }
        for (unsigned served = 7;; served += 10) {
            int sig;
            sigwait(&usr1, &sig);
            dprintf(out, "twice-app: ser");
            usleep(30000);
            dprintf(out, "ved %u requests at %u.5\n", served, served);
        }
    }
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    return pid;
}

static void stop_stand_ins(deployment *d)
{
    for (unsigned i = 0; i < d->n; i++) {
        if (d->pids[i] > 0) {
            kill(d->pids[i], SIGKILL);
            waitpid(d->pids[i], NULL, 0);
        }
        if (d->stdout_fds[i] >= 0)
            close(d->stdout_fds[i]);
    }
}

static deployment d; /* large: static rather than on the stack */

static void deploy_stand_ins(unsigned n, const int *silent)
{
    memset(&d, 0, sizeof(d));
    d.deployer = &deployer_local;
    d.n = n;
    for (unsigned i = 0; i < n; i++) {
        d.stdout_fds[i] = memfd_create("served-count-test", MFD_CLOEXEC);
        cr_assert_geq(d.stdout_fds[i], 0);
        d.pids[i] = stand_in(d.stdout_fds[i], silent[i]);
    }
}

Test(served_count, every_server_asked_at_once_and_each_new_answer_taken)
{
    const int silent[] = {0, 0};
    served_reading readings[2];
    char why[200];
    deploy_stand_ins(2, silent);
    served_count_take(&d, readings, why, sizeof(why));
    cr_assert_str_eq(why, "");
    cr_assert_eq(readings[0].count, 7);
    cr_assert_eq(readings[1].count, 7);
    served_count_take(&d, readings, why, sizeof(why));
    cr_assert_str_eq(why, "");
    cr_assert_eq(readings[0].count, 17, "the new answer, not the one before");
    cr_assert_float_eq(readings[0].at_s, 17.5, 1e-9, "with the time it gave");
    cr_assert_eq(readings[1].count, 17);
    stop_stand_ins(&d);
}

Test(served_count, a_silent_server_is_named_and_its_count_unknown)
{
    const int silent[] = {0, 1};
    served_reading readings[2];
    char why[200];
    deploy_stand_ins(2, silent);
    served_count_take(&d, readings, why, sizeof(why));
    cr_assert_eq(readings[0].count, 7, "the other server's answer is still taken");
    cr_assert_eq(readings[1].count, -1);
    cr_assert_str_eq(why, "server 2 did not say how many requests it served within 1000 ms");
    stop_stand_ins(&d);
}

Test(served_count, a_server_without_a_kept_stdout_or_gone_is_not_asked)
{
    const int silent[] = {0, 0};
    served_reading readings[2];
    char why[200];
    deploy_stand_ins(2, silent);
    close(d.stdout_fds[0]);
    d.stdout_fds[0] = -1; /* a command target: no stdout kept */
    served_count_take(&d, readings, why, sizeof(why));
    cr_assert_eq(readings[0].count, -1);
    cr_assert_eq(readings[1].count, 7);
    cr_assert_str_eq(why, "server 1 does not say how many requests it served (twice-app does)");
    kill(d.pids[1], SIGKILL);
    waitpid(d.pids[1], NULL, 0);
    d.pids[1] = 0; /* stopped, found dead */
    served_count_take(&d, readings, why, sizeof(why));
    cr_assert_eq(readings[1].count, -1);
    stop_stand_ins(&d);
}
