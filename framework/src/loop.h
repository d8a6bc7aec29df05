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

typedef struct tw_loop tw_loop;

/** What a model does with a request: answer it now, or hand it on and answer later from the
 * loop thread. Returns 0 as h2o's on_req does. */
typedef int (*tw_loop_request_fn)(tw_loop *loop, h2o_req_t *req);

struct tw_loop {
    h2o_globalconf_t config;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    h2o_socket_t *listener;
    tw_app *app;
    tw_loop_request_fn on_request;
    size_t inflight; /* requests h2o has not disposed of yet: what a shutdown waits for */
};

/** Sets up a loop accepting from listen_fd (which stays the caller's). */
void tw__loop_init(tw_loop *loop, tw_app *app, int listen_fd, tw_loop_request_fn on_request);
/**
 * Runs until *stop is set, then stops accepting and lets the requests in
 * flight finish, for at most shutdown_timeout_ms. Returns the number still
 * in flight when it gave up (0 after a clean shutdown). The loop is not torn
 * down: a worker exits right after, and its exit closes what is left.
 */
size_t tw__loop_run(tw_loop *loop, volatile sig_atomic_t *stop, unsigned shutdown_timeout_ms);

/** A self-contained exchange holding a copy of req (method, target, headers, body). */
tw_exchange *tw__exchange_from_h2o(tw_app *app, h2o_req_t *req);
/** Sends the exchange's response on req; only on the loop thread that owns req. */
void tw__exchange_send(tw_exchange *ex, h2o_req_t *req);

#endif
