/*
 * contention_lock.c - the lock behind /contention: one hot row that every
 * worker and every server on the machine queues for. A file lock, because
 * it is shared across unrelated processes with nothing to set up, and
 * because the kernel releases it when its holder dies: a crashed server
 * never wedges the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "workloads.h"

#define POLL_FIRST_US 50
#define POLL_MAX_US 1000

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int twice_app_hold_lock(const char *path, uint64_t hold_us, uint64_t *waited_us)
{
    /* A description per holder: flock() excludes descriptions, so threads of one process
     * exclude each other too (fcntl locks would not). */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return TW_FAIL;
    uint64_t start = now_us();
    int rc;
    if (tw_waits_yield()) {
        for (uint64_t pause = POLL_FIRST_US;
             (rc = flock(fd, LOCK_EX | LOCK_NB)) != 0 && (errno == EWOULDBLOCK || errno == EINTR);
             pause = pause * 2 < POLL_MAX_US ? pause * 2 : POLL_MAX_US)
            tw_usleep(pause);
    } else {
        while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
            ;
    }
    *waited_us = now_us() - start;
    if (rc != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return TW_FAIL;
    }
    tw_usleep(hold_us);
    close(fd); /* releases the lock */
    return TW_OK;
}
