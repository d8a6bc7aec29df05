/*
 * testbed.h - emulated hosts on one machine (testbed.c): `twice testbed up`
 * makes N server hosts and K client hosts out of network namespaces joined
 * by a bridge, each with its own address in 198.18.0.0/15 (the block RFC
 * 2544 sets aside for benchmarking), its own sshd, its own cgroup (an
 * optional CPU cap) and an optional netem delay and rate on its link, and
 * writes an inventory that reaches them over ssh. `twice testbed down`
 * removes all of it. What up makes is recorded before it is made
 * (testbed_journal.h), so that down, or up itself when it fails midway,
 * finds everything, and a bed half-made by a killed up is taken down too.
 */
#ifndef TWICE_TESTBED_H
#define TWICE_TESTBED_H

#include <stddef.h>

/** Where a bed's keys, configurations, logs and journal live; its existence means a bed is
 * up (or half-made). */
#define TESTBED_STATE_DIR "/run/twice-testbed"
/** Its record of what it made (testbed_journal.h). */
#define TESTBED_JOURNAL TESTBED_STATE_DIR "/journal"
#define TESTBED_MAX_HOSTS 64 /* of each kind: link names have room for two digits */
/** Every name a bed gives (namespaces, links, cgroups) starts with this. */
#define TESTBED_PREFIX "twice-tb-"

typedef struct testbed_options {
    unsigned servers, clients; /* 1 to TESTBED_MAX_HOSTS each */
    double cpu_cap;            /* cores per server host; 0: no cap */
    double client_cpu_cap;     /* cores per client host; 0: no cap (load is not what is measured) */
    int balancer;              /* 1: a balancer host too (uncapped), the inventory's "balancer" */
    double delay_ms;           /* netem delay each way on each host's link; 0: none */
    double rate_mbit;          /* netem rate each way; 0: no limit */
    const char *inventory;     /* the inventory file to write; must not exist */
} testbed_options;

/** 0 when this process may make a bed (it runs as root); -1 with err saying so otherwise. */
int testbed_check_root(char *err, size_t errlen);
/**
 * Makes the bed options describe and writes its inventory. Refuses when a bed (or a half-made
 * one) exists. 0, or -1 with err, after taking down whatever it had made.
 */
int testbed_up(const testbed_options *options, char *err, size_t errlen);
/**
 * Removes everything a bed made: the processes in its namespaces and cgroups, the namespaces,
 * links, bridge, cgroups, its inventory and TESTBED_STATE_DIR. 0 (also when there is no bed:
 * *found is then 0), or -1 with err naming what could not be removed (the state directory is
 * then kept, so that down can be run again).
 */
int testbed_down(int *found, char *err, size_t errlen);

#endif
