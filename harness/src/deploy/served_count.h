/*
 * served_count.h - how many requests each server has served, as twice-app
 * says it (served_count.c): sent SIGUSR1, its master writes "twice-app:
 * served N requests at T" to its stdout, which the deployer keeps (over ssh,
 * the server's stdout comes back through its connection, and the signal is
 * sent on its host: the deployer's ask_served, deploy.h). T is the server's
 * host's monotonic clock as it answered. The count only grows, so two asks
 * bracket a window, and their difference over the difference of their T is
 * the server's rate, however late each ask reached it (an ask into a host
 * whose CPU is capped and busy can take a second). Other servers do not say:
 * their count is unknown, never made up.
 */
#ifndef TWICE_SERVED_COUNT_H
#define TWICE_SERVED_COUNT_H

#include <stddef.h>

#include "deploy.h"

/* How long a server may take to answer an ask. */
#define SERVED_COUNT_WAIT_MS 1000

/** A server's answer: its count (-1: it could not say), and when it gave it, in seconds of its
 * host's monotonic clock. */
typedef struct served_reading {
    long long count;
    double at_s;
} served_reading;

/** How many whole "twice-app: served N requests at T" lines text[0..len) holds (a line still
 * being written, with no newline yet, does not count), with the newest one in *newest (left
 * alone when there is none). Any other line is skipped. */
unsigned served_count_lines(const char *text, size_t len, served_reading *newest);

/**
 * Asks each of d's servers at once for its count and waits, at most SERVED_COUNT_WAIT_MS in
 * all, for the answers: readings[i] gets server i's, or a count of -1 when it cannot say (not
 * twice-app, stopped, not reachable) or did not answer in time. why gets, for the first
 * server without a count, the reason in words; "" when every server answered.
 */
void served_count_take(const deployment *d, served_reading *readings, char *why, size_t whylen);

/** The requests a server served in a window of window_s seconds, from its readings as the
 * window opened and as it closed: their counts' difference at the rate their own times give,
 * over window_s. -1 when either count is unknown or they are not in order. */
long long served_count_in_window(const served_reading *opened, const served_reading *closed,
                                 double window_s);

#endif
