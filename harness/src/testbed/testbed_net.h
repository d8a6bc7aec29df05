/*
 * testbed_net.h - a test bed's network (testbed_net.c): the bridge in the
 * root namespace, and per host a namespace with loopback up, a veth pair to
 * the bridge, the host's address, and netem on both ends of its link when
 * asked. Each thing is recorded in the journal before it is made.
 */
#ifndef TWICE_TESTBED_NET_H
#define TWICE_TESTBED_NET_H

#include <stddef.h>

#include "testbed_host.h"
#include "testbed_journal.h"

/** Makes bridge, with TESTBED_BRIDGE_ADDRESS, up. 0, or -1 with err. */
int testbed_net_bridge(const char *journal, const char *bridge, char *err, size_t errlen);
/** Makes host's namespace and link on bridge; delay_ms and rate_mbit (0: none) go to netem on
 * both ends of the link, so each applies each way. 0, or -1 with err. */
int testbed_net_host(const char *journal, const testbed_host *host, const char *bridge,
                     double delay_ms, double rate_mbit, char *err, size_t errlen);
/** Removes what record names, if it is still there: a namespace after killing every process
 * in it, a link or a bridge. Other kinds are left alone. 0, or -1 with err. */
int testbed_net_remove(const testbed_record *record, char *err, size_t errlen);

#endif
