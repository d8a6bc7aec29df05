/*
 * served_count.c - asking twice-app servers how many requests they served.
 * The ask is a signal and the answer a line on the server's stdout, an
 * anonymous file that only grows: an answer is a new whole line, counted
 * against the lines there before the ask, so a line caught half written
 * is read on the next look, and an old answer is never taken for a new one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc.h"
#include "served_count.h"

/* What twice-app's master writes on SIGUSR1 (framework/app/main.c). */
#define SERVED_PREFIX "twice-app: served "
#define SERVED_SUFFIX " requests"
#define POLL_MS 5

/* N from one line (without its newline) "twice-app: served N requests": 1, or 0 when the line
 * is something else or N is not a whole number that fits a long long. */
static int parse_line(const char *line, size_t n, uint64_t *count)
{
    size_t prefix = strlen(SERVED_PREFIX), suffix = strlen(SERVED_SUFFIX);
    if (n <= prefix + suffix || memcmp(line, SERVED_PREFIX, prefix) != 0 ||
        memcmp(line + n - suffix, SERVED_SUFFIX, suffix) != 0)
        return 0;
    uint64_t value = 0;
    for (const char *c = line + prefix; c < line + n - suffix; c++) {
        unsigned digit = (unsigned)(*c - '0');
        if (digit > 9 || value > ((uint64_t)INT64_MAX - digit) / 10)
            return 0;
        value = value * 10 + digit;
    }
    *count = value;
    return 1;
}

unsigned served_count_lines(const char *text, size_t len, uint64_t *newest)
{
    unsigned lines = 0;
    const char *line = text, *end;
    while ((end = memchr(line, '\n', len - (size_t)(line - text))) != NULL) {
        lines += (unsigned)parse_line(line, (size_t)(end - line), newest);
        line = end + 1;
    }
    return lines;
}

/* The answers server i's stdout holds so far, the newest in *newest. */
static unsigned answers_of(const deployment *d, unsigned i, uint64_t *newest)
{
    size_t len;
    char *text = proc_output(d->stdout_fds[i], 0, &len);
    unsigned lines = served_count_lines(text, len, newest);
    free(text);
    return lines;
}

void served_count_take(const deployment *d, long long *counts, char *why, size_t whylen)
{
    unsigned before[DEPLOY_MAX_SERVERS], waiting = 0;
    int asked[DEPLOY_MAX_SERVERS];
    snprintf(why, whylen, "%s", "");
    for (unsigned i = 0; i < d->n; i++) {
        uint64_t ignored;
        counts[i] = -1;
        asked[i] = d->stdout_fds[i] >= 0 && d->pids[i] > 0;
        if (asked[i])
            before[i] = answers_of(d, i, &ignored);
        else if (why[0] == '\0')
            snprintf(why, whylen,
                     "server %u does not say how many requests it served (twice-app does)", i + 1);
    }
    d->deployer->ask_served(d, asked, why, whylen);
    for (unsigned i = 0; i < d->n; i++)
        waiting += (unsigned)asked[i];
    for (int waited = 0; waiting > 0; waited += POLL_MS) {
        for (unsigned i = 0; i < d->n; i++) {
            uint64_t newest = 0;
            if (asked[i] && counts[i] < 0 && answers_of(d, i, &newest) > before[i]) {
                counts[i] = (long long)newest;
                waiting--;
            }
        }
        if (waiting == 0 || waited >= SERVED_COUNT_WAIT_MS || proc_interrupted)
            break;
        struct timespec pause = {0, POLL_MS * 1000000L};
        nanosleep(&pause, NULL);
    }
    for (unsigned i = 0; i < d->n && why[0] == '\0'; i++) {
        if (asked[i] && counts[i] < 0)
            snprintf(why, whylen, "server %u did not say how many requests it served within %d ms",
                     i + 1, SERVED_COUNT_WAIT_MS);
    }
}
