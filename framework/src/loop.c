/*
 * loop.c - one worker's h2o event loop: accepting connections from the
 * shared listener, handing each request to the model, and the graceful
 * shutdown that stops accepting and waits for the requests in flight.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loop.h"

typedef struct tw_loop_handler {
    h2o_handler_t super;
    tw_loop *loop;
} tw_loop_handler;

static void on_request_disposed(void *slot)
{
    tw_loop *loop = *(tw_loop **)slot;
    loop->inflight--;
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    tw_loop *loop = ((tw_loop_handler *)self)->loop;
    /* The pool's dispose hook tells us when h2o is done with the request: sent, or its
     * client gone. That, not the handler's return, is when a request stops being in flight. */
    tw_loop **slot = h2o_mem_alloc_shared(&req->pool, sizeof(*slot), on_request_disposed);
    *slot = loop;
    loop->inflight++;
    return loop->on_request(loop, req);
}

static void on_watched_request_gone(void *p)
{
    tw_req_watch **slot = p;
    if (*slot != NULL)
        (*slot)->req = NULL;
}

void tw__watch_request(tw_req_watch *watch, h2o_req_t *req)
{
    watch->req = req;
    watch->slot = h2o_mem_alloc_shared(&req->pool, sizeof(*watch->slot), on_watched_request_gone);
    *watch->slot = watch;
}

h2o_req_t *tw__unwatch_request(tw_req_watch *watch)
{
    if (watch->req != NULL)
        *watch->slot = NULL;
    return watch->req;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    tw_loop *loop = listener->data;
    if (err != NULL)
        return;
    /* Several workers wait on one listener; the one that finds the backlog empty gets NULL.
     * How many to take per wake-up is the model's call (see accepts_per_event). */
    for (unsigned i = 0; i < loop->accepts_per_event; i++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (sock == NULL)
            break;
        h2o_accept(&loop->accept_ctx, sock);
    }
}

static void on_later_due(tw_timer *timer)
{
    tw_later *later = TW__STRUCT_FROM_MEMBER(tw_later, timer, timer);
    tw_loop *loop = later->owner;
    if (loop->run_later != NULL) {
        loop->run_later(loop, later);
    } else {
        tw__later_run(later);
        tw__loop_later_done(loop, later);
    }
}

/* Arms the next later-call of ex, if it has one. Only one of a request's later-calls is
 * armed or running at a time: the next is armed when the one before is done. */
static void arm_next_later(tw_loop *loop, tw_exchange *ex)
{
    tw_later *later = tw__later_next(ex);
    if (later == NULL)
        return;
    later->owner = loop;
    later->timer.fire = on_later_due;
    loop->pending++;
    tw__timers_add(&loop->timers, &later->timer, later->timer.at_us);
}

void tw__loop_later_done(tw_loop *loop, tw_later *later)
{
    loop->pending--;
    arm_next_later(loop, later->ex);
    tw__later_free(later);
}

/* The loop thread is the only writer of its worker's slot, so a relaxed load and store count
 * exactly without the locked read-modify-write an increment from several threads needs. */
static void count_response(tw_loop *loop)
{
    if (loop->served != NULL)
        atomic_store_explicit(loop->served,
                              atomic_load_explicit(loop->served, memory_order_relaxed) + 1,
                              memory_order_relaxed);
}

void tw__loop_respond(tw_loop *loop, tw_exchange *ex, h2o_req_t *req)
{
    if (req != NULL) {
        tw__exchange_send(ex, req);
        count_response(loop);
    }
    arm_next_later(loop, ex);
    tw__exchange_release(ex);
}

/* The timers are driven by a timerfd that the loop watches like any socket, armed for the
 * earliest deadline. Firing them from a readiness callback puts what they do (a coroutine
 * sends its response) inside h2o's own event processing, where the callbacks it leaves
 * pending (a sent response re-arms its connection's reading) run at once; it also gives
 * sleeps microseconds where epoll's timeout has milliseconds. */
static void on_timerfd(h2o_socket_t *sock, const char *err)
{
    tw_loop *loop = sock->data;
    uint64_t expirations;
    (void)err;
    if (read(loop->timerfd, &expirations, sizeof(expirations)) < 0)
        expirations = 0; /* spurious: the deadline was moved; run what is due anyway */
    loop->timerfd_armed_us = 0;
    tw__timers_run(&loop->timers, tw__now_us());
}

/* Arms the timerfd for the earliest deadline, if that is not what it is armed for already. */
static void arm_timerfd(tw_loop *loop)
{
    uint64_t at = loop->timers.count != 0 ? loop->timers.heap[0]->at_us : 0;
    if (at == loop->timerfd_armed_us)
        return;
    /* An absolute deadline on CLOCK_MONOTONIC, tw__now_us()'s clock; a past one fires at once,
     * and 0 (no timers) disarms. */
    struct itimerspec spec = {.it_value = {(time_t)(at / 1000000), (long)(at % 1000000) * 1000}};
    if (at != 0 && spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
        spec.it_value.tv_nsec = 1;
    timerfd_settime(loop->timerfd, TFD_TIMER_ABSTIME, &spec, NULL);
    loop->timerfd_armed_us = at;
}

/* One turn: arm the timers, then let h2o poll (at most max_ms, so that a signal landing just
 * before epoll_wait is seen within max_ms at worst) and run what is ready. */
static void turn(tw_loop *loop, int32_t max_ms)
{
    arm_timerfd(loop);
    h2o_evloop_run(loop->ctx.loop, max_ms);
    if (loop->after_turn != NULL)
        loop->after_turn(loop);
}

void tw__loop_init(tw_loop *loop, const tw_worker_args *args, tw_loop_request_fn on_request,
                   tw_loop_later_fn run_later, void *model)
{
    memset(loop, 0, sizeof(*loop));
    loop->app = args->app;
    loop->served = args->served;
    loop->on_request = on_request;
    loop->run_later = run_later;
    loop->model = model;
    loop->accepts_per_event = 16;
    h2o_config_init(&loop->config);
    loop->config.server_name = h2o_iovec_init(H2O_STRLIT("twice"));
    h2o_hostconf_t *host =
        h2o_config_register_host(&loop->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    tw_loop_handler *handler = (tw_loop_handler *)h2o_create_handler(path, sizeof(*handler));
    handler->super.on_req = on_req;
    handler->loop = loop;
    h2o_context_init(&loop->ctx, h2o_evloop_create(), &loop->config);
    loop->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (loop->timerfd < 0) {
        perror("twice: timerfd_create");
        abort();
    }
    /* h2o closes the fds it watches; the loop lives as long as the worker, so that is fine. */
    h2o_socket_t *timer_sock =
        h2o_evloop_socket_create(loop->ctx.loop, loop->timerfd, H2O_SOCKET_FLAG_DONT_READ);
    timer_sock->data = loop;
    h2o_socket_read_start(timer_sock, on_timerfd);
    loop->accept_ctx.ctx = &loop->ctx;
    loop->accept_ctx.hosts = loop->config.hosts;
    /* The listener fd is shared with the master and the other workers: wrap a copy of it. */
    int fd = dup(args->listen_fd);
    loop->listener = h2o_evloop_socket_create(loop->ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    loop->listener->data = loop;
    h2o_socket_read_start(loop->listener, on_accept);
}

size_t tw__loop_run(tw_loop *loop, volatile sig_atomic_t *stop, unsigned shutdown_timeout_ms)
{
    while (!*stop)
        turn(loop, 100);
    h2o_socket_read_stop(loop->listener);
    h2o_socket_close(loop->listener);
    loop->listener = NULL;
    h2o_context_request_shutdown(&loop->ctx);
    uint64_t deadline = tw__now_us() + (uint64_t)shutdown_timeout_ms * 1000;
    while (loop->inflight + loop->pending != 0 && tw__now_us() < deadline)
        turn(loop, 10);
    size_t unfinished = loop->inflight + loop->pending;
    if (unfinished != 0)
        fprintf(stderr, "twice: worker %d: %zu requests still in flight after %u ms\n",
                (int)getpid(), unfinished, shutdown_timeout_ms);
    return unfinished;
}
