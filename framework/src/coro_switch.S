/*
 * coro_switch.S - the hand-written coroutine switch (see coro_switch.h).
 * It saves exactly what the calling convention says a callee must keep:
 * nothing of the signal mask or the floating-point environment, which is
 * what makes it an order of magnitude faster than swapcontext().
 *
 * void tw__coro_switch(tw_coro_ctx *from, tw_coro_ctx *to)
 *
 * Both symbols are .hidden: -fvisibility=hidden does not reach assembly, and
 * the shared library exports only the public tw_ API.
 */
#if defined(__x86_64__)
    .text
    .globl  tw__coro_switch
    .hidden  tw__coro_switch
    .type   tw__coro_switch, @function
tw__coro_switch:
    /* System V: rbx, rbp, r12-r15 are callee-saved; the return address is on the stack. */
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, (%rdi)
    movq    (%rsi), %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
    .size   tw__coro_switch, .-tw__coro_switch

    /* First switch into a new context lands here (see tw__coro_ctx_make): entry in rbx,
     * its argument in r12, and a 16-byte aligned stack for the call. */
    .globl  tw__coro_trampoline
    .hidden  tw__coro_trampoline
    .type   tw__coro_trampoline, @function
tw__coro_trampoline:
    movq    %r12, %rdi
    callq   *%rbx
    ud2
    .size   tw__coro_trampoline, .-tw__coro_trampoline

#elif defined(__aarch64__)
    .text
    .globl  tw__coro_switch
    .hidden  tw__coro_switch
    .type   tw__coro_switch, %function
tw__coro_switch:
    /* AAPCS64: x19-x28, the frame pointer x29, the link register x30 and the low halves of
     * v8-v15 (d8-d15) are callee-saved. 176 bytes keeps sp 16-byte aligned. */
    sub     sp, sp, #176
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mov     x2, sp
    str     x2, [x0]
    ldr     x2, [x1]
    mov     sp, x2
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #176
    ret
    .size   tw__coro_switch, .-tw__coro_switch

    /* First switch into a new context returns here: entry in x19, its argument in x20. */
    .globl  tw__coro_trampoline
    .hidden  tw__coro_trampoline
    .type   tw__coro_trampoline, %function
tw__coro_trampoline:
    mov     x0, x20
    blr     x19
    brk     #0
    .size   tw__coro_trampoline, .-tw__coro_trampoline
#else
#error "no hand-written coroutine switch for this architecture: configure with TWICE_UCONTEXT=ON"
#endif

    .section .note.GNU-stack, "", %progbits
