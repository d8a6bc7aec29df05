/*
 * remove_tree.c - see remove_tree.h. nftw walks depth first, so each
 * directory is empty by the time it is removed; FTW_PHYS keeps the walk
 * from following a link out of the tree.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

#include "remove_tree.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int remove_tree(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0 && errno == ENOENT)
        return 0;
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 ? -1 : 0;
}
