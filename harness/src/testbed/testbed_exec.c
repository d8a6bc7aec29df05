/*
 * testbed_exec.c - a program run to its end for the test bed. Its output
 * goes to anonymous files (proc_output_fd), so nothing is left on disk, and
 * a program that hangs is stopped: setting up a namespace never takes
 * seconds, so a long wait means something is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "testbed_exec.h"

#define EXEC_TIMEOUT_MS 30000
#define STDERR_TAIL 400

/* "`ip link add x`" into buf, cut to fit. */
static const char *command_line(char *buf, size_t len, const char *const argv[])
{
    size_t used = (size_t)snprintf(buf, len, "`");
    for (size_t i = 0; argv[i] != NULL && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "", argv[i]);
    if (used < len)
        snprintf(buf + used, len - used, "`");
    return buf;
}

int testbed_exec_output(const char *const argv[], char **out, char *err, size_t errlen)
{
    char command[512], how[128];
    int out_fd = out != NULL ? proc_output_fd("testbed-stdout", err, errlen) : -1;
    int err_fd = proc_output_fd("testbed-stderr", err, errlen);
    if ((out != NULL && out_fd < 0) || err_fd < 0) {
        if (out_fd >= 0)
            close(out_fd);
        if (err_fd >= 0)
            close(err_fd);
        return -1;
    }
    int rc = -1, status;
    pid_t pid = proc_spawn((char *const *)argv, out_fd, err_fd, NULL, NULL, err, errlen);
    if (pid > 0 && !proc_wait(pid, EXEC_TIMEOUT_MS, &status)) {
        proc_stop_group(pid, 100);
        snprintf(err, errlen, "%s did not finish in %d s",
                 command_line(command, sizeof(command), argv), EXEC_TIMEOUT_MS / 1000);
    } else if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
        char *note = proc_stderr_note(err_fd, STDERR_TAIL);
        snprintf(err, errlen, "%s %s%s", command_line(command, sizeof(command), argv),
                 proc_describe_status(status, how, sizeof(how)), note);
        free(note);
    } else if (pid > 0) {
        rc = 0;
        if (out != NULL)
            *out = proc_output(out_fd, 0, NULL);
    }
    if (out_fd >= 0)
        close(out_fd);
    close(err_fd);
    return rc;
}

int testbed_exec(const char *const argv[], char *err, size_t errlen)
{
    return testbed_exec_output(argv, NULL, err, errlen);
}
