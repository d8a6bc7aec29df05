/*
 * supervisor.h - what a remote server runs under (supervisor.c), so that
 * nothing is left on a host whatever happens to twice. A small POSIX sh
 * script, sent inline with the command (nothing to install), starts the
 * server in a session of its own (setsid) and blocks reading its stdin,
 * which is a pipe twice holds through ssh. When that stdin closes (twice
 * ended the step, exited, was killed with SIGKILL, or the ssh connection
 * dropped: sshd then closes the channel), it kills the server's whole
 * process group: SIGTERM, a grace of 2 s, SIGKILL. When the server exits by
 * itself, the script exits with its status, which ssh hands back. It says
 * on stderr which pid the server has there (its process group and session
 * too), so that twice can sample it and signal it on its host.
 *
 * Asked for a CPU cap, the script first makes a cgroup under its own on the
 * host (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us), starts the server in it
 * and removes it at the end; it says on stderr whether the cap applied, and
 * why not when it did not.
 */
#ifndef TWICE_SUPERVISOR_H
#define TWICE_SUPERVISOR_H

#include <stddef.h>
#include <sys/types.h>

/* What starts each line the script writes of its own into the command's stderr. */
#define SUPERVISOR_MARK "twice-supervisor: "

/** How many words supervisor_words adds before the command's. */
#define SUPERVISOR_WORDS 5

/**
 * Fills words with the command line that runs command (NULL-terminated) under the supervisor,
 * capped at cores (0: not capped): "sh", "-c", the script, its name, the cap ("QUOTA PERIOD"
 * as cpu.max has it, or "0"), then command's words, then NULL. quota is the caller's buffer
 * for the cap's text. 0, or -1 when words (max entries, the NULL included) is too short.
 */
int supervisor_words(const char **words, size_t max, double cores, char *quota, size_t quota_len,
                     const char *const command[]);

/** What the supervisor said of the CPU cap in stderr_text: 1 applied, 0 not applied (why in
 * why), -1 nothing said (no cap was asked for, or the script did not get that far). */
int supervisor_cap_note(const char *stderr_text, char *why, size_t whylen);

/** The server's pid on its host, as the script said in stderr_text: above 0, or 0 when it has
 * not said it (in a whole line) yet. */
pid_t supervisor_server_pid(const char *stderr_text);
/** The cgroup the script made for the server's cap, from stderr_text, into dir: 1, or 0 when
 * it made none (or its path does not fit len). */
int supervisor_cap_group(const char *stderr_text, char *dir, size_t len);
/** The length of the supervisor's own whole lines ("twice-supervisor: ...") at the start of
 * stderr_text, which the command's own stderr follows (0: none). */
size_t supervisor_notes_length(const char *stderr_text);

#endif
