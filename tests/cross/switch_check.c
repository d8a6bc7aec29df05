/*
 * switch_check.c - checks the hand-written coroutine switch on its own, so
 * that it can be cross-built and run under emulation (aarch64 on an x86-64
 * machine): a coroutine and its caller take turns many times while both
 * keep integer and floating-point values live across every switch, which
 * the compiler holds in callee-saved registers (x19-x28, d8-d15 on aarch64;
 * rbx, rbp, r12-r15 on x86-64). Prints "ok" and exits 0 when every value
 * survives.
 */
#include <stdio.h>
#include <stdlib.h>

#include "coro_switch.h"

#define ROUNDS 1000

/* Eight integers and eight doubles live across every switch, on both sides: enough to fill
 * the callee-saved registers, so that one the switch fails to restore changes a result. */
typedef struct values {
    unsigned long i[8];
    double f[8];
} values;

static void seed(values *v, unsigned long s)
{
    for (int k = 0; k < 8; k++) {
        v->i[k] = s * (k + 3);
        v->f[k] = (double)s / (k + 2);
    }
}

static void step(unsigned long *i, double *f)
{
    for (int k = 0; k < 8; k++) {
        i[k] = i[k] * 5 + i[(k + 1) % 8];
        f[k] = f[k] * 0.999 + f[(k + 3) % 8] * 0.001 + 1.0;
    }
}

static tw_coro_ctx caller, coroutine;
static values coroutine_result;

/* The locals are spelled out, not arrays in memory, so that they can live in registers. */
#define LOCALS(v)                                                                                  \
    unsigned long i0 = v.i[0], i1 = v.i[1], i2 = v.i[2], i3 = v.i[3], i4 = v.i[4], i5 = v.i[5],    \
                  i6 = v.i[6], i7 = v.i[7];                                                        \
    double f0 = v.f[0], f1 = v.f[1], f2 = v.f[2], f3 = v.f[3], f4 = v.f[4], f5 = v.f[5],           \
           f6 = v.f[6], f7 = v.f[7]
#define STEP()                                                                                     \
    do {                                                                                           \
        i0 = i0 * 5 + i1;                                                                          \
        i1 = i1 * 5 + i2;                                                                          \
        i2 = i2 * 5 + i3;                                                                          \
        i3 = i3 * 5 + i4;                                                                          \
        i4 = i4 * 5 + i5;                                                                          \
        i5 = i5 * 5 + i6;                                                                          \
        i6 = i6 * 5 + i7;                                                                          \
        i7 = i7 * 5 + i0;                                                                          \
        f0 = f0 * 0.999 + f3 * 0.001 + 1.0;                                                        \
        f1 = f1 * 0.999 + f4 * 0.001 + 1.0;                                                        \
        f2 = f2 * 0.999 + f5 * 0.001 + 1.0;                                                        \
        f3 = f3 * 0.999 + f6 * 0.001 + 1.0;                                                        \
        f4 = f4 * 0.999 + f7 * 0.001 + 1.0;                                                        \
        f5 = f5 * 0.999 + f0 * 0.001 + 1.0;                                                        \
        f6 = f6 * 0.999 + f1 * 0.001 + 1.0;                                                        \
        f7 = f7 * 0.999 + f2 * 0.001 + 1.0;                                                        \
    } while (0)
#define STORE(v)                                                                                   \
    do {                                                                                           \
        v.i[0] = i0;                                                                               \
        v.i[1] = i1;                                                                               \
        v.i[2] = i2;                                                                               \
        v.i[3] = i3;                                                                               \
        v.i[4] = i4;                                                                               \
        v.i[5] = i5;                                                                               \
        v.i[6] = i6;                                                                               \
        v.i[7] = i7;                                                                               \
        v.f[0] = f0;                                                                               \
        v.f[1] = f1;                                                                               \
        v.f[2] = f2;                                                                               \
        v.f[3] = f3;                                                                               \
        v.f[4] = f4;                                                                               \
        v.f[5] = f5;                                                                               \
        v.f[6] = f6;                                                                               \
        v.f[7] = f7;                                                                               \
    } while (0)

static void body(void *arg)
{
    values start;
    seed(&start, (unsigned long)arg);
    LOCALS(start);
    for (int n = 0; n < ROUNDS; n++) {
        tw__coro_switch(&coroutine, &caller);
        STEP();
    }
    STORE(coroutine_result);
    tw__coro_switch(&coroutine, &caller);
    abort(); /* never resumed again */
}

/* The same sequence without switches: what both sides must arrive at. */
static values expected(unsigned long s, int rounds)
{
    values v;
    seed(&v, s);
    for (int n = 0; n < rounds; n++)
        step(v.i, v.f);
    return v;
}

static int same(const values *a, const values *b)
{
    for (int k = 0; k < 8; k++) {
        if (a->i[k] != b->i[k] || a->f[k] != b->f[k])
            return 0;
    }
    return 1;
}

int main(void)
{
    static char stack[64 * 1024];
    tw__coro_ctx_make(&coroutine, stack, sizeof(stack), body, (void *)12345UL);
    values start, mine;
    seed(&start, 777);
    LOCALS(start);
    for (int n = 0; n < ROUNDS; n++) {
        tw__coro_switch(&caller, &coroutine);
        STEP();
    }
    tw__coro_switch(&caller, &coroutine); /* the coroutine stores its result */
    STORE(mine);
    values want_coroutine = expected(12345, ROUNDS), want_mine = expected(777, ROUNDS);
    if (!same(&coroutine_result, &want_coroutine) || !same(&mine, &want_mine)) {
        printf("FAILED: values changed across switches (%s)\n", tw__coro_switch_kind());
        return 1;
    }
    printf("ok: %d switches with 16 live values on each side (%s)\n", 2 * ROUNDS + 2,
           tw__coro_switch_kind());
    return 0;
}
