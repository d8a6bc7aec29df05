/*
 * gated_child.h - a child process that does a known piece of work when told
 * to (gated_child.c), for the measurement tests: burn so much CPU, sleep,
 * hold connections. It runs in a process group of its own (as the harness's
 * servers do), does its work between a "go" and a "done", then waits to be
 * killed, so that a test can sample it before and after the work.
 */
#ifndef TWICE_TEST_GATED_CHILD_H
#define TWICE_TEST_GATED_CHILD_H

#include <sys/types.h>

typedef struct gated_child {
    pid_t pid;   /* also its process group */
    int go_fd;   /* the test's end: a byte starts the work */
    int done_fd; /* the test's end: a byte says the work is done */
} gated_child;

/** Forks a child that runs work(arg) once gated_child_run() tells it to. 0, or -1. */
int gated_child_start(gated_child *c, void (*work)(void *arg), void *arg);
/** Tells the child to work and waits up to 30 s for it to finish. 0, or -1 (it died or took
 * longer). */
int gated_child_run(gated_child *c);
/** Kills the child's process group and reaps the child. */
void gated_child_stop(gated_child *c);
/** Burns CPU on the calling thread until it has used seconds of CPU time. */
void burn_cpu_s(double seconds);

#endif
