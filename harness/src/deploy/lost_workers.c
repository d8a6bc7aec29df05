/*
 * lost_workers.c - counting the workers a server says it replaced. Lines
 * may arrive in pieces between two looks: only whole lines are read, and
 * the look after goes on from the first byte not yet read.
 */
#include <stdlib.h>
#include <string.h>

#include "lost_workers.h"
#include "proc.h"

/* What twice-app's master (framework/src/prefork.c) writes each time it replaces a worker
 * that died: "twice: worker 0 (pid 123) was killed by signal 9 (Killed); starting a new one". */
#define LOSS_PREFIX "twice: worker "
#define LOSS_SUFFIX "; starting a new one"

void lost_workers_count(deployment *d, unsigned i)
{
    size_t len;
    char *text = proc_output(d->stderr_fds[i], d->stderr_read[i], &len);
    char *line = text, *end;
    while ((end = memchr(line, '\n', len - (size_t)(line - text))) != NULL) {
        size_t n = (size_t)(end - line), suffix = strlen(LOSS_SUFFIX);
        if (strncmp(line, LOSS_PREFIX, strlen(LOSS_PREFIX)) == 0 && n >= suffix &&
            memcmp(end - suffix, LOSS_SUFFIX, suffix) == 0) {
            size_t kept = 0;
            for (const char *c = line; c < end - suffix && kept + 1 < sizeof(d->last_loss[i]); c++)
                d->last_loss[i][kept++] = *c >= ' ' && *c <= '~' ? *c : '?';
            d->last_loss[i][kept] = '\0';
            d->lost_workers[i]++;
        }
        line = end + 1;
    }
    d->stderr_read[i] += (size_t)(line - text);
    free(text);
}
