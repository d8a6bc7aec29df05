/*
 * model_process.c - the process model (gunicorn's "sync" worker):
 * pre-forked worker processes, each with one h2o loop that runs every
 * handler inline. A handler that blocks blocks its worker, so concurrency
 * is the number of workers.
 */
#include <stdio.h>
#include <unistd.h>

#include "loop.h"
#include "model.h"
#include "prefork.h"

typedef struct tw_process_worker {
    tw_app *app;
    int listen_fd;
    unsigned shutdown_timeout_ms;
} tw_process_worker;

static int answer_inline(tw_loop *loop, h2o_req_t *req)
{
    tw_exchange *ex = tw__exchange_from_h2o(loop->app, req);
    tw__dispatch(ex);
    tw__loop_respond(loop, ex, req);
    return 0;
}

static int run_worker(void *data, volatile sig_atomic_t *stop)
{
    const tw_process_worker *worker = data;
    tw_loop loop;
    tw__loop_init(&loop, worker->app, worker->listen_fd, answer_inline, NULL, NULL);
    loop.accepts_per_event = 1;
    size_t unfinished = tw__loop_run(&loop, stop, worker->shutdown_timeout_ms);
    if (unfinished != 0) {
        fprintf(stderr, "twice: worker %d: %zu requests still in flight after %u ms\n",
                (int)getpid(), unfinished, worker->shutdown_timeout_ms);
        return 1;
    }
    return 0;
}

static int serve_process(tw_app *app, const tw_serve_config *config, int listen_fd)
{
    tw_process_worker worker = {app, listen_fd, config->shutdown_timeout_ms};
    return tw__prefork(config, run_worker, &worker);
}

const tw_model tw__model_process = {"process", serve_process};
