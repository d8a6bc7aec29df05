/*
 * wait.c - the blocking-looking calls: tw_sleep() and the fd waits. They
 * wait the way the model running the caller does (see wait.h); without a
 * waiter they block, restarting after signals so that a graceful shutdown
 * never cuts a wait short.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "coro.h"
#include "internal.h"
#include "timers.h"
#include "wait.h"

static __thread tw_waiter *waiter;

tw_waiter *tw__set_waiter(tw_waiter *w)
{
    tw_waiter *previous = waiter;
    waiter = w;
    return previous;
}

int tw__block_sleep_us(uint64_t us)
{
    struct timespec left = {.tv_sec = (time_t)(us / 1000000),
                            .tv_nsec = (long)(us % 1000000) * 1000};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
    return TW_OK;
}

int tw__block_wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    uint64_t deadline = tw__now_us() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000;
    for (;;) {
        int n = poll(&pfd, 1, timeout_ms);
        if (n >= 0)
            return n > 0;
        if (errno != EINTR)
            return TW_FAIL;
        if (timeout_ms >= 0) {
            /* A signal woke us early: wait only for what is left. */
            uint64_t now = tw__now_us();
            if (now >= deadline)
                return 0;
            timeout_ms = (int)((deadline - now + 999) / 1000);
        }
    }
}

int tw_waits_yield(void)
{
    return tw__coro_current() != NULL;
}

int tw_usleep(uint64_t us)
{
    return waiter != NULL ? waiter->sleep_us(waiter, us) : tw__block_sleep_us(us);
}

int tw_sleep(uint64_t ms)
{
    return tw_usleep(ms * 1000);
}

int tw_wait_readable(int fd, int timeout_ms)
{
    return waiter != NULL ? waiter->wait_fd(waiter, fd, POLLIN, timeout_ms)
                          : tw__block_wait_fd(fd, POLLIN, timeout_ms);
}

int tw_wait_writable(int fd, int timeout_ms)
{
    return waiter != NULL ? waiter->wait_fd(waiter, fd, POLLOUT, timeout_ms)
                          : tw__block_wait_fd(fd, POLLOUT, timeout_ms);
}
