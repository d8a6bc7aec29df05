/*
 * testbed_inventory.h - the inventory a test bed writes for `twice run
 * --inventory` (testbed_inventory.c): its server and client hosts as
 * root@ADDRESS:22 (and its balancer host), the bed's client key and the known_hosts file made from
 * the hosts' keys, and each host's cores when they are capped.
 */
#ifndef TWICE_TESTBED_INVENTORY_H
#define TWICE_TESTBED_INVENTORY_H

#include <stddef.h>

#include "testbed.h"
#include "testbed_host.h"

/** Writes the inventory of o's bed (hosts: its servers, then its clients, then its balancer
 * when it has one) to o->inventory, which must not exist. 0, or -1 with err. */
int testbed_inventory_write(const testbed_options *o, const testbed_host *hosts,
                            const char *state_dir, char *err, size_t errlen);

#endif
