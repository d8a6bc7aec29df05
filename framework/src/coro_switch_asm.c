/*
 * coro_switch_asm.c - laying out a new context's first frame for the
 * hand-written switch in coro_switch.S: the registers that switch pops,
 * with the entry point and its argument in two of them, and the trampoline
 * as the address it returns to.
 */
#include <stdint.h>
#include <string.h>

#include "coro_switch.h"

void tw__coro_trampoline(void);

void tw__coro_ctx_make(tw_coro_ctx *ctx, void *stack, size_t size, void (*entry)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
#if defined(__x86_64__)
    /* Popped in this order by the switch: r15 r14 r13 r12 rbx rbp, then ret. After the ret
     * the stack pointer is back at top, 16-byte aligned for the trampoline's call. */
    uint64_t *sp = (uint64_t *)top;
    *--sp = (uint64_t)(uintptr_t)tw__coro_trampoline;
    *--sp = 0;                          /* rbp */
    *--sp = (uint64_t)(uintptr_t)entry; /* rbx */
    *--sp = (uint64_t)(uintptr_t)arg;   /* r12 */
    *--sp = 0;                          /* r13 */
    *--sp = 0;                          /* r14 */
    *--sp = 0;                          /* r15 */
    ctx->sp = sp;
#elif defined(__aarch64__)
    /* The switch's 176-byte frame: x19..x30 then d8..d15. */
    uint64_t *frame = (uint64_t *)(top - 176);
    memset(frame, 0, 176);
    frame[0] = (uint64_t)(uintptr_t)entry;                /* x19 */
    frame[1] = (uint64_t)(uintptr_t)arg;                  /* x20 */
    frame[11] = (uint64_t)(uintptr_t)tw__coro_trampoline; /* x30, where ret goes */
    ctx->sp = frame;
#endif
}

const char *tw__coro_switch_kind(void)
{
    return "asm";
}
