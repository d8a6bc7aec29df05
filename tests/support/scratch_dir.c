/*
 * scratch_dir.c - see scratch_dir.h.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch_dir.h"

char scratch_dir[64];

void scratch_make(void)
{
    strcpy(scratch_dir, "/tmp/twice-test-XXXXXX");
    if (mkdtemp(scratch_dir) == NULL) {
        perror("scratch_make: mkdtemp");
        abort();
    }
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

void scratch_remove(void)
{
    /* Depth first, not following links: a test's symlink to elsewhere is removed, not its
     * target. */
    if (*scratch_dir != '\0' && nftw(scratch_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "scratch_remove: %s was not removed whole\n", scratch_dir);
}

char *scratch_path(const char *name)
{
    char *path;
    if (asprintf(&path, "%s/%s", scratch_dir, name) < 0)
        abort();
    return path;
}
