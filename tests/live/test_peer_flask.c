/*
 * test_peer_flask.c - the Flask reference app (targets/flask) under gunicorn's
 * sync, gthread and gevent workers, live: every route, its bad parameters,
 * 404 and 405 answered as twice-app answers them, byte for byte; concurrent
 * /ctx requests that each keep their own request through a wait under
 * threads and greenlets (and whose waits overlap: gevent's sleep, not one
 * that blocks the worker); and the contention lock shared with twice-app.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "app_process.h"
#include "http_client.h"
#include "peers.h"

#define CONCURRENT 16
#define CTX_WAIT_MS 300
#define LOCK_HOLD_US "3000000"

/* Every route with good and bad parameters, and what no route answers. */
static const char *const requests[][2] = {
    {"GET", "/plaintext"},
    {"GET", "/json"},
    {"GET", "/sleep"},
    {"GET", "/sleep?ms=5"},
    {"GET", "/sleep?ms=+5"},
    {"GET", "/sleep?ms=007"},
    {"GET", "/sleep?ms=60001"},
    {"GET", "/sleep?ms=-1"},
    {"GET", "/sleep?ms=abc"},
    {"GET", "/sleep?ms=%205"},
    {"GET", "/sleep?ms=5x"},
    {"GET", "/sleep?ms="},
    {"GET", "/sleep?ms"},
    {"GET", "/sleep?ms=1&ms=x"},
    {"GET", "/sleep?ms=x&ms=1"},
    {"GET", "/sleep?ms=abc%FF"},
    {"GET", "/cpu"},
    {"GET", "/cpu?iters=12345"},
    {"GET", "/cpu?iters=0"},
    {"GET", "/cpu?iters=1000000001"},
    {"GET", "/cpu?iters=99999999999999999999"},
    {"GET", "/cpu?iters=0x10"},
    {"GET", "/ctx?id=abc"},
    {"GET", "/ctx?id=%C3%A9t%C3%A9+x&ms=3"},
    {"GET", "/ctx?id=%01%22%5C%2F%7F%1F"},
    {"GET", "/ctx?id="},
    {"GET", "/ctx?id=a%FFb"},
    {"GET", "/ctx?id=%ED%A0%80"},
    {"GET", "/ctx?id=%C0%AF"},
    {"GET", "/ctx?id=%F4%90%80%80"},
    {"GET", "/ctx"},
    {"GET", "/ctx?ms=1"},
    {"GET", "/ctx?id=x&ms=60001"},
    {"GET", "/ctx?id=x&ms=y"},
    {"GET", "/contention?us=10&ms=1"},
    {"GET", "/contention"},
    {"GET", "/contention?us=a"},
    {"GET", "/contention?us=10000001"},
    {"GET", "/contention?us=1&ms=x"},
    {"GET", "/ctx?id=a%00b"},
    {"GET", "/nope%00x?id=%00"},
    {"GET", "/nope"},
    {"GET", "/nope%20x"},
    {"GET", "/nope%FF/%C3%A9+"},
    {"POST", "/json"},
    {"DELETE", "/ctx?id=1"},
};

static void lock_path(char *out, size_t len, const char *worker_class)
{
    snprintf(out, len, "/tmp/twice-test-flask-%s-%d.lock", worker_class, (int)getpid());
}

/* twice-app in the model that matches the worker class, and Flask under it. */
static void same_answers(const char *worker_class, const char *model)
{
    char lock[128];
    lock_path(lock, sizeof(lock), worker_class);
    app_process app, flask;
    const char *const args[] = {"--model", model, "--lock-file", lock, NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0, "twice-app did not start");
    peer_start_flask(&flask, worker_class, lock, NULL);
    char label[64];
    snprintf(label, sizeof(label), "gunicorn -k %s vs twice-app %s", worker_class, model);
    for (size_t i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
        peer_same_answer(app.port, flask.port, requests[i][0], requests[i][1], label);
    peer_stop(&flask, label);
    peer_stop_twice_app(&app);
    unlink(lock);
}

TestSuite(peer_flask, .timeout = 120);

Test(peer_flask, sync_answers_as_twice_app_process)
{
    same_answers("sync", "process");
}

Test(peer_flask, gthread_answers_as_twice_app_thread)
{
    same_answers("gthread", "thread");
}

Test(peer_flask, gevent_answers_as_twice_app_coroutine)
{
    same_answers("gevent", "coroutine");
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CONCURRENT /ctx requests at once into one worker: each names its own request before and
 * after its wait, and the waits overlap (all of them take far less than one after another). */
static void contexts_stay_apart(const char *worker_class)
{
    char lock[128];
    lock_path(lock, sizeof(lock), worker_class);
    app_process flask;
    peer_start_flask(&flask, worker_class, lock, NULL);
    char targets[CONCURRENT][64];
    const char *list[CONCURRENT];
    for (int i = 0; i < CONCURRENT; i++) {
        snprintf(targets[i], sizeof(targets[i]), "/ctx?id=req-%d&ms=%d", i, CTX_WAIT_MS);
        list[i] = targets[i];
    }
    http_response res[CONCURRENT];
    double start = now_ms();
    size_t answered = http_get_concurrently(flask.port, list, CONCURRENT, 60000, res);
    double elapsed = now_ms() - start;
    cr_assert_eq(answered, CONCURRENT, "%s: %zu of %d answered", worker_class, answered,
                 CONCURRENT);
    int mismatches = 0;
    for (int i = 0; i < CONCURRENT; i++) {
        char expected[32];
        snprintf(expected, sizeof(expected), "req-%d", i);
        json_t *j = json_loads(res[i].body, 0, NULL);
        const char *fields[] = {"id", "before", "after"};
        for (size_t f = 0; f < 3; f++) {
            const char *value = json_string_value(json_object_get(j, fields[f]));
            if (res[i].status != 200 || value == NULL || strcmp(value, expected) != 0) {
                mismatches++;
                break;
            }
        }
        json_decref(j);
        http_response_free(&res[i]);
    }
    peer_stop(&flask, worker_class);
    cr_assert_eq(mismatches, 0, "%s: %d of %d responses named another request", worker_class,
                 mismatches, CONCURRENT);
    cr_assert_lt(elapsed, CONCURRENT * CTX_WAIT_MS / 2.0,
                 "%s: %d waits of %d ms took %.0f ms: they did not overlap", worker_class,
                 CONCURRENT, CTX_WAIT_MS, elapsed);
}

Test(peer_flask, gthread_keeps_each_request_context, .timeout = 120)
{
    contexts_stay_apart("gthread");
}

Test(peer_flask, gevent_keeps_each_request_context, .timeout = 120)
{
    contexts_stay_apart("gevent");
}

/* Whether another process holds the lock at path: a try that fails (and releases at once
 * when it succeeds). */
static int lock_held(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    cr_assert_geq(fd, 0, "cannot open %s", path);
    int held = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);
    return held;
}

/* twice-app holds the lock; Flask's /contention waits for that very lock (the same file),
 * and under gevent it waits without stopping the worker: /plaintext is answered meanwhile. */
Test(peer_flask, gevent_shares_twice_app_contention_lock, .timeout = 120)
{
    char lock[128];
    lock_path(lock, sizeof(lock), "shared");
    app_process app, flask;
    const char *const args[] = {"--lock-file", lock, NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0, "twice-app did not start");
    peer_start_flask(&flask, "gevent", lock, NULL);

    int holder = http_send(app.port, "GET", "/contention?us=" LOCK_HOLD_US);
    cr_assert_geq(holder, 0);
    for (int waited = 0; !lock_held(lock); waited += 10) {
        cr_assert_lt(waited, 10000, "twice-app did not take the lock %s", lock);
        sleep_ms(10);
    }
    int waiter = http_send(flask.port, "GET", "/contention?us=1");
    cr_assert_geq(waiter, 0);
    sleep_ms(100);
    http_response plain, held, waited;
    cr_assert_eq(http_get(flask.port, "/plaintext", &plain), 0);
    cr_assert_eq(plain.status, 200);
    struct pollfd pfd = {.fd = waiter, .events = POLLIN};
    int answered = poll(&pfd, 1, 0);
    cr_assert(lock_held(lock), "/plaintext came back only after twice-app's hold ended: the "
                               "wait for the lock blocked the gevent worker");
    cr_assert_eq(answered, 0, "Flask's /contention answered while twice-app held the lock");

    cr_assert_eq(http_receive(holder, 10000, &held), 0);
    cr_assert_eq(http_receive(waiter, 10000, &waited), 0);
    cr_assert_eq(held.status, 200, "%s", held.body);
    cr_assert_eq(waited.status, 200, "%s", waited.body);
    json_t *j = json_loads(waited.body, 0, NULL);
    json_int_t wait_us = json_integer_value(json_object_get(j, "lock_wait_us"));
    cr_assert_geq(wait_us, 1000000, "Flask waited %lld us for a lock held " LOCK_HOLD_US " us: %s",
                  (long long)wait_us, waited.body);
    json_decref(j);
    http_response_free(&plain);
    http_response_free(&held);
    http_response_free(&waited);
    peer_stop(&flask, "gunicorn -k gevent");
    peer_stop_twice_app(&app);
    unlink(lock);
}

/* A lock file that cannot be opened is the same 500 in both. */
Test(peer_flask, unusable_lock_file_is_the_same_500, .timeout = 120)
{
    const char *lock = "/proc/twice-no-such-dir/lock";
    app_process app, flask;
    const char *const args[] = {"--lock-file", lock, NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0, "twice-app did not start");
    peer_start_flask(&flask, "sync", lock, NULL);
    peer_same_answer(app.port, flask.port, "GET", "/contention?us=1", "unusable lock file");
    peer_stop(&flask, "gunicorn -k sync");
    peer_stop_twice_app(&app);
}
