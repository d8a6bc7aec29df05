/*
 * testbed_journal.c - the journal of what a test bed made: a text file of
 * "KIND VALUE" lines in the bed's state directory, synced as each line is
 * added, since a line that never reached the disk would be something down
 * could not find.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read_file.h"
#include "testbed_journal.h"

static const char *const kinds[] = {"bridge", "netns", "link", "cgroup", "file"};
#define NKINDS (sizeof(kinds) / sizeof(*kinds))

int testbed_journal_add(const char *path, testbed_made kind, const char *value, char *err,
                        size_t errlen)
{
    char line[1200];
    if (strchr(value, '\n') != NULL || strlen(value) >= sizeof(((testbed_record *)0)->value)) {
        snprintf(err, errlen, "%s: cannot record \"%s\": too long, or a line break", path, value);
        return -1;
    }
    int len = snprintf(line, sizeof(line), "%s %s\n", kinds[kind], value);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, line, (size_t)len) != len || fsync(fd) != 0) {
        snprintf(err, errlen, "%s: cannot record \"%s\": %s", path, value, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int testbed_journal_read(const char *path, testbed_record **records, size_t *n, char *err,
                         size_t errlen)
{
    *records = NULL;
    *n = 0;
    char *text = read_file(path, NULL, err, errlen);
    if (text == NULL)
        return -1;
    size_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    *records = calloc(lines + 1, sizeof(**records));
    int rc = *records != NULL ? 0 : -1;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL && rc == 0;
         line = strtok_r(NULL, "\n", &save)) {
        char *space = strchr(line, ' ');
        size_t kind = 0;
        while (space != NULL && kind < NKINDS &&
               (strlen(kinds[kind]) != (size_t)(space - line) ||
                strncmp(line, kinds[kind], (size_t)(space - line)) != 0))
            kind++;
        if (space == NULL || kind == NKINDS || strlen(space + 1) == 0 ||
            strlen(space + 1) >= sizeof((*records)->value)) {
            snprintf(err, errlen, "%s:%zu: not a record of the test bed's", path, *n + 1);
            rc = -1;
            break;
        }
        (*records)[*n].kind = (testbed_made)kind;
        snprintf((*records)[*n].value, sizeof((*records)->value), "%s", space + 1);
        (*n)++;
    }
    if (*records == NULL)
        snprintf(err, errlen, "%s: out of memory", path);
    free(text);
    if (rc != 0) {
        free(*records);
        *records = NULL;
        *n = 0;
    }
    return rc;
}
