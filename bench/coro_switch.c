/*
 * coro_switch.c - nanoseconds per coroutine switch: one coroutine yields
 * back and forth with its scheduler N times. Built twice, against the
 * hand-written switch and against ucontext (coro_switch.sh runs both).
 *
 * usage: coro-switch-BENCH [SWITCH_PAIRS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "coro.h"
#include "coro_switch.h"

static long pairs = 10000000;

static void yield_forever(void *arg)
{
    (void)arg;
    for (;;)
        tw__coro_yield();
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        pairs = atol(argv[1]);
    tw_coro_pool pool;
    tw__coro_pool_init(&pool, 64 * 1024);
    tw_coro *co = tw__coro_new(&pool, yield_forever, NULL, NULL);
    for (long i = 0; i < pairs / 100 + 1; i++) /* warm-up */
        tw__coro_resume(co);
    double start = now_ns();
    for (long i = 0; i < pairs; i++)
        tw__coro_resume(co); /* two switches: in, and the yield back out */
    double ns = (now_ns() - start) / (double)(2 * pairs);
    printf("%s %.2f ns per switch (%ld switches)\n", tw__coro_switch_kind(), ns, 2 * pairs);
    return 0;
}
