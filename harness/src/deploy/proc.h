/*
 * proc.h - the child processes the harness starts (proc.c): each in a
 * process group of its own, so that it and everything it starts can be
 * signalled at once, and each dying with twice, so that nothing outlives it.
 */
#ifndef TWICE_PROC_H
#define TWICE_PROC_H

#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

/** Set by SIGINT/SIGTERM once proc_install_signal_handlers() ran: the run must stop. */
extern volatile sig_atomic_t proc_interrupted;
void proc_install_signal_handlers(void);

/**
 * Starts argv (argv[0] looked up in PATH) in a process group of its own, with stdout and
 * stderr to the given descriptors (-1: /dev/null) and extra environment entries
 * "NAME=value" (NULL-terminated, may be NULL). When join is set, the child writes its pid
 * there before it execs (a cgroup's procs file), so that everything it starts is in that
 * group too. The group is handed to the watchdog (watchdog.h) before the child runs anything,
 * so that nothing it starts can outlive twice. Returns the pid, or -1 with err saying why.
 */
pid_t proc_spawn(char *const argv[], int stdout_fd, int stderr_fd, char *const extra_env[],
                 const char *join, char *err, size_t errlen);
/** proc_spawn with the child's stdin from stdin_fd (-1: twice's own, as proc_spawn does): the
 * read end of a pipe whose write end twice keeps, so that the child sees its stdin close when
 * twice closes it or dies. */
pid_t proc_spawn_stdin(char *const argv[], int stdin_fd, int stdout_fd, int stderr_fd,
                       char *const extra_env[], const char *join, char *err, size_t errlen);
/**
 * Starts argv (argv[0] looked up in PATH) as a daemon, the one kind of process twice starts
 * to outlive it (a test bed's sshd): in a session of its own, a child of init rather than of
 * twice, unknown to the watchdog, its stdin /dev/null and its stdout and stderr to out_fd
 * (-1: /dev/null). When join is set, it first joins that cgroup's procs file, so that
 * everything it starts is in that group too. 0 once argv runs, or -1 with err (it could not
 * join the group or be run).
 */
int proc_spawn_daemon(char *const argv[], int out_fd, const char *join, char *err, size_t errlen);
/**
 * Waits up to timeout_ms (< 0: for as long as it takes) for pid (from proc_spawn, so > 0) to
 * exit; 1 with *status set, 0 still running. Once pid is reaped, whatever is left of its process
 * group is killed: a server that dies takes its workers and helpers with it.
 */
int proc_wait(pid_t pid, int timeout_ms, int *status);
/** proc_wait, and when pid is reaped here, its own CPU and memory figures in *usage (its
 * waited-for descendants' included; zeros when it was reaped elsewhere or is still running). */
int proc_wait_usage(pid_t pid, int timeout_ms, int *status, struct rusage *usage);
/** SIGTERM to pid's process group, then SIGKILL after grace_ms; reaps pid. */
void proc_stop_group(pid_t pid, int grace_ms);
/** "exited with status 3" / "was killed by signal 9 (Killed)" for a wait status. */
const char *proc_describe_status(int status, char *buf, size_t len);
/** An anonymous file (memfd, close-on-exec) for a child's output: it has no name, so nothing
 * of it is left behind whatever happens to twice. The descriptor, or -1 with err. */
int proc_output_fd(const char *name, char *err, size_t errlen);
/** What fd holds from byte from to its end, NUL-terminated (malloc'd; "" when there is
 * nothing or it cannot be read), its length in *len when len is not NULL. */
char *proc_output(int fd, size_t from, size_t *len);
/** The last max bytes of what fd holds (malloc'd). */
char *proc_output_tail(int fd, size_t max);
/* How much of a failed child's stderr an error message shows: a traceback's last lines say
 * what went wrong, its first line seldom does. */
#define PROC_NOTE_LINES 20
#define PROC_NOTE_BYTES 4096
/** For the end of an error message: "; its stderr ends:\n" and the last PROC_NOTE_LINES
 * lines of stderr_fd, at most max bytes of them, or "" when it holds nothing (malloc'd). The
 * remote supervisor's own lines (SUPERVISOR_MARK) are not the program's and are left out. */
char *proc_stderr_note(int stderr_fd, size_t max);

#endif
