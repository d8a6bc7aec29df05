/*
 * later.h - work a request schedules to run after it (later.c): each call
 * keeps its request's exchange alive and runs in that request's context.
 */
#ifndef TWICE_LATER_H
#define TWICE_LATER_H

#include "internal.h"
#include "timers.h"

typedef struct tw_later {
    struct tw_later *next;
    void (*fn)(void *data);
    void *data;
    tw_exchange *ex; /* holds a reference */
    tw_timer timer;  /* at_us is the deadline; the loop links it */
    void *owner;     /* the loop that runs it */
} tw_later;

/** Takes every later-call scheduled on ex so far (NULL when none); safe from any thread. */
tw_later *tw__later_take(tw_exchange *ex);
/** Runs one later-call in its request's context, frees it, and returns the later-calls that
 * it scheduled in turn (to be scheduled by the caller). */
tw_later *tw__later_run(tw_later *later);
/** Runs a list and everything it schedules, earliest first, sleeping until each deadline:
 * for dispatching with no loop (tw_app_dispatch). */
void tw__later_run_all(tw_later *list);

#endif
