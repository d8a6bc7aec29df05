/*
 * testbed_own.c - a bed's cgroups for a run on it, from the bed's journal
 * (testbed_journal.h): the inventory file it wrote and the cgroups it made,
 * the bed's own first and each host's inside it. A bed host's /sys has no
 * cgroup file system (`ip netns exec` mounts a sysfs of its own), so a
 * cgroup a process there runs in is read from here, by its path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testbed.h"
#include "testbed_journal.h"
#include "testbed_own.h"

/* 1 when dir is inside (or is) the directory top. */
static int inside(const char *dir, const char *top)
{
    size_t len = strlen(top);
    return strncmp(dir, top, len) == 0 && (dir[len] == '/' || dir[len] == '\0');
}

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

size_t testbed_own_cgroups(const char *inventory_path, char dirs[][PATH_MAX], size_t max)
{
    char wanted[PATH_MAX], err[256];
    testbed_record *records = NULL;
    size_t n = 0, found = 0;
    if (inventory_path == NULL || realpath(inventory_path, wanted) == NULL ||
        testbed_journal_read(TESTBED_JOURNAL, &records, &n, err, sizeof(err)) != 0)
        return 0;
    if (!wrote(records, n, wanted))
        n = 0;
    for (size_t i = 0; i < n && found < max; i++) {
        int nested = 0;
        for (size_t k = 0; k < n && !nested; k++)
            nested = k != i && records[k].kind == TESTBED_MADE_CGROUP &&
                     inside(records[i].value, records[k].value) &&
                     strcmp(records[i].value, records[k].value) != 0;
        if (records[i].kind == TESTBED_MADE_CGROUP && !nested)
            snprintf(dirs[found++], PATH_MAX, "%s", records[i].value);
    }
    free(records);
    return found;
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
