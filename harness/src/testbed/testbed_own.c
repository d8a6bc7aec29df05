/*
 * testbed_own.c - a bed's cgroups for a run on it, from the bed's journal
 * (testbed_journal.h): the inventory file it wrote and the cgroups it made,
 * one for each host. A bed host's /sys has no cgroup file system (`ip netns
 * exec` mounts a sysfs of its own), so a cgroup a process there runs in is
 * read from here, by its path.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testbed.h"
#include "testbed_journal.h"
#include "testbed_own.h"

/* 1 when the bed's records name the inventory at the real path wanted. */
static int wrote(const testbed_record *records, size_t n, const char *wanted)
{
    for (size_t i = 0; i < n; i++) {
        char real[PATH_MAX];
        if (records[i].kind == TESTBED_MADE_FILE && realpath(records[i].value, real) != NULL &&
            strcmp(real, wanted) == 0)
            return 1;
    }
    return 0;
}

char **testbed_own_cgroups(const char *inventory_path, size_t *n)
{
    char wanted[PATH_MAX], err[256];
    testbed_record *records = NULL;
    size_t nrecords = 0;
    *n = 0;
    if (inventory_path == NULL || realpath(inventory_path, wanted) == NULL ||
        testbed_journal_read(TESTBED_JOURNAL, &records, &nrecords, err, sizeof(err)) != 0)
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < nrecords; i++)
        count += records[i].kind == TESTBED_MADE_CGROUP;
    char **dirs =
        wrote(records, nrecords, wanted) && count > 0 ? calloc(count + 1, sizeof(*dirs)) : NULL;
    for (size_t i = 0; dirs != NULL && i < nrecords; i++) {
        if (records[i].kind == TESTBED_MADE_CGROUP && (dirs[*n] = strdup(records[i].value)) != NULL)
            ++*n;
    }
    free(records);
    return dirs;
}

void testbed_own_free(char **dirs)
{
    for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
        free(dirs[i]);
    free(dirs);
}

int testbed_own_local_dir(const char *const *own, size_t n, const char *path, char *dir, size_t len)
{
    /* own[i] is MOUNT/RELATIVE; path is RELATIVE/MORE: found where own[i]'s tail begins
     * path, at a '/'. */
    for (size_t i = 0; i < n; i++) {
        for (const char *tail = strchr(own[i], '/'); tail != NULL; tail = strchr(tail + 1, '/')) {
            size_t tail_len = strlen(tail);
            if (strncmp(path, tail, tail_len) == 0 &&
                (path[tail_len] == '/' || path[tail_len] == '\0') &&
                snprintf(dir, len, "%.*s%s", (int)(tail - own[i]), own[i], path) < (int)len)
                return 1;
        }
    }
    return 0;
}
