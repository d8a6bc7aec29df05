/*
 * ssh_host.h - running commands on one inventory host (ssh_host.c). For an
 * ssh destination: the OpenSSH client, never asking anything (BatchMode),
 * with the inventory's identity file, options and known-hosts handling, and
 * one master connection (ControlMaster) for the whole run, so that a command
 * does not pay a handshake; its socket lives in a private temporary
 * directory that is removed with it. A "local" host runs the same words on
 * this machine, through proc_spawn, with no shell in between.
 *
 * The remote side gets one string, which the remote user's shell splits:
 * every word is single-quoted (shell_quote.h), so it arrives as it left.
 */
#ifndef TWICE_SSH_HOST_H
#define TWICE_SSH_HOST_H

#include <stddef.h>
#include <sys/types.h>

#include "inventory.h"

/** What ssh waits for a connection, unless the inventory's options say otherwise. */
#define SSH_CONNECT_TIMEOUT_S 10

typedef enum {
    SSH_MASTER,       /* the master connection: -M -N, no command */
    SSH_COMMAND,      /* a command over the master's connection */
    SSH_CONTROL_EXIT, /* tells the master to end (-O exit) */
} ssh_role;

typedef struct ssh_host {
    const inventory *inv;       /* the ssh settings (borrowed) */
    const inventory_host *host; /* the host (borrowed) */
    char control_dir[64];       /* the master's private directory; "" when there is none */
    pid_t master;               /* the master ssh; 0 when none runs */
    int master_err;             /* the master's stderr (proc_output_fd), or -1 */
} ssh_host;

/**
 * The ssh command line for role on h: argv[0] "ssh", NULL-terminated, each string malloc'd
 * (free with ssh_argv_free). remote (SSH_COMMAND only) is the command's words, quoted into the
 * one string the remote shell gets. NULL without memory.
 */
char **ssh_host_argv(const ssh_host *h, ssh_role role, const char *const remote[]);
void ssh_argv_free(char **argv);

/**
 * Gets h ready to run commands on host: for an ssh destination, starts the master connection
 * and waits until it is up. 0, or -1 with err naming the host and what ssh said (h is then
 * closed). The host and inventory must outlive h.
 */
int ssh_host_open(ssh_host *h, const inventory *inv, const inventory_host *host, char *err,
                  size_t errlen);
/**
 * Starts words (NULL-terminated) on h, in a process group of its own that dies with twice
 * (proc_spawn_stdin): stdin from stdin_fd (-1: /dev/null), stdout and stderr to the given
 * descriptors (-1: discarded). Over ssh, the remote command's output arrives on them. The pid
 * of the local process (ssh, or the command itself), or -1 with err.
 */
pid_t ssh_host_spawn(ssh_host *h, const char *const words[], int stdin_fd, int stdout_fd,
                     int stderr_fd, char *err, size_t errlen);
/**
 * Runs words on h to their end, waiting at most timeout_ms: 0 with its wait status, stdout and
 * stderr (both malloc'd) in *status, *out and *errout; -1 with err when it could not be run or
 * ran past the time (it is then killed).
 */
int ssh_host_run(ssh_host *h, const char *const words[], int timeout_ms, int *status, char **out,
                 char **errout, char *err, size_t errlen);
/**
 * Runs words on h to their end (ssh_host_run): 0 with its stdout (malloc'd) in *out when it
 * exits with 0; -1 with *out NULL and err otherwise: "host DEST: WHAT exited with status N:
 * the first line of its stderr" (what names the command for the message), or why it could not
 * be run.
 */
int ssh_host_run_output(ssh_host *h, const char *const words[], int timeout_ms, const char *what,
                        char **out, char *err, size_t errlen);
/**
 * Runs words on h to their end (ssh_host_run, with the checks' time limit): 0 with the first
 * line of its stdout (without its newline) in line when it exits with 0; -1 with err
 * otherwise: "host DEST: WHAT exited with status N: the first line of its stderr" (what names
 * the command for the message), or why it could not be run.
 */
int ssh_host_run_line(ssh_host *h, const char *const words[], const char *what, char *line,
                      size_t len, char *err, size_t errlen);
/**
 * Checks that h has program (`command -v` there, in the remote user's PATH): 0, or -1 with err
 * "host DEST: has no PROGRAM (FOR): `command -v PROGRAM` exited with status N" (for says what
 * needs it and where it comes from).
 */
int ssh_host_check_program(ssh_host *h, const char *program, const char *for_what, char *err,
                           size_t errlen);
/** Ends the master connection (-O exit, then its process group is killed) and removes its
 * directory. Safe on a host never opened, or closed already. */
void ssh_host_close(ssh_host *h);

#endif
