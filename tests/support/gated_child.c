/*
 * gated_child.c - a child in its own process group that works on a signal
 * through a pipe and then waits to be killed.
 */
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gated_child.h"

void burn_cpu_s(double seconds)
{
    struct timespec used;
    volatile unsigned long sink = 0;
    do {
        for (int i = 0; i < 100000; i++)
            sink += (unsigned long)i;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
    } while ((double)used.tv_sec + (double)used.tv_nsec / 1e9 < seconds);
}

int gated_child_start(gated_child *c, void (*work)(void *arg), void *arg)
{
    int go[2], done[2];
    if (pipe(go) != 0)
        return -1;
    if (pipe(done) != 0) {
        close(go[0]);
        close(go[1]);
        return -1;
    }
    c->pid = fork();
    if (c->pid == 0) {
        char byte;
        setpgid(0, 0);
        /* A test that fails half-way must not leave it behind, holding the runner's pipes. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(go[1]);
        close(done[0]);
        if (read(go[0], &byte, 1) != 1)
            _exit(1);
        work(arg);
        if (write(done[1], "d", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(go[0]);
    close(done[1]);
    c->go_fd = go[1];
    c->done_fd = done[0];
    if (c->pid < 0) {
        close(go[1]);
        close(done[0]);
        return -1;
    }
    /* Set from both sides, so that the group exists before either goes on. */
    setpgid(c->pid, c->pid);
    return 0;
}

int gated_child_run(gated_child *c)
{
    char byte;
    struct pollfd done = {.fd = c->done_fd, .events = POLLIN};
    if (write(c->go_fd, "g", 1) != 1 || poll(&done, 1, 30000) != 1)
        return -1;
    return read(c->done_fd, &byte, 1) == 1 ? 0 : -1;
}

void gated_child_stop(gated_child *c)
{
    kill(-c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    close(c->go_fd);
    close(c->done_fd);
}
