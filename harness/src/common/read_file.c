/*
 * read_file.c - see read_file.h. The file is checked twice: stat() before
 * opening keeps a device from being opened at all (opening some has side
 * effects), fstat() after catches a swap in between. O_NONBLOCK keeps the
 * open of a FIFO from waiting for a writer. The read stops one byte past
 * the limit, whatever the size the file claims (/proc files claim 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read_file.h"

const char *file_kind(mode_t mode)
{
    return S_ISLNK(mode)    ? "a symbolic link"
           : S_ISDIR(mode)  ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a regular file";
}

static int too_large(const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: is larger than the %u MiB limit for input files", path,
             READ_FILE_MAX_BYTES >> 20);
    return -1;
}

/* 0 when st is a regular file of an acceptable size; -1 with err otherwise. */
static int check_stat(const char *path, const struct stat *st, char *err, size_t errlen)
{
    if (!S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "%s: is %s, not a regular file", path, file_kind(st->st_mode));
        return -1;
    }
    if (st->st_size > (off_t)READ_FILE_MAX_BYTES)
        return too_large(path, err, errlen);
    return 0;
}

/* Reads fd to its end, or one byte past the limit, into a malloc'd, NUL-terminated buffer;
 * NULL with err. */
static char *read_all(int fd, const char *path, size_t *len, char *err, size_t errlen)
{
    size_t cap = 8192, size = 0;
    char *text = malloc(cap);
    while (text != NULL && size <= READ_FILE_MAX_BYTES) {
        if (size + 1 == cap) {
            char *grown = realloc(text, cap * 2);
            if (grown == NULL)
                break;
            text = grown;
            cap *= 2;
        }
        ssize_t got = read(fd, text + size, cap - 1 - size);
        if (got == 0) {
            text[size] = '\0';
            if (len != NULL)
                *len = size;
            return text;
        }
        if (got < 0 && errno != EINTR) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            free(text);
            return NULL;
        }
        size += got > 0 ? (size_t)got : 0;
    }
    if (text == NULL || size <= READ_FILE_MAX_BYTES)
        snprintf(err, errlen, "%s: out of memory", path);
    else
        too_large(path, err, errlen);
    free(text);
    return NULL;
}

char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (check_stat(path, &st, err, errlen) != 0)
        return NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    if (fstat(fd, &st) != 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    else if (check_stat(path, &st, err, errlen) == 0)
        text = read_all(fd, path, len, err, errlen);
    close(fd);
    return text;
}
