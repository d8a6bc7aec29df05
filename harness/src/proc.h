/*
 * proc.h - the child processes the harness starts (proc.c): each in a
 * process group of its own, so that it and everything it starts can be
 * signalled at once, and each dying with twice, so that nothing outlives it.
 */
#ifndef TWICE_PROC_H
#define TWICE_PROC_H

#include <signal.h>
#include <sys/types.h>

/** Set by SIGINT/SIGTERM once proc_install_signal_handlers() ran: the run must stop. */
extern volatile sig_atomic_t proc_interrupted;
void proc_install_signal_handlers(void);

/**
 * Starts argv (argv[0] looked up in PATH) with stdout and stderr to the given files
 * (NULL: /dev/null) and extra environment entries "NAME=value" (NULL-terminated, may be
 * NULL). When join is set, the child writes its pid there before it execs (a cgroup's
 * procs file), so that everything it starts is in that group too. Returns the pid, or -1.
 */
pid_t proc_spawn(char *const argv[], const char *stdout_path, const char *stderr_path,
                 char *const extra_env[], const char *join);
/** Waits up to timeout_ms for pid to exit; 1 with *status set, 0 still running. */
int proc_wait(pid_t pid, int timeout_ms, int *status);
/** SIGTERM to pid's process group, then SIGKILL after grace_ms; reaps pid. */
void proc_stop_group(pid_t pid, int grace_ms);
/** "exited with status 3" / "was killed by signal 9 (Killed)" for a wait status. */
const char *proc_describe_status(int status, char *buf, size_t len);
/** The last max bytes of a file, for error messages (malloc'd; "" when unreadable). */
char *proc_file_tail(const char *path, size_t max);

#endif
