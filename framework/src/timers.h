/*
 * timers.h - a worker loop's timers (timers.c): a binary min-heap of
 * deadlines. h2o 2.2's timeouts need one list per duration; coroutine sleeps
 * and later-calls have any duration, so the loop keeps its own heap and
 * bounds each poll by the earliest deadline.
 */
#ifndef TWICE_TIMERS_H
#define TWICE_TIMERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tw_timer {
    uint64_t at_us;                       /* deadline, tw__now_us() clock */
    void (*fire)(struct tw_timer *timer); /* runs on the loop thread; may add timers */
    size_t index;                         /* position in the heap + 1; 0 when not linked */
} tw_timer;

typedef struct tw_timers {
    tw_timer **heap;
    size_t count, cap;
} tw_timers;

/** Microseconds on a monotonic clock. */
uint64_t tw__now_us(void);
/** Links timer to fire at at_us (it must not be linked already). Aborts when out of memory. */
void tw__timers_add(tw_timers *timers, tw_timer *timer, uint64_t at_us);
/** Unlinks timer; a timer that is not linked is left alone. */
void tw__timers_remove(tw_timers *timers, tw_timer *timer);
/** Fires, earliest first, every timer due at now_us. */
void tw__timers_run(tw_timers *timers, uint64_t now_us);
void tw__timers_dispose(tw_timers *timers);

#endif
