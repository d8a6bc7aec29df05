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

static unsigned lines_of(const char *text, uint64_t *newest)
{
    return served_count_lines(text, strlen(text), newest);
}

Test(served_count, only_whole_answers_count_and_the_newest_wins)
{
    uint64_t newest = 99;
    cr_assert_eq(lines_of("", &newest), 0);
    cr_assert_eq(newest, 99, "no answer leaves the count alone");
    cr_assert_eq(lines_of("twice-app listening on 127.0.0.1:1 model=process\n"
                          "twice-app: served 0 requests\n"
                          "twice-app: served 12 requests\n",
                          &newest),
                 2);
    cr_assert_eq(newest, 12);
    /* The last answer is still being written: it is not one yet. */
    cr_assert_eq(lines_of("twice-app: served 12 requests\ntwice-app: served 13", &newest), 1);
    cr_assert_eq(newest, 12);
    cr_assert_eq(
        lines_of("twice-app: served 12 requests\ntwice-app: served 13 requests\n", &newest), 2);
    cr_assert_eq(newest, 13);
}

Test(served_count, lines_that_only_look_like_answers_are_skipped)
{
    uint64_t newest = 5;
    const char *const not_answers[] = {
        "twice-app: served  requests\n",
        "twice-app: served -3 requests\n",
        "twice-app: served 3x requests\n",
        "twice-app: served 3 request\n",
        "twice-app: served 3 requests \n",
        " twice-app: served 3 requests\n",
        "twice-app: served 9223372036854775808 requests\n", /* past a long long */
        "twice-app: served 99999999999999999999999 requests\n",
    };
    for (size_t i = 0; i < sizeof(not_answers) / sizeof(not_answers[0]); i++) {
        cr_assert_eq(lines_of(not_answers[i], &newest), 0, "%s", not_answers[i]);
        cr_assert_eq(newest, 5);
    }
    cr_assert_eq(lines_of("twice-app: served 9223372036854775807 requests\n", &newest), 1);
    cr_assert_eq(newest, 9223372036854775807ULL);
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
            dprintf(out, "ved %u requests\n", served);
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
    long long counts[2];
    char why[200];
    deploy_stand_ins(2, silent);
    served_count_take(&d, counts, why, sizeof(why));
    cr_assert_str_eq(why, "");
    cr_assert_eq(counts[0], 7);
    cr_assert_eq(counts[1], 7);
    served_count_take(&d, counts, why, sizeof(why));
    cr_assert_str_eq(why, "");
    cr_assert_eq(counts[0], 17, "the new answer, not the one before");
    cr_assert_eq(counts[1], 17);
    stop_stand_ins(&d);
}

Test(served_count, a_silent_server_is_named_and_its_count_unknown)
{
    const int silent[] = {0, 1};
    long long counts[2];
    char why[200];
    deploy_stand_ins(2, silent);
    served_count_take(&d, counts, why, sizeof(why));
    cr_assert_eq(counts[0], 7, "the other server's answer is still taken");
    cr_assert_eq(counts[1], -1);
    cr_assert_str_eq(why, "server 2 did not say how many requests it served within 1000 ms");
    stop_stand_ins(&d);
}

Test(served_count, a_server_without_a_kept_stdout_or_gone_is_not_asked)
{
    const int silent[] = {0, 0};
    long long counts[2];
    char why[200];
    deploy_stand_ins(2, silent);
    close(d.stdout_fds[0]);
    d.stdout_fds[0] = -1; /* a command target: no stdout kept */
    served_count_take(&d, counts, why, sizeof(why));
    cr_assert_eq(counts[0], -1);
    cr_assert_eq(counts[1], 7);
    cr_assert_str_eq(why, "server 1 does not say how many requests it served (twice-app does)");
    kill(d.pids[1], SIGKILL);
    waitpid(d.pids[1], NULL, 0);
    d.pids[1] = 0; /* stopped, found dead */
    served_count_take(&d, counts, why, sizeof(why));
    cr_assert_eq(counts[1], -1);
    stop_stand_ins(&d);
}
