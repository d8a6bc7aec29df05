/*
 * timers.c - the binary min-heap behind a loop's timers. Each timer knows
 * its slot, so cancelling one (an fd wait that finished before its timeout)
 * costs O(log n) rather than a search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "timers.h"

uint64_t tw__now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void place(tw_timers *timers, size_t slot, tw_timer *timer)
{
    timers->heap[slot] = timer;
    timer->index = slot + 1;
}

static void sift_up(tw_timers *timers, size_t slot)
{
    tw_timer *timer = timers->heap[slot];
    while (slot > 0) {
        size_t parent = (slot - 1) / 2;
        if (timers->heap[parent]->at_us <= timer->at_us)
            break;
        place(timers, slot, timers->heap[parent]);
        slot = parent;
    }
    place(timers, slot, timer);
}

static void sift_down(tw_timers *timers, size_t slot)
{
    tw_timer *timer = timers->heap[slot];
    for (;;) {
        size_t child = 2 * slot + 1;
        if (child >= timers->count)
            break;
        if (child + 1 < timers->count &&
            timers->heap[child + 1]->at_us < timers->heap[child]->at_us)
            child++;
        if (timer->at_us <= timers->heap[child]->at_us)
            break;
        place(timers, slot, timers->heap[child]);
        slot = child;
    }
    place(timers, slot, timer);
}

void tw__timers_add(tw_timers *timers, tw_timer *timer, uint64_t at_us)
{
    if (timers->count == timers->cap) {
        size_t cap = timers->cap != 0 ? timers->cap * 2 : 64;
        tw_timer **grown = realloc(timers->heap, cap * sizeof(*grown));
        if (grown == NULL) {
            fprintf(stderr, "twice: out of memory adding a timer\n");
            abort();
        }
        timers->heap = grown;
        timers->cap = cap;
    }
    timer->at_us = at_us;
    timers->heap[timers->count++] = timer;
    sift_up(timers, timers->count - 1);
}

void tw__timers_remove(tw_timers *timers, tw_timer *timer)
{
    if (timer->index == 0)
        return;
    size_t slot = timer->index - 1;
    timer->index = 0;
    tw_timer *last = timers->heap[--timers->count];
    if (slot == timers->count)
        return;
    place(timers, slot, last);
    /* The moved timer may belong above or below its new slot. */
    sift_up(timers, slot);
    sift_down(timers, last->index - 1);
}

void tw__timers_run(tw_timers *timers, uint64_t now_us)
{
    while (timers->count != 0 && timers->heap[0]->at_us <= now_us) {
        tw_timer *timer = timers->heap[0];
        tw__timers_remove(timers, timer);
        timer->fire(timer);
    }
}

void tw__timers_dispose(tw_timers *timers)
{
    free(timers->heap);
    timers->heap = NULL;
    timers->count = timers->cap = 0;
}
