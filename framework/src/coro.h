/*
 * coro.h - coroutines (coro.c): a function running on a stack of its own,
 * resumed by the thread's scheduler and yielding back to it. Coroutines
 * never move between threads. Each carries the request context it runs in,
 * and the switch sets the context locals to it, so tw_request() always
 * names the request whose code is running.
 */
#ifndef TWICE_CORO_H
#define TWICE_CORO_H

#include <stddef.h>

typedef struct tw_coro tw_coro;

/** A thread's coroutines: a pool of stacks of one size. */
typedef struct tw_coro_pool {
    size_t stack_size;  /* usable bytes, a multiple of the page size */
    size_t live;        /* coroutines not yet freed */
    void **free_stacks; /* mappings ready for reuse */
    size_t nfree, free_cap;
} tw_coro_pool;

#define TW_CORO_DEFAULT_STACK (64 * 1024)

/** Sets up a pool; stack_size is rounded up to whole pages (at least 16 KiB). Installs, once
 * per process, the handler that reports a stack overflow, and this thread's signal stack. */
void tw__coro_pool_init(tw_coro_pool *pool, size_t stack_size);
void tw__coro_pool_dispose(tw_coro_pool *pool);

/** A new coroutine that will run fn(arg) in the context of the request ctx (may be NULL), or
 * NULL when memory is out. It starts on the first resume. */
tw_coro *tw__coro_new(tw_coro_pool *pool, void (*fn)(void *arg), void *arg, void *ctx);
/** Runs co until it yields or finishes. */
void tw__coro_resume(tw_coro *co);
/** From inside a coroutine: back to whoever resumed it. */
void tw__coro_yield(void);
/** The coroutine running on this thread, or NULL on the thread's own stack. */
tw_coro *tw__coro_current(void);
int tw__coro_finished(const tw_coro *co);
/** Frees a finished coroutine; its stack goes back to the pool. */
void tw__coro_free(tw_coro *co);

#endif
