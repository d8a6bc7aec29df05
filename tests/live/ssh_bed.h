/*
 * ssh_bed.h - the test bed the ssh suites share (ssh_bed.c): 2
 * server hosts (HOST0, HOST1: namespaces ending in -s0, -s1) and 2 client
 * hosts (CLIENT0, CLIENT1: -c0, -c1), up for the whole test executable and
 * needing root, and the helpers the tests on it use.
 */
#ifndef TWICE_TEST_SSH_BED_H
#define TWICE_TEST_SSH_BED_H

#include <jansson.h>
#include <stddef.h>
#include <sys/types.h>

#include "bed_fixture.h"
#include "inventory.h"
#include "scenario.h"

#define HOST0 "198.18.0.10"
#define HOST1 "198.18.0.11"
#define CLIENT0 "198.18.1.10"
#define CLIENT1 "198.18.1.11"
/* Both server hosts, as an inventory's "servers" list holds them. */
#define BED_SERVER_HOSTS "\"root@" HOST0 ":22\", \"root@" HOST1 ":22\""

/** A twice run a test started in the background, killed by bed_fini when still running. */
extern pid_t running_twice;

/** A suite's .init: skips without root, fails when the bed did not come up; makes the scratch
 * dir. */
void bed_init(void);
/** A suite's .fini: no twice left running, the scratch dir removed. */
void bed_fini(void);

/** Writes text to scratch_dir/name with mode; the path into path. */
void write_scratch(const char *name, const char *text, mode_t mode, char *path, size_t len);
/** An inventory of the bed with servers (a JSON list's items) and extra top-level keys ("" or
 * ", ..."), with the bed's key and known hosts; its path into path. */
void write_inventory(const char *servers, const char *extra, char *path, size_t len);
/** A tiny direct-front scenario of twice-app's plaintext route over servers (a JSON list),
 * with extra top-level keys ("" or ", ..."). */
void write_scenario_with(const char *servers, double duration_s, const char *extra, char *path,
                         size_t len);
void write_scenario(const char *servers, double duration_s, char *path, size_t len);
scenario load_scenario(const char *path);
inventory load_inventory(const char *path);

/** What bed_strays_on("") finds: every process but sshd on the hosts. */
int strays(char *what, size_t len);
/** The wrk scripts the ssh runner's wrapper left in /tmp, listed in what; their count. */
int remote_script_files(char *what, size_t len);
/** Polls up to timeout_ms until nothing is left on the hosts whose namespaces end with suffix
 * ("": all) and no wrk script in /tmp; fails the test naming what is left after after. */
void assert_nothing_left_on(const char *suffix, int timeout_ms, const char *after);
void assert_nothing_left(int timeout_ms, const char *after);
/** Polls until at least want twice-app processes run on the hosts. */
void wait_servers_up(int want, int timeout_ms);

/** `twice run SC_PATH --inventory INV_PATH` into the scratch dir, in the background; its stderr
 * goes to *err_fd (a memfd), and running_twice is set. */
pid_t start_twice(const char *sc_path, const char *inv_path, int *err_fd);
/** twice run of a scenario over servers on both server hosts in the background, with
 * inventory_extra in its inventory ("" or ", ..."); its stderr goes to *err_fd (a memfd), and
 * running_twice is set. */
pid_t start_run_with(const char *servers, double duration_s, const char *inventory_extra,
                     int *err_fd);
pid_t start_run(const char *servers, double duration_s, int *err_fd);
/** What fd holds (up to 16 KiB; malloc'd). */
char *read_all(int fd);
/** The newest report in the scratch dir, loaded. */
json_t *load_report(void);

#endif
