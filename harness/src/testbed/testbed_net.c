/*
 * testbed_net.c - namespaces, veth pairs and the bridge of a test bed,
 * through iproute2 (`ip`, `tc`). A host's end of its veth pair is created
 * straight into its namespace as eth0, so no link of the bed's ever has a
 * name that could clash with the machine's. Hosts get no default route:
 * they reach each other and the root namespace on the bridge, and nothing
 * else, which is what keeps the bed's traffic inside it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testbed_exec.h"
#include "testbed_net.h"

/* How long the processes of a namespace are killed before its removal is tried anyway. */
#define KILL_TRIES 300
#define KILL_PAUSE_NS 10000000L

static int exists(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* Runs each command of a NULL-terminated list of argvs; stops at the first failure. */
static int exec_all(const char *const *const commands[], char *err, size_t errlen)
{
    for (size_t i = 0; commands[i] != NULL; i++) {
        if (testbed_exec(commands[i], err, errlen) != 0)
            return -1;
    }
    return 0;
}

int testbed_net_bridge(const char *journal, const char *bridge, char *err, size_t errlen)
{
    const char *const add[] = {"ip", "link", "add", bridge, "type", "bridge", NULL};
    const char *const address[] = {
        "ip", "addr", "add", TESTBED_BRIDGE_ADDRESS "/" TESTBED_PREFIX_LEN, "dev", bridge, NULL};
    const char *const up[] = {"ip", "link", "set", bridge, "up", NULL};
    const char *const *const commands[] = {add, address, up, NULL};
    if (exists("/sys/class/net", bridge)) {
        snprintf(err, errlen, "a link named %s exists already", bridge);
        return -1;
    }
    if (testbed_journal_add(journal, TESTBED_MADE_BRIDGE, bridge, err, errlen) != 0)
        return -1;
    return exec_all(commands, err, errlen);
}

/* netem on dev (in netns when not NULL), when there is a delay or a rate. */
static int add_netem(const char *netns, const char *dev, double delay_ms, double rate_mbit,
                     char *err, size_t errlen)
{
    char delay[32], rate[32];
    const char *argv[16];
    size_t n = 0;
    if (delay_ms <= 0 && rate_mbit <= 0)
        return 0;
    argv[n++] = "tc";
    if (netns != NULL) {
        argv[n++] = "-n";
        argv[n++] = netns;
    }
    const char *const rest[] = {"qdisc", "add", "dev", dev, "root", "netem"};
    for (size_t i = 0; i < sizeof(rest) / sizeof(*rest); i++)
        argv[n++] = rest[i];
    if (delay_ms > 0) {
        snprintf(delay, sizeof(delay), "%gms", delay_ms);
        argv[n++] = "delay";
        argv[n++] = delay;
    }
    if (rate_mbit > 0) {
        snprintf(rate, sizeof(rate), "%gmbit", rate_mbit);
        argv[n++] = "rate";
        argv[n++] = rate;
    }
    argv[n] = NULL;
    if (testbed_exec(argv, err, errlen) == 0)
        return 0;
    size_t used = strlen(err);
    snprintf(err + used, errlen - used, "%s(netem is the kernel's sch_netem module)",
             used > 0 && err[used - 1] == '\n' ? "" : " ");
    return -1;
}

int testbed_net_host(const char *journal, const testbed_host *host, const char *bridge,
                     double delay_ms, double rate_mbit, char *err, size_t errlen)
{
    char address[32];
    snprintf(address, sizeof(address), "%s/%s", host->address, TESTBED_PREFIX_LEN);
    const char *ns = host->netns, *link = host->link;
    const char *const add_ns[] = {"ip", "netns", "add", ns, NULL};
    const char *const lo_up[] = {"ip", "-n", ns, "link", "set", "lo", "up", NULL};
    const char *const add_link[] = {"ip",   "link", "add",  link,    "type", "veth",
                                    "peer", "name", "eth0", "netns", ns,     NULL};
    const char *const attach[] = {"ip", "link", "set", link, "master", bridge, "up", NULL};
    const char *const set_address[] = {"ip", "-n", ns, "addr", "add", address, "dev", "eth0", NULL};
    const char *const eth0_up[] = {"ip", "-n", ns, "link", "set", "eth0", "up", NULL};
    const char *const *const commands[] = {lo_up, attach, set_address, eth0_up, NULL};
    if (exists("/run/netns", ns) || exists("/sys/class/net", link)) {
        snprintf(err, errlen, "a namespace %s or a link %s exists already", ns, link);
        return -1;
    }
    if (testbed_journal_add(journal, TESTBED_MADE_NETNS, ns, err, errlen) != 0 ||
        testbed_exec(add_ns, err, errlen) != 0 ||
        testbed_journal_add(journal, TESTBED_MADE_LINK, link, err, errlen) != 0 ||
        testbed_exec(add_link, err, errlen) != 0 || exec_all(commands, err, errlen) != 0)
        return -1;
    return add_netem(NULL, link, delay_ms, rate_mbit, err, errlen) != 0 ||
                   add_netem(ns, "eth0", delay_ms, rate_mbit, err, errlen) != 0
               ? -1
               : 0;
}

/* Kills every process in netns until none is left: sshd, its sessions, and whatever was
 * started over them, however they detached. 0, or -1 with err. */
static int empty_netns(const char *netns, char *err, size_t errlen)
{
    const char *const pids[] = {"ip", "netns", "pids", netns, NULL};
    for (int tries = 0; tries < KILL_TRIES; tries++) {
        char *out;
        if (testbed_exec_output(pids, &out, err, errlen) != 0)
            return -1;
        int killed = 0;
        char *save = NULL;
        for (char *pid = strtok_r(out, "\n", &save); pid != NULL;
             pid = strtok_r(NULL, "\n", &save)) {
            int n = atoi(pid);
            if (n > 1 && kill(n, SIGKILL) == 0)
                killed++;
        }
        free(out);
        if (killed == 0)
            return 0;
        struct timespec pause = {0, KILL_PAUSE_NS};
        nanosleep(&pause, NULL);
    }
    snprintf(err, errlen, "the processes of namespace %s would not die", netns);
    return -1;
}

int testbed_net_remove(const testbed_record *record, char *err, size_t errlen)
{
    const char *name = record->value;
    if (record->kind == TESTBED_MADE_NETNS && exists("/run/netns", name)) {
        const char *const del[] = {"ip", "netns", "del", name, NULL};
        return empty_netns(name, err, errlen) != 0 ? -1 : testbed_exec(del, err, errlen);
    }
    if ((record->kind == TESTBED_MADE_LINK || record->kind == TESTBED_MADE_BRIDGE) &&
        exists("/sys/class/net", name)) {
        const char *const del[] = {"ip", "link", "del", name, NULL};
        return testbed_exec(del, err, errlen);
    }
    return 0;
}
