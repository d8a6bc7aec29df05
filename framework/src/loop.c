/*
 * loop.c - one worker's h2o event loop: accepting connections from the
 * shared listener, handing each request to the model, and the graceful
 * shutdown that stops accepting and waits for the requests in flight.
 */
#include <string.h>
#include <time.h>
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

static void on_accept(h2o_socket_t *listener, const char *err)
{
    tw_loop *loop = listener->data;
    if (err != NULL)
        return;
    /* Several workers wait on one listener: the one that loses the race gets NULL. */
    h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
    if (sock != NULL)
        h2o_accept(&loop->accept_ctx, sock);
}

void tw__loop_init(tw_loop *loop, tw_app *app, int listen_fd, tw_loop_request_fn on_request)
{
    memset(loop, 0, sizeof(*loop));
    loop->app = app;
    loop->on_request = on_request;
    h2o_config_init(&loop->config);
    loop->config.server_name = h2o_iovec_init(H2O_STRLIT("twice"));
    h2o_hostconf_t *host =
        h2o_config_register_host(&loop->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    tw_loop_handler *handler = (tw_loop_handler *)h2o_create_handler(path, sizeof(*handler));
    handler->super.on_req = on_req;
    handler->loop = loop;
    h2o_context_init(&loop->ctx, h2o_evloop_create(), &loop->config);
    loop->accept_ctx.ctx = &loop->ctx;
    loop->accept_ctx.hosts = loop->config.hosts;
    /* The listener fd is shared with the master and the other workers: wrap a copy of it. */
    int fd = dup(listen_fd);
    loop->listener = h2o_evloop_socket_create(loop->ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    loop->listener->data = loop;
    h2o_socket_read_start(loop->listener, on_accept);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

size_t tw__loop_run(tw_loop *loop, volatile sig_atomic_t *stop, unsigned shutdown_timeout_ms)
{
    /* A bounded wait: a signal that lands just before epoll_wait is seen within 100 ms. */
    while (!*stop)
        h2o_evloop_run(loop->ctx.loop, 100);
    h2o_socket_read_stop(loop->listener);
    h2o_socket_close(loop->listener);
    loop->listener = NULL;
    h2o_context_request_shutdown(&loop->ctx);
    uint64_t deadline = now_ms() + shutdown_timeout_ms;
    while (loop->inflight != 0 && now_ms() < deadline)
        h2o_evloop_run(loop->ctx.loop, 10);
    return loop->inflight;
}
