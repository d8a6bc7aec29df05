/*
 * atomic_file.c - see atomic_file.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"

int atomic_write(const char *path, int (*fill)(FILE *out, void *data), void *data, char *err,
                 size_t errlen)
{
    char tmp[4200];
    const char *slash = strrchr(path, '/');
    int dirlen = slash != NULL ? (int)(slash - path + 1) : 0;
    snprintf(tmp, sizeof(tmp), "%.*s.%s.%d.tmp", dirlen, path, path + dirlen, (int)getpid());
    FILE *out = fopen(tmp, "w");
    if (out == NULL || fill(out, data) != 0 || fflush(out) != 0 || fsync(fileno(out)) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
        if (out != NULL)
            fclose(out);
        unlink(tmp);
        return -1;
    }
    fclose(out);
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot move %s into place: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
