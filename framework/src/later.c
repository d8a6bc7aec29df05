/*
 * later.c - tw_call_later() and tw_defer(): work a request schedules to
 * run after it, on the same worker, in the context of that request. This is
 * what Flask's context-local proxies cannot do: here the work holds a
 * reference to the request's exchange, so tw_request() inside it names the
 * request that scheduled it, even after its response is gone.
 *
 * Calls pile up on the exchange (a lock-free stack: in the thread model two
 * later-calls of one request may run at once and schedule more), and
 * whoever finishes running code in that context takes them and schedules
 * them: the model's loop, or tw_app_dispatch() when there is no loop.
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
    later->next = __atomic_load_n(&ex->later, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&ex->later, &later->next, later, 1, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED))
        ;
    return TW_OK;
}

int tw_defer(void (*fn)(void *data), void *data)
{
    return tw_call_later(0, fn, data);
}

tw_later *tw__later_take(tw_exchange *ex)
{
    return __atomic_exchange_n(&ex->later, NULL, __ATOMIC_ACQUIRE);
}

tw_later *tw__later_run(tw_later *later)
{
    tw_exchange *ex = later->ex;
    tw_exchange *previous = tw__context_enter(ex);
    later->fn(later->data);
    tw__context_leave(previous);
    free(later);
    tw_later *more = tw__later_take(ex);
    tw__exchange_release(ex);
    return more;
}

static tw_later *pop_earliest(tw_later **list)
{
    tw_later **earliest = list;
    for (tw_later **p = list; *p != NULL; p = &(*p)->next) {
        if ((*p)->timer.at_us < (*earliest)->timer.at_us)
            earliest = p;
    }
    tw_later *found = *earliest;
    *earliest = found->next;
    return found;
}

void tw__later_run_all(tw_later *list)
{
    while (list != NULL) {
        tw_later *later = pop_earliest(&list);
        uint64_t now = tw__now_us();
        if (later->timer.at_us > now)
            tw_usleep(later->timer.at_us - now);
        tw_later *more = tw__later_run(later);
        while (more != NULL) {
            tw_later *next = more->next;
            more->next = list;
            list = more;
            more = next;
        }
    }
}
