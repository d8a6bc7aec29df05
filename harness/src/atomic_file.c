/*
 * atomic_file.c - see atomic_file.h. The temporary file has no name until
 * it is whole (O_TMPFILE): a twice killed while writing leaves nothing in
 * the directory. Only then is it linked beside the target and renamed over
 * it. On a file system without O_TMPFILE it is named from the start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"

int atomic_write(const char *path, int (*fill)(FILE *out, void *data), void *data, char *err,
                 size_t errlen)
{
    char tmp[4200], dir[4200], self[64];
    const char *slash = strrchr(path, '/');
    int dirlen = slash != NULL ? (int)(slash - path + 1) : 0;
    snprintf(tmp, sizeof(tmp), "%.*s.%s.%d.tmp", dirlen, path, path + dirlen, (int)getpid());
    snprintf(dir, sizeof(dir), "%.*s", dirlen, dirlen != 0 ? path : ".");
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    int named = fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR);
    if (named)
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
    if (out == NULL || fill(out, data) != 0 || fflush(out) != 0 || fsync(fd) != 0 ||
        (!named && linkat(AT_FDCWD, self, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) != 0)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
        if (out != NULL)
            fclose(out);
        else if (fd >= 0)
            close(fd);
        if (named)
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
