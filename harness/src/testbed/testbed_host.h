/*
 * testbed_host.h - one emulated host of a test bed: its names (namespace,
 * link, cgroup), its address and its corner of the state directory. The
 * names derive from the bed's id and the host's role and index alone, so
 * two beds' names never meet and a name says whose it is.
 */
#ifndef TWICE_TESTBED_HOST_H
#define TWICE_TESTBED_HOST_H

#include <limits.h>

/* The bridge's side of the bed's network; hosts are 198.18.0.10+ (servers) and 198.18.1.10+
 * (clients), all in one /16 inside RFC 2544's 198.18.0.0/15. */
#define TESTBED_BRIDGE_ADDRESS "198.18.0.1"
#define TESTBED_PREFIX_LEN "16"
/* Each host has a namespace, so each sshd has port 22 to itself (known_hosts lines carry no
 * port for it: testbed_sshd.c). */
#define TESTBED_SSH_PORT 22

typedef struct testbed_host {
    char netns[40];     /* twice-tb-ID-s0 */
    char link[24];      /* twice-tb-IDs0: the veth end in the root namespace; within
                           IFNAMSIZ (16) as the index is below 100 */
    char address[16];   /* 198.18.0.10 */
    char dir[PATH_MAX]; /* its files: the state directory's s0/ */
    char cgroup[PATH_MAX];
} testbed_host;

#endif
