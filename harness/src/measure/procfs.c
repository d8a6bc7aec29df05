/*
 * procfs.c - the kernel's small text files, read whole into a caller's
 * buffer. A /proc file reports a size of 0, so it is read until end of file,
 * never sized with stat(); one that does not fit is refused (EFBIG) rather
 * than parsed from a truncated copy.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

long procfs_read(const char *path, char *buf, size_t size)
{
    if (size == 0) {
        errno = EFBIG;
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t got = 1;
    while (len < size - 1 && (got = read(fd, buf + len, size - 1 - len)) > 0)
        len += (size_t)got;
    int saved = errno;
    char extra;
    /* A full buffer may hide more: the file fits only when the next read finds its end. */
    if (got > 0 && read(fd, &extra, 1) > 0) {
        got = -1;
        saved = EFBIG;
    }
    close(fd);
    if (got < 0) {
        errno = saved;
        return -1;
    }
    buf[len] = '\0';
    return (long)len;
}

int procfs_u64(const char *text, uint64_t *value)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    uint64_t v = 0;
    for (; isdigit((unsigned char)*p); p++) {
        uint64_t digit = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    if (*p != '\0' && !isspace((unsigned char)*p))
        return -1;
    *value = v;
    return 0;
}

int procfs_seconds(const char *text, size_t len, double *seconds)
{
    uint64_t whole = 0, fraction = 0;
    size_t at = 0;
    for (; at < len && isdigit((unsigned char)text[at]); at++) {
        uint64_t digit = (uint64_t)(text[at] - '0');
        if (whole > (UINT32_MAX - digit) / 10)
            return -1;
        whole = whole * 10 + digit;
    }
    if (at == 0 || at == len || text[at] != '.')
        return -1;
    size_t from = ++at;
    for (; at < len && isdigit((unsigned char)text[at]); at++) {
        if (at - from == 9)
            return -1;
        fraction = fraction * 10 + (uint64_t)(text[at] - '0');
    }
    if (at == from || at != len)
        return -1;
    *seconds = (double)whole + (double)fraction / pow(10, (double)(at - from));
    return 0;
}

int procfs_key_u64(const char *text, const char *key, uint64_t *value)
{
    size_t keylen = strlen(key);
    for (const char *line = text; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        /* Only a line that starts with key has a character after it to look at. */
        if (strncmp(line, key, keylen) == 0) {
            char after = line[keylen];
            if (after == ' ' || after == ':' || after == '\t')
                return procfs_u64(line + keylen + (after == ':'), value);
        }
        line = end != NULL ? end + 1 : NULL;
    }
    return -1;
}

double procfs_tick_s(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    return 1.0 / (double)(hz > 0 ? hz : 100);
}
