/*
 * test_process_model.c - the process model's life cycle over real
 * processes: graceful shutdown with requests in flight and its bound, a
 * killed worker replaced, workers dying with their master (at once, even
 * mid-request), new connections refused once shutdown begins, the machine-wide
 * lock surviving a dead holder, SO_REUSEPORT, and the CLI's bad flags.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app_process.h"
#include "http_client.h"

TestSuite(process_model, .timeout = 60);

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts twice-app with args and waits for its n workers; returns their pids (malloc'd). */
static pid_t *start_with_workers(app_process *app, const char *const *args, size_t n)
{
    cr_assert_eq(app_start(app, TWICE_APP_PATH, args), 0, "twice-app did not start");
    size_t found;
    pid_t *workers = wait_children(app->pid, n, 5000, &found);
    cr_assert_eq(found, n, "%zu workers, expected %zu", found, n);
    return workers;
}

static void assert_all_gone(const pid_t *pids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(wait_gone(pids[i], 3000), 0, "worker %d outlived the master", (int)pids[i]);
}

static void graceful_shutdown_on(int sig, const char *model)
{
    app_process app;
    const char *const args[] = {"--model", model, "--workers", "2", NULL};
    size_t n = 2;
    pid_t *workers = start_with_workers(&app, args, n);

    int in_flight = http_send(app.port, "GET", "/sleep?ms=800");
    cr_assert_geq(in_flight, 0);
    sleep_ms(200); /* the request is now inside its handler */
    int status = app_stop(&app, sig, 5000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "master exits 0, got %d", status);

    http_response res;
    cr_assert_eq(http_receive(in_flight, 5000, &res), 0, "the in-flight request was answered");
    cr_assert_eq(res.status, 200);
    cr_assert_str_eq(res.body, "{\"slept_ms\":800}");
    http_response_free(&res);
    assert_all_gone(workers, n);
    free(workers);
}

Test(process_model, sigterm_lets_in_flight_requests_finish)
{
    graceful_shutdown_on(SIGTERM, "process");
}

Test(process_model, sigint_lets_in_flight_requests_finish)
{
    graceful_shutdown_on(SIGINT, "process");
}

Test(process_model, thread_model_shuts_down_gracefully)
{
    graceful_shutdown_on(SIGTERM, "thread");
}

Test(process_model, coroutine_model_shuts_down_gracefully)
{
    graceful_shutdown_on(SIGTERM, "coroutine");
}

Test(process_model, shutdown_is_bounded)
{
    app_process app;
    static const char *const args[] = {"--shutdown-timeout", "300", NULL};
    size_t n = 1;
    pid_t *workers = start_with_workers(&app, args, n);
    int in_flight = http_send(app.port, "GET", "/sleep?ms=20000");
    sleep_ms(200);
    long long started = now_ms();
    kill(app.pid, SIGTERM);
    char *err = NULL;
    int status = -1;
    wait_exit(app.pid, 5000, &status);
    long long took = now_ms() - started;
    cr_assert(WIFEXITED(status), "the master exited");
    cr_assert_lt(took, 3000, "shutdown took %lld ms with a 300 ms bound", took);
    err = app_stderr(&app);
    /* The handler blocks its worker, so the master enforces the bound from outside. */
    cr_assert(strstr(err, "after shutdown began; killing them") != NULL, "stderr says why: %s",
              err);
    free(err);
    app.pid = 0;
    close(in_flight);
    assert_all_gone(workers, n);
    free(workers);
}

Test(process_model, a_killed_worker_is_replaced)
{
    app_process app;
    static const char *const args[] = {"--workers", "2", NULL};
    size_t n;
    pid_t *before = start_with_workers(&app, args, 2);
    kill(before[0], SIGKILL);
    cr_assert_eq(wait_gone(before[0], 3000), 0);

    pid_t *after = wait_children(app.pid, 2, 5000, &n);
    cr_assert_eq(n, 2, "the master started a new worker");
    cr_assert(after[0] != before[0] && after[1] != before[0], "the dead one is not counted");
    for (int i = 0; i < 20; i++) {
        http_response res;
        cr_assert_eq(http_get(app.port, "/plaintext", &res), 0);
        cr_assert_eq(res.status, 200);
        http_response_free(&res);
    }
    char *err = app_stderr(&app);
    cr_assert(strstr(err, "was killed by signal 9") != NULL, "the master says so: %s", err);
    free(err);
    cr_assert_eq(WEXITSTATUS(app_stop(&app, SIGTERM, 5000)), 0);
    free(before);
    free(after);
}

Test(process_model, workers_die_with_their_master)
{
    app_process app;
    static const char *const args[] = {"--workers", "3", NULL};
    size_t n = 3;
    pid_t *workers = start_with_workers(&app, args, n);
    app_stop(&app, SIGKILL, 5000);
    assert_all_gone(workers, n);
    free(workers);
}

/* With its master gone nobody bounds a drain: a worker must not wait for a request in flight
 * (here one that would sleep 20 s), whatever the model. */
static void workers_die_at_once_with_a_request_in_flight(const char *model)
{
    app_process app;
    const char *const args[] = {"--model", model, "--workers", "2", NULL};
    size_t n = 2;
    pid_t *workers = start_with_workers(&app, args, n);
    int in_flight = http_send(app.port, "GET", "/sleep?ms=20000");
    cr_assert_geq(in_flight, 0);
    sleep_ms(200); /* the request is now inside its handler */
    long long started = now_ms();
    app_stop(&app, SIGKILL, 5000);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(wait_gone(workers[i], 3000), 0, "%s: worker %d outlived its master", model,
                     (int)workers[i]);
    long long took = now_ms() - started;
    cr_assert_lt(took, 1000, "%s: the workers took %lld ms to die with their master", model, took);
    close(in_flight);
    free(workers);
}

Test(process_model, workers_die_at_once_with_their_master_mid_request)
{
    workers_die_at_once_with_a_request_in_flight("process");
}

Test(process_model, thread_workers_die_at_once_with_their_master_mid_request)
{
    workers_die_at_once_with_a_request_in_flight("thread");
}

Test(process_model, coroutine_workers_die_at_once_with_their_master_mid_request)
{
    workers_die_at_once_with_a_request_in_flight("coroutine");
}

/* After SIGTERM the server drains what it has, but takes nothing new: a new connection is
 * refused at once rather than left in the backlog until the drain ends. */
Test(process_model, new_connections_are_refused_at_once_after_sigterm)
{
    app_process app;
    static const char *const args[] = {"--workers", "1", "--shutdown-timeout", "5000", NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0);
    int in_flight = http_send(app.port, "GET", "/sleep?ms=1500");
    cr_assert_geq(in_flight, 0);
    sleep_ms(200);
    kill(app.pid, SIGTERM);
    sleep_ms(100);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)app.port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
    int error = errno;
    close(fd);
    cr_assert(rc != 0 && error == ECONNREFUSED, "a connection after SIGTERM was %s",
              rc == 0 ? "accepted" : strerror(error));
    cr_assert(process_alive(app.pid), "the server is still draining");

    http_response res;
    cr_assert_eq(http_receive(in_flight, 5000, &res), 0, "the in-flight request was answered");
    cr_assert_eq(res.status, 200);
    http_response_free(&res);
    int status = -1;
    cr_assert_eq(wait_exit(app.pid, 5000, &status), 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    app.pid = 0;
}

Test(process_model, a_dead_lock_holder_does_not_wedge_the_lock)
{
    app_process app;
    char lock[] = "/tmp/twice-test-lock-XXXXXX";
    close(mkstemp(lock));
    const char *const args[] = {"--workers", "2", "--lock-file", lock, NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0);
    int holder = http_send(app.port, "GET", "/contention?us=10000000");
    sleep_ms(300); /* a worker now holds the lock for 10 s */
    size_t n;
    pid_t *workers = wait_children(app.pid, 2, 5000, &n);
    for (size_t i = 0; i < n; i++)
        kill(workers[i], SIGKILL);
    close(holder);
    free(workers);

    http_response res;
    long long started = now_ms();
    cr_assert_eq(http_request(app.port, "GET", "/contention?us=1000", NULL, 8000, &res), 0);
    cr_assert_eq(res.status, 200);
    json_t *j = json_loads(res.body, 0, NULL);
    cr_assert_lt(json_integer_value(json_object_get(j, "lock_wait_us")), 1000000,
                 "the lock was free again: %s", res.body);
    cr_assert_lt(now_ms() - started, 5000);
    json_decref(j);
    http_response_free(&res);
    app_stop(&app, SIGTERM, 5000);
    unlink(lock);
}

Test(process_model, two_servers_share_a_port)
{
    app_process first, second;
    cr_assert_eq(app_start(&first, TWICE_APP_PATH, NULL), 0);
    char listen[32];
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", first.port);
    const char *const args[] = {"--listen", listen, NULL};
    cr_assert_eq(app_start(&second, TWICE_APP_PATH, args), 0, "SO_REUSEPORT lets both bind");
    cr_assert_eq(second.port, first.port);
    app_stop(&first, SIGTERM, 5000);
    http_response res;
    cr_assert_eq(http_get(second.port, "/plaintext", &res), 0, "the second one serves alone");
    cr_assert_eq(res.status, 200);
    http_response_free(&res);
    app_stop(&second, SIGTERM, 5000);
}

Test(process_model, a_port_taken_by_another_program_is_a_clear_error)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    cr_assert_eq(listen(fd, 1), 0);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    char listen_at[32];
    snprintf(listen_at, sizeof(listen_at), "127.0.0.1:%d", ntohs(addr.sin_port));
    const char *const args[] = {"--listen", listen_at, NULL};
    char *err;
    int status = run_to_exit(TWICE_APP_PATH, args, 5000, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d", status);
    cr_assert(strstr(err, listen_at) != NULL && strstr(err, "Address already in use") != NULL, "%s",
              err);
    free(err);
    close(fd);
}

Test(process_model, bad_flags_exit_2_with_usage)
{
    struct {
        const char *args[4];
        const char *says;
    } cases[] = {
        {{"--workers", "0"}, "--workers: expected a whole number 1-1024, got '0'"},
        {{"--workers", "two"}, "got 'two'"},
        {{"--workers", "-3"}, "got '-3'"},
        {{"--workers"}, "--workers: needs a value"},
        {{"--bogus"}, "--bogus: unknown option"},
        {{"extra"}, "extra: unexpected argument"},
        {{"--model", "fibers"}, "unknown model \"fibers\""},
        {{"--listen", "localhost"}, "listen address \"localhost\": expected HOST:PORT"},
        {{"--listen", "127.0.0.1:70000"}, "port \"70000\" is not a number in 0-65535"},
        {{"--shutdown-timeout", "soon"}, "--shutdown-timeout: expected milliseconds"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *err;
        int status = run_to_exit(TWICE_APP_PATH, cases[i].args, 5000, &err);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s %s: status %d",
                  cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : "", status);
        cr_assert(strstr(err, cases[i].says) != NULL, "expected \"%s\" in: %s", cases[i].says, err);
        cr_assert(strstr(err, "usage: twice-app") != NULL, "usage follows the error");
        free(err);
    }
}

Test(process_model, help_and_version)
{
    static const char *const help[] = {"--help", NULL};
    static const char *const version[] = {"--version", NULL};
    char *err;
    int status = run_to_exit(TWICE_APP_PATH, help, 5000, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(err);
    status = run_to_exit(TWICE_APP_PATH, version, 5000, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    free(err);
}
