/*
 * model_process.c - the process model (gunicorn's "sync" worker):
 * pre-forked worker processes, each with one h2o loop that runs every
 * handler inline. A handler that blocks blocks its worker, so concurrency
 * is the number of workers.
 */
#include "loop.h"
#include "model.h"
#include "prefork.h"

static int answer_inline(tw_loop *loop, h2o_req_t *req)
{
    tw_exchange *ex = tw__exchange_from_h2o(loop->app, req);
    tw__dispatch(ex);
    tw__loop_respond(loop, ex, req);
    return 0;
}

static int run_worker(const tw_worker_args *args, volatile sig_atomic_t *stop)
{
    tw_loop loop;
    tw__loop_init(&loop, args, answer_inline, NULL, NULL);
    loop.accepts_per_event = 1;
    return tw__loop_run(&loop, stop, args->config->shutdown_timeout_ms) == 0 ? 0 : 1;
}

const tw_model tw__model_process = {"process", run_worker};
