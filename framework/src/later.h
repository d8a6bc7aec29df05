/*
 * later.h - work a request schedules to run after it (later.c): each call
 * keeps its request's exchange alive and runs in that request's context,
 * and a request's calls run one at a time, earliest deadline first.
 */
#ifndef TWICE_LATER_H
#define TWICE_LATER_H

#include "internal.h"
#include "timers.h"

typedef struct tw_later {
    struct tw_later *next; /* in its exchange's queue */
    void (*fn)(void *data);
    void *data;
    tw_exchange *ex; /* holds a reference */
    tw_timer timer;  /* at_us is the deadline; the loop links it */
    void *owner;     /* the loop that runs it */
} tw_later;

/**
 * Takes the next later-call of ex off its queue (NULL when none). Only the
 * one who may run ex's code calls it: the loop that owns ex once the code
 * before has returned, or tw__later_run_all().
 */
tw_later *tw__later_next(tw_exchange *ex);
/** Runs one later-call in its request's context. What it schedules joins ex's queue. */
void tw__later_run(tw_later *later);
/** Frees a later-call that has run, dropping its reference to the exchange. */
void tw__later_free(tw_later *later);
/** Runs ex's later-calls and everything they schedule, in order, sleeping until each deadline:
 * for dispatching with no loop (tw_app_dispatch). */
void tw__later_run_all(tw_exchange *ex);

#endif
