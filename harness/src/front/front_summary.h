/*
 * front_summary.h - what a step's summary says of its front
 * (front_summary.c), from what the front saw in each run (runs[k].front):
 * the balancer's CPU, how evenly it spread the requests, and the flag of a
 * balancer too busy to be measuring the servers.
 */
#ifndef TWICE_FRONT_SUMMARY_H
#define TWICE_FRONT_SUMMARY_H

#include <jansson.h>

#include "front.h"

/* A balancer busier than this share of its core measures itself, not the servers. */
#define FRONT_SATURATED_CPU 0.90

/**
 * The step's "front": {"name"} and, where the runs say, "balance", "cpu" (the median of the
 * runs' that have one), "cpu_unmeasured" (when some run's balancer CPU could not be read: in
 * how many and why) and "spread" (the median over the runs of max/min - 1 of the servers'
 * requests; null when a server got none in every run). A new reference.
 */
json_t *front_summary(const front *f, const char *balance, json_t *runs);
/** Appends to flags "balancer saturated: haproxy used 95% of its core" when the busiest run's
 * balancer passed FRONT_SATURATED_CPU, and "balancer starved a server: ..." naming the first
 * run and server the balancer sent nothing while others got load. */
void front_flags(json_t *runs, json_t *flags);
/** max/min - 1 of the servers' requests (sessions where HAProxy counts no requests) in one
 * run's "front"; -1 when there are none, or one server got none. */
double front_run_spread(json_t *seen);

#endif
