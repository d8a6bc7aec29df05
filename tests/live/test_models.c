/*
 * test_models.c - the three concurrency models under real concurrent load:
 * context locals that never leak between requests, later-calls that run in
 * the context of the request that scheduled them, waits that yield, clients
 * that go away mid-request, the coroutine cap, and a stack overflow that
 * says so.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_process.h"
#include "http_client.h"

TestSuite(models, .timeout = 90);

#define CONCURRENT 300

/* The flags that run each model with concurrency inside a worker as well as across them. */
static const char *const *model_args(const char *model)
{
    static const char *const process[] = {"--model", "process", "--workers", "4", NULL};
    static const char *const thread[] = {"--model",   "thread", "--workers", "2",
                                         "--threads", "16",     NULL};
    static const char *const coroutine[] = {"--model", "coroutine", "--workers", "2", NULL};
    return strcmp(model, "process") == 0  ? process
           : strcmp(model, "thread") == 0 ? thread
                                          : coroutine;
}

static void start_app(app_process *app, const char *model)
{
    cr_assert_eq(app_start(app, TWICE_APP_PATH, model_args(model)), 0, "%s did not start", model);
}

static void stop_cleanly(app_process *app)
{
    char *report;
    int status = app_stop_checked(app, 10000, &report);
    cr_assert_null(report, "sanitizer report: %s", report);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "clean exit, got status %d", status);
}

/* Hundreds of /ctx requests in flight at once, each with its own id: every response must
 * name its own request before and after the wait. */
static void context_isolation(const char *model, int ms)
{
    app_process app;
    start_app(&app, model);
    char(*targets)[64] = malloc(CONCURRENT * sizeof(*targets));
    const char **list = malloc(CONCURRENT * sizeof(*list));
    for (int i = 0; i < CONCURRENT; i++) {
        snprintf(targets[i], sizeof(targets[i]), "/ctx?id=req-%d&ms=%d", i, ms);
        list[i] = targets[i];
    }
    http_response *res = calloc(CONCURRENT, sizeof(*res));
    size_t answered = http_get_concurrently(app.port, list, CONCURRENT, 60000, res);
    cr_assert_eq(answered, CONCURRENT, "%s: %zu of %d answered", model, answered, CONCURRENT);
    int mismatches = 0;
    for (int i = 0; i < CONCURRENT; i++) {
        char expected[32];
        snprintf(expected, sizeof(expected), "req-%d", i);
        json_t *j = json_loads(res[i].body, 0, NULL);
        const char *id = json_string_value(json_object_get(j, "id"));
        const char *before = json_string_value(json_object_get(j, "before"));
        const char *after = json_string_value(json_object_get(j, "after"));
        if (res[i].status != 200 || id == NULL || strcmp(id, expected) != 0 || before == NULL ||
            strcmp(before, expected) != 0 || after == NULL || strcmp(after, expected) != 0)
            mismatches++;
        json_decref(j);
        http_response_free(&res[i]);
    }
    cr_assert_eq(mismatches, 0, "%s: %d of %d responses named another request", model, mismatches,
                 CONCURRENT);
    free(res);
    free(list);
    free(targets);
    stop_cleanly(&app);
}

Test(models, process_context_isolation)
{
    context_isolation("process", 2);
}

Test(models, thread_context_isolation)
{
    context_isolation("thread", 10);
}

Test(models, coroutine_context_isolation)
{
    context_isolation("coroutine", 20);
}

/* ---- later-calls, through the test server --------------------------------------------- */

static void start_test_server(app_process *app, const char *model, const char *log,
                              const char *extra_flag, const char *extra_value)
{
    const char *args[16];
    size_t n = 0;
    for (const char *const *a = model_args(model); *a != NULL; a++)
        args[n++] = *a;
    args[n++] = "--log";
    args[n++] = log;
    if (extra_flag != NULL) {
        args[n++] = extra_flag;
        args[n++] = extra_value;
    }
    args[n] = NULL;
    cr_assert_eq(app_start(app, TEST_SERVER_PATH, args), 0, "test server (%s) did not start",
                 model);
}

static char *read_log(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    text[len] = '\0';
    fclose(f);
    return text;
}

static void later_calls_keep_their_context(const char *model)
{
    char log[] = "/tmp/twice-test-later-XXXXXX";
    close(mkstemp(log));
    app_process app;
    start_test_server(&app, model, log, NULL, NULL);
    enum { LATER = 200 };
    static char targets[LATER][64];
    const char *list[LATER];
    for (int i = 0; i < LATER; i++) {
        snprintf(targets[i], sizeof(targets[i]), "/later?id=L%d&ms=%d", i, i % 7 * 10);
        list[i] = targets[i];
    }
    static http_response res[LATER];
    cr_assert_eq(http_get_concurrently(app.port, list, LATER, 30000, res), LATER);
    for (int i = 0; i < LATER; i++)
        http_response_free(&res[i]);
    stop_cleanly(&app); /* a graceful shutdown waits for pending later-calls */

    const char *text = read_log(log);
    int lines = 0, wrong = 0;
    for (const char *line = text; *line != '\0'; line = strchr(line, '\n') + 1) {
        char scheduled[32], seen[32];
        if (sscanf(line, "%31s %31s", scheduled, seen) != 2 || strcmp(scheduled, seen) != 0)
            wrong++;
        lines++;
    }
    cr_assert_eq(lines, LATER, "%s: %d later-calls ran, expected %d", model, lines, LATER);
    cr_assert_eq(wrong, 0, "%s: %d later-calls saw another request's context", model, wrong);
    unlink(log);
}

Test(models, process_later_calls_keep_their_context)
{
    later_calls_keep_their_context("process");
}

Test(models, thread_later_calls_keep_their_context)
{
    later_calls_keep_their_context("thread");
}

Test(models, coroutine_later_calls_keep_their_context)
{
    later_calls_keep_their_context("coroutine");
}

/* Each request schedules several later-calls that share its state (tw_g(), the lazily parsed
 * query): they must run one after another, in the order they were scheduled, in every model.
 * Under the TSan build the test server is instrumented, and a race fails the clean stop. */
static void later_calls_run_one_after_another(const char *model)
{
    char log[] = "/tmp/twice-test-chain-XXXXXX";
    close(mkstemp(log));
    app_process app;
    start_test_server(&app, model, log, NULL, NULL);
    enum { REQUESTS = 40, CALLS = 8 };
    static char targets[REQUESTS][64];
    const char *list[REQUESTS];
    for (int i = 0; i < REQUESTS; i++) {
        snprintf(targets[i], sizeof(targets[i]), "/chain/%d/C%d?tag=C%d", CALLS, i, i);
        list[i] = targets[i];
    }
    static http_response res[REQUESTS];
    cr_assert_eq(http_get_concurrently(app.port, list, REQUESTS, 30000, res), REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
        cr_assert_eq(res[i].status, 200, "%s: %s", targets[i], res[i].body);
        http_response_free(&res[i]);
    }
    stop_cleanly(&app); /* a graceful shutdown waits for pending later-calls */

    int next[REQUESTS] = {0}, lines = 0;
    const char *text = read_log(log);
    for (const char *line = text; *line != '\0'; line = strchr(line, '\n') + 1) {
        int request, index, steps_before, tag;
        cr_assert_eq(sscanf(line, "C%d %d %d C%d", &request, &index, &steps_before, &tag), 4,
                     "%s: log line %d: %.40s", model, lines, line);
        cr_assert(request >= 0 && request < REQUESTS && tag == request, "%.40s", line);
        cr_assert_eq(index, next[request], "%s: request %d ran call %d where call %d was next",
                     model, request, index, next[request]);
        cr_assert_eq(steps_before, index,
                     "%s: request %d's call %d saw %d calls finished: one ran alongside another",
                     model, request, index, steps_before);
        next[request]++;
        lines++;
    }
    cr_assert_eq(lines, REQUESTS * CALLS, "%s: %d later-calls ran, expected %d", model, lines,
                 REQUESTS * CALLS);
    unlink(log);
}

Test(models, process_later_calls_run_one_after_another)
{
    later_calls_run_one_after_another("process");
}

Test(models, thread_later_calls_run_one_after_another)
{
    later_calls_run_one_after_another("thread");
}

Test(models, coroutine_later_calls_run_one_after_another)
{
    later_calls_run_one_after_another("coroutine");
}

/* ---- waits --------------------------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *get_json(int port, const char *target)
{
    http_response res;
    cr_assert_eq(http_get(port, target, &res), 0, "%s", target);
    cr_assert_eq(res.status, 200, "%s: %d %s", target, res.status, res.body);
    json_t *j = json_loads(res.body, 0, NULL);
    http_response_free(&res);
    return j;
}

static void fd_waits(const char *model)
{
    app_process app;
    start_test_server(&app, model, "/dev/null", NULL, NULL);
    json_t *j = get_json(app.port, "/wait-fd?ms=100&ready=1");
    cr_assert_eq(json_integer_value(json_object_get(j, "ready")), 1, "a readable fd is ready");
    cr_assert_lt(json_integer_value(json_object_get(j, "waited_ms")), 50);
    json_decref(j);
    j = get_json(app.port, "/wait-fd?ms=80&ready=0");
    cr_assert_eq(json_integer_value(json_object_get(j, "ready")), 0, "an idle fd times out");
    cr_assert_geq(json_integer_value(json_object_get(j, "waited_ms")), 79);
    json_decref(j);
    stop_cleanly(&app);
}

Test(models, process_fd_waits)
{
    fd_waits("process");
}

Test(models, thread_fd_waits)
{
    fd_waits("thread");
}

Test(models, coroutine_fd_waits)
{
    fd_waits("coroutine");
}

/* One coroutine worker: a long fd wait and a long sleep must not hold up other requests. */
Test(models, coroutine_waits_yield_to_other_requests)
{
    app_process app;
    const char *const args[] = {"--model", "coroutine", "--workers", "1",
                                "--log",   "/dev/null", NULL};
    cr_assert_eq(app_start(&app, TEST_SERVER_PATH, args), 0);
    int waiting = http_send(app.port, "GET", "/wait-fd?ms=1500&ready=0");
    sleep_ms(100);
    long long started = now_ms();
    json_t *j = get_json(app.port, "/wait-fd?ms=100&ready=1");
    json_decref(j);
    cr_assert_lt(now_ms() - started, 1000, "the worker answered while another request waited");
    http_response res;
    cr_assert_eq(http_receive(waiting, 5000, &res), 0);
    cr_assert_eq(res.status, 200);
    http_response_free(&res);
    stop_cleanly(&app);
}

/* ---- clients that go away, the cap, the stack ----------------------------------------- */

static void client_disconnects_mid_request(const char *model)
{
    app_process app;
    start_app(&app, model);
    for (int i = 0; i < 20; i++) {
        int fd = http_send(app.port, "GET", "/sleep?ms=200");
        cr_assert_geq(fd, 0);
        sleep_ms(5);
        close(fd); /* gone while its handler sleeps */
    }
    sleep_ms(400); /* the handlers finish and find their clients gone */
    http_response res;
    cr_assert_eq(http_get(app.port, "/plaintext", &res), 0, "still serving");
    cr_assert_eq(res.status, 200);
    http_response_free(&res);
    stop_cleanly(&app); /* also: no sanitizer saw a request outlive its client */
}

Test(models, thread_client_disconnects_mid_request)
{
    client_disconnects_mid_request("thread");
}

Test(models, coroutine_client_disconnects_mid_request)
{
    client_disconnects_mid_request("coroutine");
}

Test(models, coroutine_cap_answers_503)
{
    app_process app;
    const char *const args[] = {"--model", "coroutine", "--max-coroutines", "4", NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0);
    enum { N = 12 };
    const char *list[N];
    for (int i = 0; i < N; i++)
        list[i] = "/sleep?ms=300";
    http_response res[N];
    cr_assert_eq(http_get_concurrently(app.port, list, N, 10000, res), N, "all answered");
    int ok = 0, unavailable = 0;
    for (int i = 0; i < N; i++) {
        if (res[i].status == 200)
            ok++;
        if (res[i].status == 503) {
            unavailable++;
            cr_assert(strstr(res[i].body, "too many requests in flight") != NULL, "%s",
                      res[i].body);
        }
        http_response_free(&res[i]);
    }
    cr_assert_eq(ok + unavailable, N);
    cr_assert_geq(ok, 4, "the cap's worth of requests is served");
    cr_assert_gt(unavailable, 0, "past the cap: 503");
    stop_cleanly(&app);
}

Test(models, coroutine_stack_overflow_says_so)
{
    app_process app;
    const char *const args[] = {"--model",   "coroutine", "--stack-size", "16", "--log",
                                "/dev/null", NULL};
    cr_assert_eq(app_start(&app, TEST_SERVER_PATH, args), 0);
    json_t *j = get_json(app.port, "/deep?n=8"); /* shallow recursion fits */
    json_decref(j);
    http_response res;
    http_get(app.port, "/deep?n=100000", &res); /* the worker dies: no response */
    cr_assert_eq(res.status, 0);
    http_response_free(&res);
    sleep_ms(500);
    char *err = app_stderr(&app);
    cr_assert(strstr(err, "coroutine stack overflow") != NULL, "says what happened: %s", err);
    cr_assert(strstr(err, "16 KiB") != NULL, "names the size: %s", err);
    cr_assert(strstr(err, "was killed by signal 11") != NULL, "the master saw it: %s", err);
    free(err);
    j = get_json(app.port, "/deep?n=8"); /* the replacement worker serves */
    json_decref(j);
    stop_cleanly(&app);
}

/* The set of signals a thread blocks, from /proc/PID/task/TID/status ("SigBlk:"). */
static unsigned long long blocked_signals(pid_t pid, const char *tid)
{
    char path[320], line[256];
    unsigned long long mask = 0;
    snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, tid);
    FILE *status = fopen(path, "r");
    cr_assert_not_null(status, "%s", path);
    while (fgets(line, sizeof(line), status) != NULL)
        sscanf(line, "SigBlk: %llx", &mask);
    fclose(status);
    return mask;
}

/* A stop signal must reach the loop thread, which alone reads the stop flag: taken by a
 * handler thread, its handler would write the flag there (a data race) and the loop would
 * see it only at its next poll timeout. */
Test(models, thread_stop_signals_are_the_loop_threads)
{
    const char *const args[] = {"--model", "thread", "--workers", "1", "--threads", "4", NULL};
    app_process app;
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0);
    /* An answer from the one worker: its handler threads have all started. */
    http_response res;
    cr_assert_eq(http_get(app.port, "/plaintext", &res), 0);
    http_response_free(&res);
    size_t n;
    pid_t *workers = wait_children(app.pid, 1, 5000, &n);
    cr_assert_eq(n, 1);
    unsigned long long stop = 1ULL << (SIGTERM - 1) | 1ULL << (SIGINT - 1);
    char path[64], loop_tid[16];
    snprintf(path, sizeof(path), "/proc/%d/task", (int)workers[0]);
    snprintf(loop_tid, sizeof(loop_tid), "%d", (int)workers[0]);
    DIR *tasks = opendir(path);
    cr_assert_not_null(tasks);
    struct dirent *task;
    unsigned handlers_blocking = 0;
    while ((task = readdir(tasks)) != NULL) {
        if (task->d_name[0] == '.')
            continue;
        unsigned long long mask = blocked_signals(workers[0], task->d_name);
        if (strcmp(task->d_name, loop_tid) == 0)
            cr_assert_eq(mask & stop, 0, "the loop thread takes SIGTERM and SIGINT");
        else
            handlers_blocking += (mask & stop) == stop;
    }
    closedir(tasks);
    free(workers);
    cr_assert_geq(handlers_blocking, 4, "every handler thread blocks SIGTERM and SIGINT");
    stop_cleanly(&app);
}
