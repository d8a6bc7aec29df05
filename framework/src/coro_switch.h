/*
 * coro_switch.h - the lowest layer of the coroutines: a saved execution
 * context and the switch between two. Two implementations share this
 * interface: hand-written assembly for x86-64 and aarch64 (coro_switch.S
 * with coro_switch_asm.c), which saves only the callee-saved registers a
 * function call must preserve, and ucontext (coro_switch_ucontext.c), the
 * portable fallback, which also saves the signal mask with a system call.
 * The build picks one; TWICE_CORO_UCONTEXT forces the fallback.
 */
#ifndef TWICE_CORO_SWITCH_H
#define TWICE_CORO_SWITCH_H

#include <stddef.h>

#ifdef TWICE_CORO_UCONTEXT
#include <ucontext.h>
typedef struct tw_coro_ctx {
    ucontext_t uc;
} tw_coro_ctx;
#else
typedef struct tw_coro_ctx {
    void *sp; /* the callee-saved registers are on the stack below it */
} tw_coro_ctx;
#endif

/** Prepares ctx so that switching to it runs entry(arg) on [stack, stack + size). entry must
 * never return: it ends by switching away for good. */
void tw__coro_ctx_make(tw_coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *),
                       void *arg);
/** Saves the running context into from and resumes to. */
void tw__coro_switch(tw_coro_ctx *from, tw_coro_ctx *to);
/** "asm" or "ucontext": which implementation this build has. */
const char *tw__coro_switch_kind(void);

#endif
