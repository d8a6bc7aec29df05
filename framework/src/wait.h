/*
 * wait.h - how a thread waits (wait.c). tw_sleep() and the fd waits ask
 * the thread's waiter, which each model sets on the threads that run
 * handlers: none (block), one that first lets another handler thread take
 * queued work (thread model), one that yields the coroutine (coroutine).
 */
#ifndef TWICE_WAIT_H
#define TWICE_WAIT_H

#include <stdint.h>

typedef struct tw_waiter {
    /** Sleeps us microseconds; returns TW_OK. */
    int (*sleep_us)(struct tw_waiter *self, uint64_t us);
    /** Waits for events (POLLIN or POLLOUT) on fd: 1 ready, 0 timed out, TW_FAIL. */
    int (*wait_fd)(struct tw_waiter *self, int fd, short events, int timeout_ms);
} tw_waiter;

/** Sets this thread's waiter (NULL: plain blocking); returns the previous one. */
tw_waiter *tw__set_waiter(tw_waiter *waiter);
/** The blocking implementations, for waiters that block after doing something first. */
int tw__block_sleep_us(uint64_t us);
int tw__block_wait_fd(int fd, short events, int timeout_ms);

#endif
