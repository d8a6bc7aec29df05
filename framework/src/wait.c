/*
 * wait.c - the blocking-looking calls: tw_sleep() and the fd waits. In the
 * process model a request owns its worker, so waiting blocks it; the calls
 * restart after signals so that a graceful shutdown never cuts a wait short.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "internal.h"

int tw_usleep(uint64_t us)
{
    struct timespec left = {.tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
    return TW_OK;
}

int tw_sleep(uint64_t ms)
{
    return tw_usleep(ms * 1000);
}

static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        int n = poll(&pfd, 1, timeout_ms);
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return TW_FAIL;
        if (timeout_ms >= 0) {
            /* A signal woke us early: wait only for what is left. */
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
            if (spent >= timeout_ms)
                return 0;
            timeout_ms -= (int)spent;
            start = now;
        }
    }
}

int tw_wait_readable(int fd, int timeout_ms)
{
    return wait_fd(fd, POLLIN, timeout_ms);
}

int tw_wait_writable(int fd, int timeout_ms)
{
    return wait_fd(fd, POLLOUT, timeout_ms);
}
