/*
 * report_files.c - see report_files.h. The scenario loader already refuses
 * names that are not plain file names; the stem is built safely anyway,
 * since reports are also written for scenarios that never went through it
 * (a name is only one field of the JSON a report carries).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_files.h"

int report_dir_prepare(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the report directory %s: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "the report directory %s is not a directory", dir);
        return -1;
    }
    char *probe;
    if (asprintf(&probe, "%s/.twice-probe-XXXXXX", dir) < 0) {
        snprintf(err, errlen, "cannot check %s: out of memory", dir);
        return -1;
    }
    int fd = mkstemp(probe);
    if (fd < 0)
        snprintf(err, errlen, "cannot write reports to %s: %s", dir, strerror(errno));
    else {
        close(fd);
        unlink(probe);
    }
    free(probe);
    return fd >= 0 ? 0 : -1;
}

void report_file_stem(const char *name, char *out)
{
    size_t n = 0;
    for (; name[n] != '\0' && n < REPORT_STEM_MAX; n++) {
        unsigned char c = (unsigned char)name[n];
        int plain = isascii(c) && (isalnum(c) || c == '-' || c == '_' || (c == '.' && n > 0));
        out[n] = plain ? (char)c : '_';
    }
    out[n] = '\0';
    if (n == 0)
        strcpy(out, "report");
}
