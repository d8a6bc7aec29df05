/*
 * remote_usage.h - server samples (server_sample.h) of servers on another
 * host, read there by one short command per host and sample
 * (remote_usage.c). The command is a POSIX sh script that prints, for every
 * process of the servers' process groups, its /proc/PID/stat line, its VmHWM
 * and each of its threads' schedstat, then the files of each server's own
 * cgroup, line by line:
 *
 *   twice-usage 2
 *   ticks 100
 *   uptime 35017.42                           the host's, as the walk begins
 *   proc 4242 (twice-app) S 4240 4242 ...     a member: its stat line whole
 *   hwm 5120                                  its VmHWM (kB), when it has one
 *   sched 1234 567 89                         one per thread read
 *   cgroup 4242 2                             server 4242's cgroup: v2 (1: v1, 0: not found)
 *   file cpu.stat usage_usec 1234             a line of one of its files
 *   incgroup 4343 4:cpu,cpuacct:/a/b          a server without a cgroup of its own:
 *                                             a line of its /proc/PID/cgroup
 *   end
 *
 * What comes back is untrusted input: remote_usage_parse accepts exactly
 * that shape (a member of a group it did not ask for, a figure out of range,
 * a missing "end" are refused, with the line), and what the host could not
 * read is missing from the samples and said in their flags and notes, never
 * made up.
 */
#ifndef TWICE_REMOTE_USAGE_H
#define TWICE_REMOTE_USAGE_H

#include <stddef.h>
#include <sys/types.h>

#include "server_sample.h"

/** The longest output a sample may have: a host's servers with a few hundred threads. */
#define REMOTE_USAGE_MAX_BYTES (4u << 20)
/** How many words remote_usage_words needs for n servers, the NULL included. */
#define REMOTE_USAGE_WORDS(n) (4 + 2 * (n) + 1)

/**
 * Fills words (REMOTE_USAGE_WORDS(n) entries) with the command that samples n servers on their
 * host: groups[i] is server i's process group there, cgroups[i] its own cgroup directory there
 * (NULL: none). group_text is the caller's buffer for the groups' numbers (n entries).
 */
void remote_usage_words(const char **words, const pid_t *groups, const char *const *cgroups,
                        size_t n, char group_text[][24]);

/**
 * Parses what that command printed (text[0..len), not NUL-terminated) into samples[0..n), for
 * the servers whose process groups are groups[0..n). 0, or -1 with err naming the line and what
 * is wrong (samples then hold nothing to use).
 */
int remote_usage_parse(const char *text, size_t len, const pid_t *groups, size_t n,
                       struct server_sample *samples, char *err, size_t errlen);

#endif
