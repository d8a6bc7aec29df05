/*
 * testbed.c - `twice testbed up` and `down`. Up makes, in order: the state
 * directory (its existence is the lock: one bed at a time), the bridge, the
 * client key, then per host its cgroup (capped), its namespace and link, its
 * sshd; then known_hosts and the inventory. Each thing is in the journal
 * before it exists. Down walks the journal backwards; up, when a step fails,
 * does the same before it returns, so a failed up leaves nothing, and one
 * killed midway leaves a journal for down.
 *
 * The hosts' cgroups sit side by side where twice's own is, as the hosts
 * they stand for would, not inside one cgroup of the bed's: with them nested
 * in one, the kernel's scheduler (6.18, cgroup v1 cpu) kept every process
 * outside the bed off the CPU for seconds at a time while the bed carried
 * load - twice itself, which must take its readings on time, among them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpucap.h"
#include "proc.h"
#include "remove_tree.h"
#include "testbed.h"
#include "testbed_inventory.h"
#include "testbed_journal.h"
#include "testbed_net.h"
#include "testbed_sshd.h"

#define JOURNAL TESTBED_JOURNAL

int testbed_check_root(char *err, size_t errlen)
{
    if (geteuid() == 0)
        return 0;
    snprintf(err, errlen,
             "needs root: a test bed is made of network namespaces, links, cgroups and sshd "
             "processes, which only root may make (run it with sudo)");
    return -1;
}

/* Host index of role ('s' a server, 'c' a client, 'b' the balancer): its names, address and
 * places. */
static void host_init(testbed_host *h, unsigned id, char role, unsigned index, const char *parent)
{
    snprintf(h->netns, sizeof(h->netns), TESTBED_PREFIX "%03x-%c%u", id, role, index);
    snprintf(h->link, sizeof(h->link), TESTBED_PREFIX "%03x%c%u", id, role, index);
    snprintf(h->address, sizeof(h->address), "198.18.%d.%u",
             role == 's'   ? 0
             : role == 'c' ? 1
                           : 2,
             10 + index);
    snprintf(h->dir, sizeof(h->dir), "%s/%c%u", TESTBED_STATE_DIR, role, index);
    snprintf(h->cgroup, sizeof(h->cgroup), "%s/%s", parent, h->netns);
}

/* A cgroup dir, in the journal first, capped at cores (0: not capped). */
static int make_cgroup(const char *dir, double cores, char *err, size_t errlen)
{
    if (testbed_journal_add(JOURNAL, TESTBED_MADE_CGROUP, dir, err, errlen) != 0)
        return -1;
    if (mkdir(dir, 0755) != 0) {
        snprintf(err, errlen, "cannot create cgroup %s: %s", dir, strerror(errno));
        return -1;
    }
    return cpucap_set_quota(dir, cores, err, errlen);
}

/* A host, its cgroup capped at cores (0: not capped). */
static int make_host(const testbed_host *h, double cores, const char *bridge,
                     const testbed_options *o, char *err, size_t errlen)
{
    if (proc_interrupted) {
        snprintf(err, errlen, "interrupted");
        return -1;
    }
    if (mkdir(h->dir, 0700) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", h->dir, strerror(errno));
        return -1;
    }
    return make_cgroup(h->cgroup, cores, err, errlen) != 0 ||
                   testbed_net_host(JOURNAL, h, bridge, o->delay_ms, o->rate_mbit, err, errlen) !=
                       0 ||
                   testbed_sshd_start(h, TESTBED_STATE_DIR, err, errlen) != 0
               ? -1
               : 0;
}

/* Host i's role: the servers first, then the clients, then the balancer. */
static char role_of(const testbed_options *o, size_t i)
{
    return i < o->servers ? 's' : i < o->servers + o->clients ? 'c' : 'b';
}

/* Everything but the state directory, from a fresh one on. */
static int make_bed(const testbed_options *o, testbed_host *hosts, char *err, size_t errlen)
{
    char bridge[24], parent[512];
    /* Three hex digits: what link names have room for beside the prefix and "s63". */
    unsigned id = (unsigned)(getpid() ^ time(NULL)) & 0xfff;
    snprintf(bridge, sizeof(bridge), TESTBED_PREFIX "%03xbr", id);
    if (cpucap_parent(parent, sizeof(parent), err, errlen) != 0)
        return -1;
    size_t n = o->servers + o->clients + (o->balancer ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        char role = role_of(o, i);
        unsigned index = (unsigned)(role == 's' ? i : role == 'c' ? i - o->servers : 0);
        host_init(&hosts[i], id, role, index, parent);
    }
    if (testbed_net_bridge(JOURNAL, bridge, err, errlen) != 0 ||
        testbed_sshd_client_key(TESTBED_STATE_DIR, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char role = role_of(o, i);
        double cores = role == 's' ? o->cpu_cap : role == 'c' ? o->client_cpu_cap : 0;
        if (make_host(&hosts[i], cores, bridge, o, err, errlen) != 0)
            return -1;
    }
    if (testbed_sshd_known_hosts(hosts, n, TESTBED_STATE_DIR, err, errlen) != 0 ||
        testbed_inventory_write(o, hosts, TESTBED_STATE_DIR, err, errlen) != 0)
        return -1;
    /* down may run from another directory: the journal holds where the file is for good. */
    char absolute[PATH_MAX * 2];
    if (o->inventory[0] == '/' || getcwd(absolute, PATH_MAX) == NULL)
        snprintf(absolute, sizeof(absolute), "%s", o->inventory);
    else
        snprintf(absolute + strlen(absolute), sizeof(absolute) - strlen(absolute), "/%s",
                 o->inventory);
    return testbed_journal_add(JOURNAL, TESTBED_MADE_FILE, absolute, err, errlen);
}

int testbed_up(const testbed_options *o, char *err, size_t errlen)
{
    if (testbed_check_root(err, errlen) != 0)
        return -1;
    if (o->servers < 1 || o->servers > TESTBED_MAX_HOSTS || o->clients < 1 ||
        o->clients > TESTBED_MAX_HOSTS) {
        snprintf(err, errlen, "a test bed has 1 to %d server hosts and 1 to %d client hosts",
                 TESTBED_MAX_HOSTS, TESTBED_MAX_HOSTS);
        return -1;
    }
    if (access(o->inventory, F_OK) == 0) {
        snprintf(err, errlen, "--inventory %s: the file exists; the bed writes a new one",
                 o->inventory);
        return -1;
    }
    if (mkdir(TESTBED_STATE_DIR, 0700) != 0) {
        if (errno == EEXIST)
            snprintf(err, errlen,
                     "a test bed is up already, or half-made (its state is in %s): take it "
                     "down first with `twice testbed down`",
                     TESTBED_STATE_DIR);
        else
            snprintf(err, errlen, "cannot create %s: %s", TESTBED_STATE_DIR, strerror(errno));
        return -1;
    }
    testbed_host *hosts = calloc(o->servers + o->clients + 1, sizeof(*hosts));
    int rc = hosts != NULL ? make_bed(o, hosts, err, errlen) : -1;
    if (hosts == NULL)
        snprintf(err, errlen, "out of memory");
    free(hosts);
    if (rc != 0) {
        /* Take down what was made; the message is the failure's, then the cleanup's. */
        char down_err[1024];
        size_t used = strlen(err);
        if (testbed_down(NULL, down_err, sizeof(down_err)) != 0 && used + 32 < errlen)
            snprintf(err + used, errlen - used, "; then taking it down: %s", down_err);
    }
    return rc;
}

/* Removes what record names; 0, or -1 with err. */
static int remove_made(const testbed_record *record, char *err, size_t errlen)
{
    struct stat st;
    switch (record->kind) {
    case TESTBED_MADE_CGROUP:
        cpucap_remove_group(record->value);
        if (stat(record->value, &st) == 0) {
            snprintf(err, errlen, "cannot remove cgroup %s", record->value);
            return -1;
        }
        return 0;
    case TESTBED_MADE_FILE:
        if (unlink(record->value) != 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove %s: %s", record->value, strerror(errno));
            return -1;
        }
        return 0;
    default:
        return testbed_net_remove(record, err, errlen);
    }
}

int testbed_down(int *found, char *err, size_t errlen)
{
    struct stat st;
    if (found != NULL)
        *found = 0;
    if (testbed_check_root(err, errlen) != 0)
        return -1;
    if (stat(TESTBED_STATE_DIR, &st) != 0)
        return 0;
    if (found != NULL)
        *found = 1;
    testbed_record *records = NULL;
    size_t n = 0;
    /* No journal: up stopped before it made anything. */
    if (stat(JOURNAL, &st) == 0 && testbed_journal_read(JOURNAL, &records, &n, err, errlen) != 0)
        return -1;
    int rc = 0;
    char first[2048];
    for (size_t i = n; i-- > 0;) {
        if (remove_made(&records[i], first, sizeof(first)) != 0 && rc == 0) {
            /* Go on with the rest: the more is removed, the less a second down has to do. */
            snprintf(err, errlen, "%s", first);
            rc = -1;
        }
    }
    free(records);
    if (rc == 0 && remove_tree(TESTBED_STATE_DIR) != 0) {
        snprintf(err, errlen, "cannot remove %s: %s", TESTBED_STATE_DIR, strerror(errno));
        rc = -1;
    }
    return rc;
}
