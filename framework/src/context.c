/*
 * context.c - the context locals: tw_request(), tw_g(), tw_current_app().
 *
 * The current request is one thread-local pointer. The dispatcher sets it
 * around each request, and any model that runs several requests on one
 * thread (coroutines) sets it on every switch, so a context local always
 * names the request whose code is running. Outside a request they fail
 * loudly instead of returning whatever ran last on this thread.
 */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static __thread tw_exchange *current;

tw_exchange *tw__context_enter(tw_exchange *ex)
{
    tw_exchange *previous = current;
    current = ex;
    return previous;
}

void tw__context_leave(tw_exchange *previous)
{
    current = previous;
}

static tw_exchange *require_context(const char *function)
{
    if (current == NULL) {
        fprintf(stderr,
                "twice: %s(): working outside of request context.\n"
                "This needs an active request: call it from a handler or a hook, or check "
                "tw_has_request_context() first.\n",
                function);
        abort();
    }
    return current;
}

int tw_has_request_context(void)
{
    return current != NULL;
}

tw_req *tw_request(void)
{
    return &require_context("tw_request")->req;
}

json_t *tw_g(void)
{
    tw_exchange *ex = require_context("tw_g");
    if (ex->g == NULL)
        ex->g = json_object();
    return ex->g;
}

tw_app *tw_current_app(void)
{
    return require_context("tw_current_app")->req.app;
}
