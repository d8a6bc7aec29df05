/*
 * testbed_sshd.h - the sshd of each test-bed host (testbed_sshd.c): a host
 * key of its own, key-only logins with the bed's client key, its own
 * configuration, pid file and log in its corner of the state directory,
 * started inside its namespace and its cgroup, so that everything run over
 * ssh on that host is in both.
 */
#ifndef TWICE_TESTBED_SSHD_H
#define TWICE_TESTBED_SSHD_H

#include <stddef.h>

#include "testbed_host.h"

#define TESTBED_SSHD "/usr/sbin/sshd" /* sshd re-executes itself: it needs its full path */
#define TESTBED_CLIENT_KEY "id_ed25519"
#define TESTBED_KNOWN_HOSTS "known_hosts"

/** The bed's client key pair into state_dir (TESTBED_CLIENT_KEY and .pub). 0, or -1 with err. */
int testbed_sshd_client_key(const char *state_dir, char *err, size_t errlen);
/** host's key and configuration, then its sshd, waited for until it accepts connections on
 * host->address. 0, or -1 with err (and the end of sshd's log). */
int testbed_sshd_start(const testbed_host *host, const char *state_dir, char *err, size_t errlen);
/** known_hosts in state_dir: each host's address with its host key. 0, or -1 with err. */
int testbed_sshd_known_hosts(const testbed_host *hosts, size_t n, const char *state_dir, char *err,
                             size_t errlen);

#endif
