/*
 * testbed_journal.h - the record of what a test bed made (testbed_journal.c):
 * one line "KIND VALUE" per namespace, link, cgroup or file, appended and
 * flushed before the thing is made, so that a bed whose making stopped at
 * any point (a failure, a kill) can still be taken down whole. Taking it
 * down walks the record backwards: the last thing made goes first.
 */
#ifndef TWICE_TESTBED_JOURNAL_H
#define TWICE_TESTBED_JOURNAL_H

#include <stddef.h>

typedef enum {
    TESTBED_MADE_BRIDGE, /* a bridge link in the root namespace */
    TESTBED_MADE_NETNS,  /* a network namespace (and so everything running in it) */
    TESTBED_MADE_LINK,   /* a veth pair, by its root-namespace end */
    TESTBED_MADE_CGROUP, /* a cgroup directory (and so every process in it) */
    TESTBED_MADE_FILE,   /* a file outside the state directory (the inventory) */
} testbed_made;

typedef struct testbed_record {
    testbed_made kind;
    char value[1024];
} testbed_record;

/** Appends "KIND value" to the journal at path, on disk before it returns. 0, or -1 with err. */
int testbed_journal_add(const char *path, testbed_made kind, const char *value, char *err,
                        size_t errlen);
/** The records at path, in the order they were made (malloc'd; *n of them). 0, or -1 with
 * err when the journal cannot be read or holds a line that is not a record. */
int testbed_journal_read(const char *path, testbed_record **records, size_t *n, char *err,
                         size_t errlen);

#endif
