/*
 * later.c - tw_call_later() and tw_defer(): work a request schedules to
 * run after it, on the same worker, in the context of that request. This is
 * what Flask's context-local proxies cannot do: here the work holds a
 * reference to the request's exchange, so tw_request() inside it names the
 * request that scheduled it, even after its response is gone.
 *
 * A request's later-calls wait in one queue on its exchange, by deadline
 * and, for equal deadlines, in the order they were scheduled; they run one
 * at a time, each after the previous one has returned. That is what lets
 * them share the request's state (tw_g(), the parsed query, the arena)
 * without a lock in every model: only one piece of code runs in a request's
 * context at any moment, and the queue itself is only touched by that code
 * or, between two of them, by the loop that hands the next one out (each
 * hand-off between threads goes through a lock or a message queue).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "later.h"

int tw_call_later(uint64_t delay_ms, void (*fn)(void *data), void *data)
{
    if (!tw_has_request_context() || fn == NULL) {
        errno = fn == NULL ? EINVAL : EPERM;
        return TW_FAIL;
    }
    tw_exchange *ex = tw__req_exchange(tw_request());
    tw_later *later = calloc(1, sizeof(*later));
    if (later == NULL)
        return TW_FAIL;
    later->fn = fn;
    later->data = data;
    later->ex = ex;
    later->timer.at_us = tw__now_us() + delay_ms * 1000;
    tw__exchange_retain(ex);
    /* After every call due no later than this one: ties keep the order of scheduling. */
    tw_later **at = &ex->later;
    while (*at != NULL && (*at)->timer.at_us <= later->timer.at_us)
        at = &(*at)->next;
    later->next = *at;
    *at = later;
    return TW_OK;
}

int tw_defer(void (*fn)(void *data), void *data)
{
    return tw_call_later(0, fn, data);
}

tw_later *tw__later_next(tw_exchange *ex)
{
    tw_later *later = ex->later;
    if (later != NULL) {
        ex->later = later->next;
        later->next = NULL;
    }
    return later;
}

void tw__later_run(tw_later *later)
{
    tw_exchange *previous = tw__context_enter(later->ex);
    later->fn(later->data);
    tw__context_leave(previous);
}

void tw__later_free(tw_later *later)
{
    tw_exchange *ex = later->ex;
    free(later);
    tw__exchange_release(ex);
}

void tw__later_run_all(tw_exchange *ex)
{
    tw_later *later;
    while ((later = tw__later_next(ex)) != NULL) {
        uint64_t now = tw__now_us();
        if (later->timer.at_us > now)
            tw_usleep(later->timer.at_us - now);
        tw__later_run(later);
        tw__later_free(later);
    }
}
