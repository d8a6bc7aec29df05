/*
 * test_timers.c - the loop's timer heap: random adds, cancels and runs
 * against its invariants, and timers that fire in deadline order.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "timers.h"

#define N 200

static tw_timer timers_under_test[N];
static uint64_t last_fired;
static int out_of_order, fired;

static void on_fire(tw_timer *timer)
{
    if (timer->at_us < last_fired)
        out_of_order++;
    last_fired = timer->at_us;
    fired++;
}

static void check_invariants(const tw_timers *heap)
{
    size_t linked = 0;
    for (int i = 0; i < N; i++)
        linked += timers_under_test[i].index != 0;
    cr_assert_eq(linked, heap->count, "every linked timer is in the heap, and only those");
    for (size_t k = 0; k < heap->count; k++) {
        cr_assert_eq(heap->heap[k]->index, k + 1, "each timer knows its slot");
        if (k > 0)
            cr_assert_leq(heap->heap[(k - 1) / 2]->at_us, heap->heap[k]->at_us, "heap order");
    }
}

Test(timers, random_operations_keep_the_heap_sound)
{
    tw_timers heap = {0};
    srand(7);
    for (int round = 0; round < 20000; round++) {
        tw_timer *timer = &timers_under_test[rand() % N];
        uint64_t base = 1000 * (uint64_t)round;
        switch (rand() % 3) {
        case 0:
            if (timer->index == 0) {
                timer->fire = on_fire;
                tw__timers_add(&heap, timer, base + (uint64_t)(rand() % 5000));
            }
            break;
        case 1:
            tw__timers_remove(&heap, timer); /* a timer not linked is left alone */
            break;
        default:
            last_fired = 0;
            tw__timers_run(&heap, base + (uint64_t)(rand() % 1000));
            cr_assert(heap.count == 0 || heap.heap[0]->at_us > base, "nothing due is left");
        }
        check_invariants(&heap);
    }
    cr_assert_eq(out_of_order, 0, "timers fire earliest first");
    cr_assert_gt(fired, 0);
    tw__timers_dispose(&heap);
}

static tw_timers chained_heap;
static int chained;

static void add_another(tw_timer *timer)
{
    if (++chained < 5)
        tw__timers_add(&chained_heap, timer, timer->at_us + 1);
}

Test(timers, a_timer_may_add_timers_while_firing)
{
    tw_timer timer = {.fire = add_another};
    tw__timers_add(&chained_heap, &timer, 10);
    tw__timers_run(&chained_heap, 100);
    cr_assert_eq(chained, 5, "each re-added timer was due and fired in the same run");
    cr_assert_eq(chained_heap.count, 0);
    tw__timers_dispose(&chained_heap);
}
