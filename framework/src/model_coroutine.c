/*
 * model_coroutine.c - the coroutine model (gevent, lwan): in each worker
 * process, every request's handler runs in a coroutine of its own on the
 * loop thread. tw_sleep() and the fd waits yield to the loop, which resumes
 * the coroutine from a timer or a readiness event, so one thread keeps any
 * number of waiting requests in flight. Past a cap on live coroutines the
 * worker answers 503 rather than falling over.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "coro.h"
#include "loop.h"
#include "model.h"
#include "prefork.h"
#include "wait.h"

typedef struct tw_coro_sched {
    tw_coro_pool pool;
    size_t max_requests; /* live request coroutines past which the worker answers 503 */
    size_t requests;
    tw_loop *loop;
    tw_waiter waiter;
} tw_coro_sched;

typedef struct tw_coro_task {
    tw_coro *co;
    tw_coro_sched *sched;
    tw_exchange *ex;    /* a request, or NULL for a later-call */
    tw_later *later;    /* a later-call */
    tw_req_watch watch; /* the request */
    tw_timer timer;     /* a sleep's wake-up, or an fd wait's timeout */
    int wait_result;
} tw_coro_task;

static __thread tw_coro_task *running_task;

static void finish(tw_coro_task *task)
{
    tw_loop *loop = task->sched->loop;
    if (task->ex != NULL) {
        task->sched->requests--;
        tw__loop_respond(loop, task->ex, tw__unwatch_request(&task->watch));
    } else {
        tw__loop_later_done(loop, task->later);
    }
    tw__coro_free(task->co);
    free(task);
}

/* Runs the task's coroutine until it waits or ends. */
static void step(tw_coro_task *task)
{
    tw_coro_task *outer = running_task;
    running_task = task;
    tw__coro_resume(task->co);
    running_task = outer;
    if (tw__coro_finished(task->co))
        finish(task);
}

static void on_wake(tw_timer *timer)
{
    step(TW__STRUCT_FROM_MEMBER(tw_coro_task, timer, timer));
}

static int sleep_yielding(tw_waiter *self, uint64_t us)
{
    tw_coro_task *task = running_task;
    if (task == NULL)
        return tw__block_sleep_us(us); /* on the loop's own stack: nothing to yield to */
    task->timer.fire = on_wake;
    tw__timers_add(&task->sched->loop->timers, &task->timer, tw__now_us() + us);
    (void)self;
    tw__coro_yield();
    return TW_OK;
}

static void on_fd_ready(h2o_socket_t *sock, const char *err)
{
    tw_coro_task *task = sock->data;
    (void)err; /* an error or a hang-up is readiness too: the caller's I/O will see it */
    task->wait_result = 1;
    step(task);
}

static void on_wait_timeout(tw_timer *timer)
{
    tw_coro_task *task = TW__STRUCT_FROM_MEMBER(tw_coro_task, timer, timer);
    task->wait_result = 0;
    step(task);
}

static int wait_fd_yielding(tw_waiter *self, int fd, short events, int timeout_ms)
{
    tw_coro_task *task = running_task;
    if (task == NULL)
        return tw__block_wait_fd(fd, events, timeout_ms);
    tw_loop *loop = task->sched->loop;
    /* h2o owns the fds it watches and closes them: give it a duplicate of the caller's. */
    int watched = dup(fd);
    if (watched < 0)
        return TW_FAIL;
    h2o_socket_t *sock =
        h2o_evloop_socket_create(loop->ctx.loop, watched, H2O_SOCKET_FLAG_DONT_READ);
    sock->data = task;
    if (events & POLLIN)
        h2o_socket_read_start(sock, on_fd_ready);
    else
        h2o_socket_notify_write(sock, on_fd_ready);
    if (timeout_ms >= 0) {
        task->timer.fire = on_wait_timeout;
        tw__timers_add(&loop->timers, &task->timer, tw__now_us() + (uint64_t)timeout_ms * 1000);
    }
    (void)self;
    tw__coro_yield();
    tw__timers_remove(&loop->timers, &task->timer);
    if (events & POLLIN)
        h2o_socket_read_stop(sock);
    h2o_socket_close(sock);
    return task->wait_result;
}

static void run_request(void *arg)
{
    tw__dispatch(((tw_coro_task *)arg)->ex);
}

static void run_later_call(void *arg)
{
    tw__later_run(((tw_coro_task *)arg)->later);
}

/* Past the cap: the app's own error response, without running the app. */
static void answer_overloaded(tw_loop *loop, h2o_req_t *req)
{
    tw_exchange *ex = tw__exchange_from_h2o(loop->app, req);
    tw_error error = {.status = 503, .message = "too many requests in flight"};
    loop->app->ops.error_response(loop->app, &ex->req, &ex->res, &error);
    tw_res_header(&ex->res, "Retry-After", "1");
    tw__loop_respond(loop, ex, req);
}

static int spawn_request(tw_loop *loop, h2o_req_t *req)
{
    tw_coro_sched *sched = loop->model;
    tw_coro_task *task = NULL;
    if (sched->requests < sched->max_requests && (task = calloc(1, sizeof(*task))) != NULL)
        task->co = tw__coro_new(&sched->pool, run_request, task, NULL);
    if (task == NULL || task->co == NULL) {
        free(task);
        answer_overloaded(loop, req);
        return 0;
    }
    sched->requests++;
    task->sched = sched;
    task->ex = tw__exchange_from_h2o(loop->app, req);
    tw__watch_request(&task->watch, req);
    step(task);
    return 0;
}

static void spawn_later(tw_loop *loop, tw_later *later)
{
    tw_coro_sched *sched = loop->model;
    /* Later-calls are work already accepted: the cap on requests does not apply. */
    tw_coro_task *task = calloc(1, sizeof(*task));
    if (task != NULL)
        task->co = tw__coro_new(&sched->pool, run_later_call, task, NULL);
    if (task == NULL || task->co == NULL) {
        fprintf(stderr, "twice: out of memory starting a later-call\n");
        abort();
    }
    task->sched = sched;
    task->later = later;
    step(task);
}

static int run_worker(const tw_worker_args *args, volatile sig_atomic_t *stop)
{
    const tw_serve_config *config = args->config;
    tw_coro_sched sched = {.waiter = {sleep_yielding, wait_fd_yielding},
                           .max_requests = config->max_coroutines};
    tw_loop loop;
    tw__loop_init(&loop, args, spawn_request, spawn_later, &sched);
    sched.loop = &loop;
    tw__coro_pool_init(&sched.pool, config->stack_size);
    /* This model is for many connections at once: start each connection's read buffer at
     * h2o's 4 KiB rather than twice that (a longer request grows it as it arrives). */
    h2o_socket_buffer_prototype._initial_buf.capacity = H2O_SOCKET_INITIAL_INPUT_BUFFER_SIZE;
    tw__set_waiter(&sched.waiter);
    return tw__loop_run(&loop, stop, config->shutdown_timeout_ms) == 0 ? 0 : 1;
}

const tw_model tw__model_coroutine = {"coroutine", run_worker};
