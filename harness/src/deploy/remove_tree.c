/*
 * remove_tree.c - see remove_tree.h. nftw visits the folder's contents
 * before the folder (FTW_DEPTH) and does not cross symbolic links
 * (FTW_PHYS): a link inside is removed, not what it points to.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

#include "remove_tree.h"

#define OPEN_DIRS 16 /* descriptors nftw may hold at once */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

int remove_tree(const char *dir)
{
    if (nftw(dir, remove_entry, OPEN_DIRS, FTW_DEPTH | FTW_PHYS) == 0)
        return 0;
    return errno == ENOENT ? 0 : -1;
}
