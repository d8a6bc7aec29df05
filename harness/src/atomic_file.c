/*
 * atomic_file.c - see atomic_file.h. The temporary file is created with
 * O_EXCL, so that nothing planted under its name (a symlink to elsewhere)
 * is followed. Replacing is a rename(); creating is a link(), which fails
 * when the name exists, so that a new report never clobbers another,
 * even one written in the same second by another run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

/* Writes a temporary file beside path (".NAME.PID.tmp") through fill; its name in *tmp
 * (malloc'd). 0, or -1 with err and nothing left behind. */
static int write_temp(const char *path, atomic_fill fill, void *data, char **tmp, char *err,
                      size_t errlen)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash != NULL ? (int)(slash - path + 1) : 0;
    if (asprintf(tmp, "%.*s.%s.%d.tmp", dirlen, path, path + dirlen, (int)getpid()) < 0) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    /* One with our pid is a leftover of ours (an earlier process with the same pid). */
    int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(*tmp) == 0)
        fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL || fill(out, data) != 0 || fflush(out) != 0 || fsync(fileno(out)) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
        if (out != NULL)
            fclose(out);
        else if (fd >= 0)
            close(fd);
        if (fd >= 0)
            unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return -1;
    }
    if (fclose(out) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
        return -1;
    }
    return 0;
}

static const char *kind_of(mode_t mode)
{
    return S_ISLNK(mode)    ? "a symbolic link"
           : S_ISDIR(mode)  ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a regular file";
}

int atomic_write(const char *path, atomic_fill fill, void *data, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is %s: only a regular file is replaced", path,
                 kind_of(st.st_mode));
        return -1;
    }
    char *tmp;
    if (write_temp(path, fill, data, &tmp, err, errlen) != 0)
        return -1;
    int rc = rename(tmp, path);
    if (rc != 0) {
        snprintf(err, errlen, "cannot move %s into place: %s", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

int atomic_create(const char *stem, const char *ext, int max_suffix, atomic_fill fill, void *data,
                  char **chosen, char *err, size_t errlen)
{
    char *path = NULL, *tmp = NULL;
    int rc = -1;
    *chosen = NULL;
    for (int n = 1; n <= max_suffix && n <= ATOMIC_MAX_SUFFIX && rc != 0; n++) {
        free(path);
        int len = n == 1 ? asprintf(&path, "%s.%s", stem, ext)
                         : asprintf(&path, "%s-%d.%s", stem, n, ext);
        if (len < 0) {
            path = NULL;
            snprintf(err, errlen, "cannot write %s.%s: out of memory", stem, ext);
            break;
        }
        if (tmp == NULL && write_temp(path, fill, data, &tmp, err, errlen) != 0)
            break;
        rc = link(tmp, path);
        if (rc != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot move %s into place: %s", path, strerror(errno));
            break;
        }
        if (rc != 0 && (n == max_suffix || n == ATOMIC_MAX_SUFFIX))
            snprintf(err, errlen, "%s exists: not replaced", path);
    }
    if (tmp != NULL)
        unlink(tmp);
    free(tmp);
    if (rc == 0)
        *chosen = path;
    else
        free(path);
    return rc;
}
