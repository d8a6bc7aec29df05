/*
 * coro_switch_ucontext.c - the portable coroutine switch: makecontext()
 * and swapcontext(). Slower (swapcontext saves and restores the signal mask
 * with a system call), but it runs wherever ucontext does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "coro_switch.h"

/* makecontext() passes int arguments only: the pointers travel in halves. */
static void start(unsigned entry_hi, unsigned entry_lo, unsigned arg_hi, unsigned arg_lo)
{
    void (*entry)(void *) = (void (*)(void *))(uintptr_t)(((uint64_t)entry_hi << 32) | entry_lo);
    void *arg = (void *)(uintptr_t)(((uint64_t)arg_hi << 32) | arg_lo);
    entry(arg);
    abort(); /* entry never returns */
}

void tw__coro_ctx_make(tw_coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *), void *arg)
{
    if (getcontext(&ctx->uc) != 0) {
        perror("twice: getcontext");
        abort();
    }
    ctx->uc.uc_stack.ss_sp = stack;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL;
    uint64_t e = (uint64_t)(uintptr_t)entry, a = (uint64_t)(uintptr_t)arg;
    makecontext(&ctx->uc, (void (*)(void))start, 4, (unsigned)(e >> 32), (unsigned)e,
                (unsigned)(a >> 32), (unsigned)a);
}

void tw__coro_switch(tw_coro_ctx *from, tw_coro_ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}

const char *tw__coro_switch_kind(void)
{
    return "ucontext";
}
