/*
 * test_served_count.c - twice-app's own count of the requests it served, as
 * the harness reads it (SIGUSR1, then a line on stdout): exact in every
 * model with two workers, and kept when a worker dies and is replaced, so
 * that a window's difference of two counts is the requests in it.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "app_process.h"
#include "http_client.h"

TestSuite(served_count, .timeout = 90);

#define BATCH 200
#define ANSWER_MS 2000

static void get_batch(const app_process *app, const char *model)
{
    for (int i = 0; i < BATCH; i++) {
        http_response res;
        cr_assert_eq(http_get(app->port, i % 2 ? "/plaintext" : "/json", &res), 0, "%s: request %d",
                     model, i + 1);
        cr_assert_eq(res.status, 200);
        http_response_free(&res);
    }
}

/* 1 once app's master has two workers again, neither of them gone (a replacement started). */
static int replaced(const app_process *app, pid_t gone)
{
    for (int waited = 0; waited < 5000; waited += 50) {
        size_t n;
        pid_t *workers = children_of(app->pid, &n);
        int done = n == 2 && workers[0] != gone && workers[1] != gone;
        free(workers);
        if (done)
            return 1;
        sleep_ms(50);
    }
    return 0;
}

static void counts_exactly(const char *model)
{
    const char *const args[] = {"--model", model, "--workers", "2", NULL};
    app_process app;
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0, "%s did not start", model);
    cr_assert_eq(app_served(&app, ANSWER_MS), 0, "%s: nothing served yet", model);
    get_batch(&app, model);
    cr_assert_eq(app_served(&app, ANSWER_MS), BATCH, "%s: one count per response", model);
    cr_assert_eq(app_served(&app, ANSWER_MS), BATCH, "%s: asking serves nothing", model);

    /* Kill both workers, one after the other: every response of the first batch was then
     * counted by a worker that is gone, and the replacements go on from their counts. */
    size_t n;
    pid_t *workers = wait_children(app.pid, 2, 5000, &n);
    cr_assert_eq(n, 2, "%s: two workers", model);
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(kill(workers[i], SIGKILL), 0);
        cr_assert(replaced(&app, workers[i]), "%s: worker %zu was replaced", model, i + 1);
    }
    free(workers);
    cr_assert_eq(app_served(&app, ANSWER_MS), BATCH, "%s: the dead workers' counts are kept",
                 model);
    get_batch(&app, model);
    cr_assert_eq(app_served(&app, ANSWER_MS), 2 * BATCH, "%s: and the new ones add to them", model);

    /* SIGUSR1 is the master's: a worker sent it (as by a signal to the whole process group)
     * ignores it and serves on. */
    workers = wait_children(app.pid, 2, 5000, &n);
    cr_assert_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(kill(workers[i], SIGUSR1), 0);
    sleep_ms(200);
    cr_assert(process_alive(workers[0]) && process_alive(workers[1]),
              "%s: a worker died of SIGUSR1", model);
    free(workers);
    cr_assert_eq(app_served(&app, ANSWER_MS), 2 * BATCH, "%s", model);
    char *report;
    int status = app_stop_checked(&app, 10000, &report);
    cr_assert_null(report, "sanitizer report: %s", report);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: clean exit, got %d", model,
              status);
}

Test(served_count, process_counts_every_response_across_a_replaced_worker)
{
    counts_exactly("process");
}

Test(served_count, thread_counts_every_response_across_a_replaced_worker)
{
    counts_exactly("thread");
}

Test(served_count, coroutine_counts_every_response_across_a_replaced_worker)
{
    counts_exactly("coroutine");
}
