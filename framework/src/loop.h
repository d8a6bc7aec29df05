/*
 * loop.h - one worker's h2o event loop (loop.c) and the conversions
 * between h2o requests and twice exchanges (h2o_exchange.c). A concurrency
 * model says what happens to a request once the loop has it.
 */
#ifndef TWICE_LOOP_H
#define TWICE_LOOP_H

#include <signal.h>

#include <h2o.h>

#include "internal.h"
#include "later.h"
#include "prefork.h"
#include "timers.h"

typedef struct tw_loop tw_loop;

/** What a model does with a request: answer it now, or hand it on and answer later from the
 * loop thread. Returns 0 as h2o's on_req does. */
typedef int (*tw_loop_request_fn)(tw_loop *loop, h2o_req_t *req);
/** How a model runs a later-call that is due (tw__later_run()); once it has run, the loop
 * thread calls tw__loop_later_done(). */
typedef void (*tw_loop_later_fn)(tw_loop *loop, tw_later *later);

struct tw_loop {
    h2o_globalconf_t config;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    tw_app *app;
    tw_loop_request_fn on_request;
    tw_loop_later_fn run_later;
    void (*after_turn)(tw_loop *loop); /* once per loop turn, after events and timers */
    void *model;                       /* the model's per-worker state */
    _Atomic uint64_t *served;          /* responses sent (the worker's slot), or NULL */
    /* Connections taken per listener wake-up. A loop that can serve many at once takes a
     * burst (16, as h2o's own server does); one whose handlers block its worker takes one,
     * or a blocked worker would sit on connections that idle workers could serve. */
    unsigned accepts_per_event;
    tw_timers timers;
    int timerfd;               /* fires the timers from inside h2o's event processing */
    uint64_t timerfd_armed_us; /* the deadline it is armed for, 0 when disarmed */
    size_t inflight;           /* requests h2o has not disposed of yet */
    size_t pending;            /* later-calls armed or running (one per request at most); a
                                  shutdown waits for them */
};

/**
 * A model's hold on an h2o request it answers later, from another thread or after a wait:
 * when h2o disposes of the request (its client went away), the request's pool clears
 * watch->req, so that the model never sends on a request that is gone. Loop thread only.
 */
typedef struct tw_req_watch {
    h2o_req_t *req;             /* NULL once h2o disposed of it */
    struct tw_req_watch **slot; /* the pool's pointer back to the watch */
} tw_req_watch;

void tw__watch_request(tw_req_watch *watch, h2o_req_t *req);
/** Stops watching (the watch may be freed after) and returns the request, or NULL if gone. */
h2o_req_t *tw__unwatch_request(tw_req_watch *watch);

/** Sets up a loop serving args->app from args->listen_fd (which stays the caller's) and
 * counting its responses in args->served. run_later NULL runs later-calls inline on the loop
 * thread. */
void tw__loop_init(tw_loop *loop, const tw_worker_args *args, tw_loop_request_fn on_request,
                   tw_loop_later_fn run_later, void *model);
/** Called on the loop thread once a later-call has run (by run_later, on whatever thread):
 * arms its request's next later-call, if any, and frees it. */
void tw__loop_later_done(tw_loop *loop, tw_later *later);
/** Sends the exchange's response on req (and counts it) and arms its first later-call; drops
 * the caller's reference. The common end of a request in every model; on the loop thread. */
void tw__loop_respond(tw_loop *loop, tw_exchange *ex, h2o_req_t *req);
/**
 * Runs until *stop is set, then stops accepting and lets the requests and
 * later-calls in flight finish, for at most shutdown_timeout_ms. Returns the
 * number still in flight when it gave up (0 after a clean shutdown), having
 * said so on stderr. The loop is not torn down: a worker exits right after,
 * and its exit closes what is left.
 */
size_t tw__loop_run(tw_loop *loop, volatile sig_atomic_t *stop, unsigned shutdown_timeout_ms);

/** A self-contained exchange holding a copy of req (method, target, headers, body). */
tw_exchange *tw__exchange_from_h2o(tw_app *app, h2o_req_t *req);
/** Sends the exchange's response on req; only on the loop thread that owns req. */
void tw__exchange_send(tw_exchange *ex, h2o_req_t *req);

#endif
