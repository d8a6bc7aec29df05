/*
 * served_count.h - how many requests each server has served, as twice-app
 * says it (served_count.c): sent SIGUSR1, its master writes "twice-app:
 * served N requests" to its stdout, which the deployer keeps (over ssh, the
 * server's stdout comes back through its connection, and the signal is sent
 * on its host: the deployer's ask_served, deploy.h). The count only grows, so two asks bracket a
 * window and their difference is what the server served in it. Other servers do not say: their
 * count is unknown, never made up.
 */
#ifndef TWICE_SERVED_COUNT_H
#define TWICE_SERVED_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "deploy.h"

/* How long a server may take to answer an ask. */
#define SERVED_COUNT_WAIT_MS 1000

/** How many whole "twice-app: served N requests" lines text[0..len) holds (a line still being
 * written, with no newline yet, does not count), with the newest one's N in *newest (left
 * alone when there is none). Any other line is skipped. */
unsigned served_count_lines(const char *text, size_t len, uint64_t *newest);

/**
 * Asks each of d's servers at once for its count and waits, at most SERVED_COUNT_WAIT_MS in
 * all, for the answers: counts[i] gets server i's count, or -1 when it cannot say (not
 * twice-app, stopped, not reachable) or did not answer in time. why gets, for the first
 * server without a count, the reason in words; "" when every server answered.
 */
void served_count_take(const deployment *d, long long *counts, char *why, size_t whylen);

#endif
