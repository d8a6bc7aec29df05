/*
 * load_remote.h - wrk on another host as the shell there runs it
 * (load_remote.c): the words of the remote command, and the CPU report its
 * wrapper ends wrk's stderr with.
 *
 * A host has no source tree: the harness's Lua script travels in the
 * command itself, one single-quoted word (stdin is taken: it is the
 * supervisor's lifeline). A small sh wrapper writes it to a mktemp file,
 * puts that file's path in place of the script's word, runs wrk under the
 * supervisor (supervisor.h: wrk dies when the lifeline closes), removes the
 * file when the supervisor ends, however it ends, and prints the CPU time of
 * its children - wrk, reaped by the supervisor, and that small shell - with
 * the shell's `times`, after a mark, on stderr. The wrapper is the last to
 * write there, so the report is at the very end.
 */
#ifndef TWICE_LOAD_REMOTE_H
#define TWICE_LOAD_REMOTE_H

#include <stddef.h>

#include "load_wrk.h"

/** The largest script the command line carries: a remote shell takes 128 KiB in one word. */
#define LOAD_REMOTE_SCRIPT_MAX (96u << 10)
/** What the wrapper prints before `times`. */
#define LOAD_REMOTE_CPU_MARK "twice-wrk-cpu:"
/** The word of the script's path in the remote wrk's argv, which the wrapper replaces. */
#define LOAD_REMOTE_SCRIPT_WORD "{script}"
/** Room for load_remote_words: the wrapper's, the supervisor's and wrk's words. */
#define LOAD_REMOTE_MAX_WORDS 32

/**
 * Fills words (max entries) with the remote command that runs cmd on a host with script (the
 * text of cmd's script) put in a file there: "sh", "-c", the wrapper, its name, script, the
 * supervisor's words (uncapped), "env", cmd's environment entries, then cmd's argv with its
 * script word LOAD_REMOTE_SCRIPT_WORD, then NULL. The strings are borrowed (cmd's, script,
 * the static scripts and quota, the caller's buffer for the supervisor's quota). 0, or -1 when
 * words is too short.
 */
int load_remote_words(const load_command *cmd, const char *script, const char **words, size_t max,
                      char *quota, size_t quota_len);

/**
 * Reads the wrapper's CPU report at the end of text (len bytes, the end of wrk's stderr; it may
 * hold anything): 0 with *cpu_s, its children's user + system seconds, and *at, where the report
 * starts in text (wrk's own stderr ends there); -1 with why when there is no report, or it is
 * not in the format of the shell's `times` ("%dm%fs %dm%fs", the shell's then its children's).
 */
int load_remote_cpu(const char *text, size_t len, double *cpu_s, size_t *at, char *why,
                    size_t whylen);

#endif
