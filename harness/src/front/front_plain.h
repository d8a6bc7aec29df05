/*
 * front_plain.h - what the fronts without a process of their own (reuseport,
 * direct) share (front_plain.c): their target is the servers' own ports, and
 * they have nothing to start, count or stop.
 */
#ifndef TWICE_FRONT_PLAIN_H
#define TWICE_FRONT_PLAIN_H

#include "front.h"

/** Fills fr for ops: wrk goes to the first n of ports. */
void front_plain_target(front_run *fr, const front *ops, const int *ports, unsigned n);
int front_plain_mark(front_run *fr, char *err, size_t errlen);
/** NULL with err empty: such a front sees nothing of the load. */
json_t *front_plain_collect(front_run *fr, char *err, size_t errlen);
void front_plain_stop(front_run *fr);

#endif
