/*
 * coro.c - coroutines on pooled, guard-paged stacks.
 *
 * Each stack is one mmap() with an inaccessible guard page below it, so a
 * coroutine that overflows its stack faults at once instead of silently
 * writing over its neighbour. A SIGSEGV handler running on an alternate
 * signal stack tells that fault from others, says "stack overflow" with the
 * size to raise, and lets the process die of the signal.
 *
 * Stacks are recycled through the pool: mapping and unmapping per request
 * would cost two system calls and page faults each time.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "coro.h"
#include "coro_switch.h"
#include "internal.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#define TW_CORO_MIN_STACK (16 * 1024)
#define TW_CORO_MAX_FREE_STACKS 1024
#define TW_SIGNAL_STACK (64 * 1024)

struct tw_coro {
    tw_coro_ctx ctx;     /* the coroutine's own */
    tw_coro_ctx resumer; /* where a yield goes back to */
    tw_coro_pool *pool;
    char *mapping; /* guard page, then the stack */
    void (*fn)(void *arg);
    void *arg;
    void *context; /* the request context it runs in (a tw_exchange) */
    int finished;
#if defined(__SANITIZE_ADDRESS__)
    void *asan_fake_stack;
    const void *resumer_stack;
    size_t resumer_stack_size;
#endif
#if defined(__SANITIZE_THREAD__)
    void *tsan_fiber;
    void *tsan_resumer;
#endif
};

static __thread tw_coro *running;
static size_t page_size;

/* ---- stack overflow: tell the guard page's fault from any other -------------------- */

static void on_segv(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    tw_coro *co = running;
    char *addr = info->si_addr;
    if (co != NULL && addr >= co->mapping && addr < co->mapping + page_size) {
        char msg[200];
        int len = snprintf(msg, sizeof(msg),
                           "twice: coroutine stack overflow: a request needed more than its "
                           "%zu KiB stack; raise the stack size (--stack-size)\n",
                           co->pool->stack_size / 1024);
        if (len > 0 && write(STDERR_FILENO, msg, (size_t)len) < 0)
            len = 0; /* nothing more to do in a handler */
    }
    /* Die of the signal, as without this handler: the default action on return. */
    signal(sig, SIG_DFL);
}

static void install_overflow_handler(void)
{
    static int installed;
    if (!__atomic_exchange_n(&installed, 1, __ATOMIC_ACQ_REL)) {
        struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO | SA_ONSTACK};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, NULL);
    }
    /* The overflowing stack cannot run the handler: each thread needs a stack of its own. */
    static __thread void *signal_stack;
    if (signal_stack == NULL && (signal_stack = malloc(TW_SIGNAL_STACK)) != NULL) {
        stack_t ss = {.ss_sp = signal_stack, .ss_size = TW_SIGNAL_STACK};
        sigaltstack(&ss, NULL);
    }
}

/* ---- the pool of stacks --------------------------------------------------------------- */

void tw__coro_pool_init(tw_coro_pool *pool, size_t stack_size)
{
    page_size = (size_t)sysconf(_SC_PAGESIZE);
    if (stack_size < TW_CORO_MIN_STACK)
        stack_size = TW_CORO_MIN_STACK;
    memset(pool, 0, sizeof(*pool));
    pool->stack_size = (stack_size + page_size - 1) / page_size * page_size;
    install_overflow_handler();
}

void tw__coro_pool_dispose(tw_coro_pool *pool)
{
    for (size_t i = 0; i < pool->nfree; i++)
        munmap(pool->free_stacks[i], pool->stack_size + page_size);
    free(pool->free_stacks);
    pool->free_stacks = NULL;
    pool->nfree = pool->free_cap = 0;
}

static char *take_stack(tw_coro_pool *pool)
{
    if (pool->nfree != 0)
        return pool->free_stacks[--pool->nfree];
    char *mapping = mmap(NULL, pool->stack_size + page_size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED)
        return NULL;
    if (mprotect(mapping, page_size, PROT_NONE) != 0) {
        munmap(mapping, pool->stack_size + page_size);
        return NULL;
    }
    return mapping;
}

static void give_back_stack(tw_coro_pool *pool, char *mapping)
{
    if (pool->nfree == pool->free_cap && pool->free_cap < TW_CORO_MAX_FREE_STACKS) {
        size_t cap = pool->free_cap != 0 ? pool->free_cap * 2 : 64;
        void **grown = realloc(pool->free_stacks, cap * sizeof(*grown));
        if (grown != NULL) {
            pool->free_stacks = grown;
            pool->free_cap = cap;
        }
    }
    if (pool->nfree < pool->free_cap)
        pool->free_stacks[pool->nfree++] = mapping;
    else
        munmap(mapping, pool->stack_size + page_size);
}

/* ---- switching ------------------------------------------------------------------------ */

/* The sanitizers must hear of every stack switch, or they take the new stack for a
 * corrupted old one. These bracket tw__coro_switch; they compile to nothing otherwise. */
static void before_switch_in(tw_coro *co)
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(&co->asan_fake_stack, co->mapping + page_size,
                                   co->pool->stack_size);
#endif
#if defined(__SANITIZE_THREAD__)
    co->tsan_resumer = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(co->tsan_fiber, 0);
#endif
    (void)co;
}

static void after_switch_back(tw_coro *co)
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(co->asan_fake_stack, NULL, NULL);
#endif
    (void)co;
}

static void before_switch_out(tw_coro *co)
{
#if defined(__SANITIZE_ADDRESS__)
    /* A finished coroutine's fake stack is gone for good: pass NULL, as the API asks. */
    __sanitizer_start_switch_fiber(co->finished ? NULL : &co->asan_fake_stack, co->resumer_stack,
                                   co->resumer_stack_size);
#endif
#if defined(__SANITIZE_THREAD__)
    __tsan_switch_to_fiber(co->tsan_resumer, 0);
#endif
    (void)co;
}

static void after_switch_in(tw_coro *co)
{
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(co->asan_fake_stack, &co->resumer_stack,
                                    &co->resumer_stack_size);
#endif
    (void)co;
}

static void coro_main(void *arg)
{
    tw_coro *co = arg;
    after_switch_in(co);
    co->fn(co->arg);
    co->finished = 1;
    before_switch_out(co);
    tw__coro_switch(&co->ctx, &co->resumer);
    abort(); /* a finished coroutine is never resumed */
}

tw_coro *tw__coro_new(tw_coro_pool *pool, void (*fn)(void *arg), void *arg, void *ctx)
{
    tw_coro *co = calloc(1, sizeof(*co));
    if (co == NULL)
        return NULL;
    if ((co->mapping = take_stack(pool)) == NULL) {
        free(co);
        return NULL;
    }
    co->pool = pool;
    co->fn = fn;
    co->arg = arg;
    co->context = ctx;
#if defined(__SANITIZE_THREAD__)
    co->tsan_fiber = __tsan_create_fiber(0);
#endif
    tw__coro_ctx_make(&co->ctx, co->mapping + page_size, pool->stack_size, coro_main, co);
    pool->live++;
    return co;
}

void tw__coro_resume(tw_coro *co)
{
    tw_coro *outer = running;
    tw_exchange *outer_context = tw__context_enter(co->context);
    running = co;
    before_switch_in(co);
    tw__coro_switch(&co->resumer, &co->ctx);
    after_switch_back(co);
    running = outer;
    co->context = tw__context_enter(outer_context);
}

void tw__coro_yield(void)
{
    tw_coro *co = running;
    if (co == NULL) {
        fprintf(stderr, "twice: yield outside of a coroutine\n");
        abort();
    }
    before_switch_out(co);
    tw__coro_switch(&co->ctx, &co->resumer);
    after_switch_in(co);
}

tw_coro *tw__coro_current(void)
{
    return running;
}

int tw__coro_finished(const tw_coro *co)
{
    return co->finished;
}

void tw__coro_free(tw_coro *co)
{
    if (co == NULL)
        return;
#if defined(__SANITIZE_THREAD__)
    __tsan_destroy_fiber(co->tsan_fiber);
#endif
    co->pool->live--;
    give_back_stack(co->pool, co->mapping);
    free(co);
}
