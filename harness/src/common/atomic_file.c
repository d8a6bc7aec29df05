/*
 * atomic_file.c - see atomic_file.h. The content is written to a file with
 * no name (O_TMPFILE), flushed to disk, and only then given one: a twice
 * killed while writing leaves nothing in the directory. Creating links the
 * file under its final name, which fails when the name exists, so that a new
 * report never clobbers another (even one written in the same second by
 * another run). Replacing links it under a temporary name and renames that
 * over the target. Where the file system has no O_TMPFILE, the file is named
 * from the start (".NAME.PID.tmp", created with O_EXCL so that nothing
 * planted under that name, a symlink to elsewhere, is followed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "read_file.h"

/* A written file waiting for its name: unnamed (O_TMPFILE), or under a temporary name. */
typedef struct pending_file {
    int fd;      /* open on the content, for linkat() through /proc; -1 once closed */
    char *named; /* the temporary name where there was no O_TMPFILE, else NULL */
} pending_file;

/* ".NAME.PID.tmp" beside path, malloc'd, or NULL. */
static char *temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash != NULL ? (int)(slash - path + 1) : 0;
    char *tmp;
    return asprintf(&tmp, "%.*s.%s.%d.tmp", dirlen, path, path + dirlen, (int)getpid()) < 0 ? NULL
                                                                                            : tmp;
}

/* Creates ".NAME.PID.tmp" exclusively; one with our pid is a leftover of an earlier process
 * that had the same pid. */
static int create_exclusive(const char *tmp)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    return fd;
}

static void discard(pending_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->named != NULL) {
        unlink(f->named);
        free(f->named);
    }
    *f = (pending_file){.fd = -1};
}

/* Writes the content meant for path through fill into a file beside it. 0, or -1 with err and
 * nothing left behind. */
static int write_pending(const char *path, atomic_fill fill, void *data, pending_file *f, char *err,
                         size_t errlen)
{
    *f = (pending_file){.fd = -1};
    const char *slash = strrchr(path, '/');
    char *dir = slash != NULL ? strndup(path, (size_t)(slash - path + 1)) : strdup(".");
    if (dir == NULL) {
        snprintf(err, errlen, "cannot write %s: out of memory", path);
        return -1;
    }
    f->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    free(dir);
    if (f->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
        if ((f->named = temp_name(path)) == NULL) {
            snprintf(err, errlen, "cannot write %s: out of memory", path);
            return -1;
        }
        f->fd = create_exclusive(f->named);
        if (f->fd < 0) {
            free(f->named);
            f->named = NULL;
        }
    }
    /* The stream writes through a copy of the descriptor: f->fd stays open for linkat(). */
    int copy = f->fd >= 0 ? fcntl(f->fd, F_DUPFD_CLOEXEC, 0) : -1;
    FILE *out = copy >= 0 ? fdopen(copy, "w") : NULL;
    if (out == NULL && copy >= 0)
        close(copy);
    int ok = out != NULL && fill(out, data) == 0 && fflush(out) == 0 && fsync(copy) == 0;
    int saved = errno;
    if (out != NULL && fclose(out) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(saved ? saved : EIO));
        discard(f);
        return -1;
    }
    return 0;
}

/* Gives the pending file the name target; fails with EEXIST when target exists. */
static int name_pending(const pending_file *f, const char *target)
{
    if (f->named != NULL)
        return link(f->named, target);
    char self[64];
    snprintf(self, sizeof(self), "/proc/self/fd/%d", f->fd);
    return linkat(AT_FDCWD, self, AT_FDCWD, target, AT_SYMLINK_FOLLOW);
}

int atomic_write(const char *path, atomic_fill fill, void *data, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is %s: only a regular file is replaced", path,
                 file_kind(st.st_mode));
        return -1;
    }
    pending_file f;
    if (write_pending(path, fill, data, &f, err, errlen) != 0)
        return -1;
    char *tmp = f.named;
    if (tmp == NULL && (tmp = temp_name(path)) != NULL && name_pending(&f, tmp) != 0 &&
        (errno != EEXIST || unlink(tmp) != 0 || name_pending(&f, tmp) != 0)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        discard(&f);
        return -1;
    }
    int rc = tmp != NULL ? rename(tmp, path) : -1;
    if (rc != 0) {
        snprintf(err, errlen, "cannot move %s into place: %s", path,
                 tmp != NULL ? strerror(errno) : "out of memory");
        if (tmp != NULL)
            unlink(tmp);
    }
    if (tmp != f.named)
        free(tmp);
    discard(&f); /* the temporary name is gone after rename(): unlink() fails harmlessly */
    return rc;
}

int atomic_create(const char *stem, const char *ext, int max_suffix, atomic_fill fill, void *data,
                  char **chosen, char *err, size_t errlen)
{
    char *path = NULL;
    pending_file f = {.fd = -1};
    int written = 0, rc = -1;
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
        if (!written && write_pending(path, fill, data, &f, err, errlen) != 0)
            break;
        written = 1;
        rc = name_pending(&f, path);
        if (rc != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot move %s into place: %s", path, strerror(errno));
            break;
        }
        if (rc != 0 && (n == max_suffix || n == ATOMIC_MAX_SUFFIX))
            snprintf(err, errlen, "%s exists: not replaced", path);
    }
    discard(&f);
    if (rc == 0)
        *chosen = path;
    else
        free(path);
    return rc;
}
