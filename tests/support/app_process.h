/*
 * app_process.h - starting and stopping real servers for the live tests:
 * twice-app on an ephemeral loopback port, the peers it is compared with
 * (gunicorn, nginx) on a free one, their workers, their exit.
 */
#ifndef TWICE_TEST_APP_PROCESS_H
#define TWICE_TEST_APP_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

typedef struct app_process {
    pid_t pid;
    int port;
    int stderr_fd; /* the server's stderr: an anonymous file (memfd), gone with the test */
    int stdout_fd; /* twice-app's stdout after its announcement (a pipe), or -1 */
} app_process;

/**
 * Starts program with args (NULL-terminated; "--listen 127.0.0.1:0" is
 * added unless args name --listen) and waits up to 5 s for its "listening on HOST:PORT" line.
 * Returns 0 with p filled in, or -1 (the server exited or stayed silent).
 */
int app_start(app_process *p, const char *program, const char *const *args);
/**
 * Starts a server that does not announce its port (gunicorn, nginx): argv[0] is looked up in
 * PATH, and argv must make it serve on 127.0.0.1:port. Waits up to timeout_ms for the port to
 * accept a connection. Returns 0 with p filled in, or -1 when it exited or never accepted
 * (it is then gone; its output stays in app_stderr(p) until the caller calls
 * app_release(p)).
 */
int app_start_on_port(app_process *p, const char *const *argv, int port, int timeout_ms);
/** A TCP port on 127.0.0.1 that was free a moment ago, or -1. */
int free_port(void);
/** Asks twice-app (started by app_start) how many requests it served: SIGUSR1, then up to
 * timeout_ms for its line "twice-app: served N requests at T", T on this machine's monotonic
 * clock, taken between the ask and the answer. N, or -1 when no such line came. */
long long app_served(app_process *p, int timeout_ms);
/** Sends sig, then waits up to timeout_ms for the exit. Returns the wait status, or -1 when
 * it did not exit (it is then killed). */
int app_stop(app_process *p, int sig, int timeout_ms);
/** Lets go of what a stopped or failed server left: its captured stderr, its stdout. */
void app_release(app_process *p);
/** The server's stderr so far (malloc'd, NUL-terminated). */
char *app_stderr(const app_process *p);
/** Stops the server with SIGTERM and returns its wait status (-1: it had to be killed). A
 * sanitizer report on its stderr is copied to *report (malloc'd), else *report is NULL. */
int app_stop_checked(app_process *p, int timeout_ms, char **report);

/** Runs program with args to completion (at most timeout_ms) and returns its wait status;
 * its stderr is captured into *err (malloc'd). */
int run_to_exit(const char *program, const char *const *args, int timeout_ms, char **err);
/** run_to_exit, with its stdout captured into *out as well (malloc'd) when out is not NULL. */
int run_capturing(const char *program, const char *const *args, int timeout_ms, char **out,
                  char **err);

/** The children of parent, from /proc (malloc'd array; *n their count). */
pid_t *children_of(pid_t parent, size_t *n);
/** Waits up to timeout_ms for the child pid to exit and reaps it: 0 with *status set, or -1
 * while it still runs. */
int wait_exit(pid_t pid, int timeout_ms, int *status);
/** children_of, polled until there are want of them or timeout_ms passes. */
pid_t *wait_children(pid_t parent, size_t want, int timeout_ms, size_t *n);
/** 1 while pid exists and is not a zombie. */
int process_alive(pid_t pid);
/** Waits until process_alive(pid) is 0, up to timeout_ms; 0 when gone, -1 otherwise. */
int wait_gone(pid_t pid, int timeout_ms);
void sleep_ms(int ms);

#endif
