/*
 * data_dir.c - where twice finds the files it ships. An installed twice and
 * its data directory move together (a prefix can be copied or unpacked
 * anywhere), so the data directory is found from the executable's own path
 * through /proc/self/exe and the bin-to-data relative path the build knows,
 * never through a path compiled in. The build tree has the same layout: the
 * build links its data directory to the source files, so a twice run from
 * the build tree reads the script being edited.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data_dir.h"

static int data_dir_path(const char *name, char *buf, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    int written = snprintf(buf, len, "%s/%s/%s", dirname(self), TWICE_DATA_FROM_BIN, name);
    return written > 0 && (size_t)written < len ? 0 : -1;
}

const char *data_dir_lua_script(void)
{
    static char path[PATH_MAX + 64];
    const char *env = getenv("TWICE_LUA");
    if (env != NULL && env[0] != '\0')
        return env;
    /* Without /proc the name alone still makes wrk's error say which file it wanted. */
    if (path[0] == '\0' && data_dir_path("twice.lua", path, sizeof(path)) != 0)
        snprintf(path, sizeof(path), "twice.lua");
    return path;
}
