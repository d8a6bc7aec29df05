/*
 * testbed_exec.h - running ip, tc and ssh-keygen for the test bed
 * (testbed_exec.c): argv arrays through proc.c, never a shell, each bounded
 * in time, and a failure told with the command and the end of its stderr.
 */
#ifndef TWICE_TESTBED_EXEC_H
#define TWICE_TESTBED_EXEC_H

#include <stddef.h>

/** Runs argv (NULL-terminated) to its end. 0 when it exits with 0; -1 with err ("`ip link add
 * ...` exited with status 2; its stderr ends: ...") otherwise. */
int testbed_exec(const char *const argv[], char *err, size_t errlen);
/** testbed_exec, with what argv writes to stdout in *out (malloc'd, NUL-terminated) on
 * success. */
int testbed_exec_output(const char *const argv[], char **out, char *err, size_t errlen);

#endif
