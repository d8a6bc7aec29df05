/*
 * test_testbed_journal.c - the record of what a test bed made: read back in
 * the order written, every kind; a line that is not a record refused with
 * its line number; a value that would break a line refused before writing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testbed_journal.h"

static char path[] = "/tmp/twice-journal-XXXXXX";

static void init(void)
{
    strcpy(path, "/tmp/twice-journal-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    unlink(path); /* the journal is created by its first record */
}

static void fini(void)
{
    unlink(path);
}

TestSuite(testbed_journal, .init = init, .fini = fini);

Test(testbed_journal, records_come_back_in_the_order_made)
{
    char err[256];
    const testbed_made kinds[] = {TESTBED_MADE_CGROUP, TESTBED_MADE_BRIDGE, TESTBED_MADE_NETNS,
                                  TESTBED_MADE_LINK, TESTBED_MADE_FILE};
    const char *values[] = {"/sys/fs/cgroup/cpu/twice-tb-abc", "twice-tb-abcbr", "twice-tb-abc-s0",
                            "twice-tb-abcs0", "/tmp/inventory with spaces.json"};
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(testbed_journal_add(path, kinds[i], values[i], err, sizeof(err)), 0, "%s",
                     err);
    testbed_record *records;
    size_t n;
    cr_assert_eq(testbed_journal_read(path, &records, &n, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(records[i].kind, kinds[i]);
        cr_assert_str_eq(records[i].value, values[i]);
    }
    free(records);
}

Test(testbed_journal, a_line_that_is_not_a_record)
{
    char err[512];
    cr_assert_eq(testbed_journal_add(path, TESTBED_MADE_NETNS, "twice-tb-abc-s0", err, sizeof(err)),
                 0, "%s", err);
    FILE *f = fopen(path, "a");
    fputs("process 1234\n", f);
    fclose(f);
    testbed_record *records;
    size_t n;
    cr_assert_eq(testbed_journal_read(path, &records, &n, err, sizeof(err)), -1);
    char expected[128];
    snprintf(expected, sizeof(expected), "%s:2: not a record of the test bed's", path);
    cr_assert_str_eq(err, expected);
    cr_assert_null(records);
    cr_assert_eq(n, 0);
}

Test(testbed_journal, a_value_with_a_line_break_is_not_recorded)
{
    char err[512], expected[256];
    cr_assert_eq(testbed_journal_add(path, TESTBED_MADE_FILE, "a\nnetns x", err, sizeof(err)), -1);
    snprintf(expected, sizeof(expected),
             "%s: cannot record \"a\nnetns x\": too long, or a line break", path);
    cr_assert_str_eq(err, expected);
    cr_assert_neq(access(path, F_OK), 0);
}
