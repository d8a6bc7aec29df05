/*
 * test_testbed_exec.c - how the test bed runs ip, tc and ssh-keygen: the
 * output of a command that worked, and a command that failed or could not
 * be run told with its command line and the end of its stderr.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testbed_exec.h"

Test(testbed_exec, the_output_of_a_command_that_worked)
{
    char err[256], *out = NULL;
    const char *const argv[] = {"sh", "-c", "echo one; echo two", NULL};
    cr_assert_eq(testbed_exec_output(argv, &out, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(out, "one\ntwo\n");
    free(out);
    cr_assert_eq(testbed_exec((const char *const[]){"true", NULL}, err, sizeof(err)), 0, "%s", err);
}

Test(testbed_exec, a_failure_names_the_command_and_ends_with_its_stderr)
{
    char err[512], *out = NULL;
    const char *const argv[] = {"sh", "-c", "echo boom >&2; exit 3", NULL};
    cr_assert_eq(testbed_exec_output(argv, &out, err, sizeof(err)), -1);
    cr_assert_null(out);
    cr_assert_str_eq(err, "`sh -c echo boom >&2; exit 3` exited with status 3; its stderr "
                          "ends:\nboom\n");
    cr_assert_eq(
        testbed_exec((const char *const[]){"/nonexistent/ip", "link", NULL}, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "`/nonexistent/ip link` exited with status 127; its stderr ends:\n"
                          "cannot run /nonexistent/ip: No such file or directory\n");
}
