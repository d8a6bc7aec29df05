/*
 * served_count.c - asking twice-app servers how many requests they served.
 * The ask is a signal and the answer a line on the server's stdout, an
 * anonymous file that only grows: an answer is a new whole line, counted
 * against the lines there before the ask, so a line caught half written
 * is read on the next look, and an old answer is never taken for a new one.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proc.h"
#include "procfs.h"
#include "served_count.h"

/* What twice-app's master writes on SIGUSR1 (framework/app/main.c). */
#define SERVED_PREFIX "twice-app: served "
#define SERVED_MIDDLE " requests at "
#define POLL_MS 5

/* The count whose digits begin at *at, in *value; *at moves past them. 1, or 0 when there is
 * no digit or it does not fit a long long. */
static int count_at(const char **at, const char *end, uint64_t *value)
{
    const char *c = *at;
    *value = 0;
    for (; c < end && *c >= '0' && *c <= '9'; c++) {
        unsigned digit = (unsigned)(*c - '0');
        if (*value > ((uint64_t)INT64_MAX - digit) / 10)
            return 0;
        *value = *value * 10 + digit;
    }
    if (c == *at)
        return 0;
    *at = c;
    return 1;
}

/* One line (without its newline) "twice-app: served N requests at S.F", N a whole number that
 * fits a long long and S.F seconds (procfs_seconds): 1 with the reading, or 0 when the line is
 * something else. */
static int parse_line(const char *line, size_t n, served_reading *reading)
{
    size_t prefix = strlen(SERVED_PREFIX), middle = strlen(SERVED_MIDDLE);
    const char *at = line + prefix, *end = line + n;
    uint64_t count;
    double at_s;
    if (n <= prefix || memcmp(line, SERVED_PREFIX, prefix) != 0 || !count_at(&at, end, &count) ||
        (size_t)(end - at) <= middle || memcmp(at, SERVED_MIDDLE, middle) != 0 ||
        procfs_seconds(at + middle, (size_t)(end - at) - middle, &at_s) != 0)
        return 0;
    reading->count = (long long)count;
    reading->at_s = at_s;
    return 1;
}

unsigned served_count_lines(const char *text, size_t len, served_reading *newest)
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
static unsigned answers_of(const deployment *d, unsigned i, served_reading *newest)
{
    size_t len;
    char *text = proc_output(d->stdout_fds[i], 0, &len);
    unsigned lines = served_count_lines(text, len, newest);
    free(text);
    return lines;
}

void served_count_take(const deployment *d, served_reading *readings, char *why, size_t whylen)
{
    unsigned before[DEPLOY_MAX_SERVERS], waiting = 0;
    int asked[DEPLOY_MAX_SERVERS];
    snprintf(why, whylen, "%s", "");
    for (unsigned i = 0; i < d->n; i++) {
        served_reading ignored;
        readings[i] = (served_reading){-1, 0};
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
            served_reading newest;
            if (asked[i] && readings[i].count < 0 && answers_of(d, i, &newest) > before[i]) {
                readings[i] = newest;
                waiting--;
            }
        }
        if (waiting == 0 || waited >= SERVED_COUNT_WAIT_MS || proc_interrupted)
            break;
        struct timespec pause = {0, POLL_MS * 1000000L};
        nanosleep(&pause, NULL);
    }
    for (unsigned i = 0; i < d->n && why[0] == '\0'; i++) {
        if (asked[i] && readings[i].count < 0)
            snprintf(why, whylen, "server %u did not say how many requests it served within %d ms",
                     i + 1, SERVED_COUNT_WAIT_MS);
    }
}

long long served_count_in_window(const served_reading *opened, const served_reading *closed,
                                 double window_s)
{
    double span_s = closed->at_s - opened->at_s;
    if (opened->count < 0 || closed->count < opened->count || !(span_s > 0))
        return -1;
    return llround((double)(closed->count - opened->count) * window_s / span_s);
}
