/*
 * testbed_inventory.h - the inventory a test bed writes for `twice run
 * --inventory` (testbed_inventory.c): its server and client hosts as
 * root@ADDRESS:22, the bed's client key and the known_hosts file made from
 * the hosts' keys, and each host's cores when they are capped.
 */
#ifndef TWICE_TESTBED_INVENTORY_H
#define TWICE_TESTBED_INVENTORY_H

#include <stddef.h>

#include "testbed_host.h"

/** Writes the inventory of servers and clients (nservers + nclients hosts in hosts, servers
 * first) to path, which must not exist. 0, or -1 with err. */
int testbed_inventory_write(const char *path, const testbed_host *hosts, size_t nservers,
                            size_t nclients, double server_cores, double client_cores,
                            const char *state_dir, char *err, size_t errlen);

#endif
