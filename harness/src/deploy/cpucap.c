/*
 * cpucap.c - CPU caps through cgroups. Under the harness's own cgroup it
 * makes "twice-PID/sI", one per server, with a quota of cores x period
 * when there is a cap: cpu.max in v2, cpu.cfs_quota_us and
 * cpu.cfs_period_us in v1. A server
 * joins its group before it execs (proc_spawn), so its workers are capped
 * with it. Every group is handed to the watchdog as soon as it exists, so
 * that none is left behind, nor anything in it, when twice is killed; those
 * of a twice killed together with its watchdog are emptied and removed by
 * the next run.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpucap.h"
#include "watchdog.h"

/* The quota's period: short, so that a capped server runs often and briefly, as a slower CPU
 * would, rather than for 10 ms and then not at all for 90 (a 100 ms period lets requests queue
 * through each freeze and be served in bursts, more of them per CPU-second the longer the
 * queue); longer only where the kernel's least quota, 1 ms, needs it. */
#define PERIOD_US 10000
#define MIN_QUOTA_US 1000
#define MAX_PERIOD_US 1000000
#define MAX_GROUPS 256
/* How long a group's processes are killed before its removal is given up. */
#define EMPTY_TRIES 300
#define EMPTY_PAUSE_NS 10000000L

static char base[600];  /* twice-PID, when created */
static unsigned groups; /* how many sI exist under it */
static const char *kind = "none";
static char procs_file[MAX_GROUPS][740];
static char group_dir[MAX_GROUPS][720];

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The mount point and our path in it for the cgroup that holds the cpu controller. */
static int find_hierarchy(char *root, size_t rootlen, char *own, size_t ownlen)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[1024];
    int found = 0;
    /* v2 first: "0::/path", usable when the unified root offers the cpu controller. */
    char controllers[256] = "";
    FILE *c = fopen("/sys/fs/cgroup/cgroup.controllers", "r");
    if (c != NULL) {
        if (fgets(controllers, sizeof(controllers), c) == NULL)
            controllers[0] = '\0';
        fclose(c);
    }
    while (f != NULL && fgets(line, sizeof(line), f) != NULL && !found) {
        line[strcspn(line, "\n")] = '\0';
        char *controllers_field = strchr(line, ':');
        char *path = controllers_field != NULL ? strchr(controllers_field + 1, ':') : NULL;
        if (path == NULL)
            continue;
        *path++ = '\0';
        controllers_field++;
        if (*controllers_field == '\0' && strstr(controllers, "cpu") != NULL) {
            snprintf(root, rootlen, "/sys/fs/cgroup");
            kind = "v2";
            found = 1;
        } else if (strcmp(controllers_field, "cpu") == 0 ||
                   strcmp(controllers_field, "cpu,cpuacct") == 0) {
            snprintf(root, rootlen, "/sys/fs/cgroup/%s", controllers_field);
            kind = "v1";
            found = 1;
        }
        if (found)
            snprintf(own, ownlen, "%s", strcmp(path, "/") == 0 ? "" : path);
    }
    if (f != NULL)
        fclose(f);
    return found ? 0 : -1;
}

/* A group that still holds a process cannot be removed: kill what is in it until it can be; a
 * process that forked meanwhile is caught on the next pass. */
void cpucap_remove_group(const char *dir)
{
    char procs[4200];
    snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
    for (int tries = 0; tries < EMPTY_TRIES && rmdir(dir) != 0 && errno == EBUSY; tries++) {
        FILE *f = fopen(procs, "r");
        int pid;
        while (f != NULL && fscanf(f, "%d", &pid) == 1)
            kill(pid, SIGKILL);
        if (f != NULL)
            fclose(f);
        struct timespec pause = {0, EMPTY_PAUSE_NS};
        nanosleep(&pause, NULL);
    }
}

/* Removes the twice-PID groups under parent whose twice is gone, killing what is left in them:
 * the servers' descendants that outlived a twice killed together with its watchdog. */
static void remove_stale(const char *parent)
{
    DIR *dir = opendir(parent);
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        int pid;
        char rest, stale[900];
        if (sscanf(entry->d_name, "twice-%d%c", &pid, &rest) != 1 || pid <= 0 ||
            kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        snprintf(stale, sizeof(stale), "%s/%s", parent, entry->d_name);
        DIR *groups_dir = opendir(stale);
        struct dirent *group;
        while (groups_dir != NULL && (group = readdir(groups_dir)) != NULL) {
            char path[1200];
            snprintf(path, sizeof(path), "%s/%s", stale, group->d_name);
            if (group->d_type == DT_DIR && group->d_name[0] != '.')
                cpucap_remove_group(path);
        }
        if (groups_dir != NULL)
            closedir(groups_dir);
        rmdir(stale);
    }
    if (dir != NULL)
        closedir(dir);
}

/* Lets the groups made under dir have CPU quotas (cgroup v2 hands the controller down one
 * level at a time; v1 needs nothing). */
static void delegate(const char *dir)
{
    char path[700];
    if (strcmp(kind, "v2") == 0) {
        snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
        write_file(path, "+cpu");
    }
}

int cpucap_prepare(unsigned n, double cores, char *err, size_t errlen)
{
    char parent[512], path[720];
    if (n > MAX_GROUPS) {
        snprintf(err, errlen, "CPU caps: at most %d servers", MAX_GROUPS);
        return -1;
    }
    if (cpucap_parent(parent, sizeof(parent), err, errlen) != 0)
        return -1;
    remove_stale(parent);
    snprintf(base, sizeof(base), "%s/twice-%d", parent, (int)getpid());
    if (mkdir(base, 0755) != 0) {
        snprintf(err, errlen,
                 "CPU caps: cannot create %s: %s (caps need a writable cgroup; run "
                 "as root, or delegate one)",
                 base, strerror(errno));
        base[0] = '\0';
        return -1;
    }
    if (watchdog_watch_cgroup(base, err, errlen) != 0) {
        cpucap_release();
        return -1;
    }
    if (cores > 0)
        delegate(base);
    for (groups = 0; groups < n; groups++) {
        snprintf(path, sizeof(path), "%s/s%u", base, groups);
        int rc = mkdir(path, 0755);
        if (rc == 0 && watchdog_watch_cgroup(path, err, errlen) != 0) {
            groups++;
            cpucap_release();
            return -1;
        }
        if (rc != 0 || cpucap_set_quota(path, cores, err, errlen) != 0) {
            if (rc != 0)
                snprintf(err, errlen, "CPU caps: cannot set up %s: %s", path, strerror(errno));
            groups++;
            cpucap_release();
            return -1;
        }
        snprintf(group_dir[groups], sizeof(group_dir[groups]), "%s", path);
        snprintf(procs_file[groups], sizeof(procs_file[groups]), "%s/cgroup.procs", path);
    }
    return 0;
}

void cpucap_quota(double cores, long *quota_us, long *period_us)
{
    double needed = MIN_QUOTA_US / cores;
    *period_us = needed <= PERIOD_US       ? PERIOD_US
                 : needed >= MAX_PERIOD_US ? MAX_PERIOD_US
                                           : lround(needed);
    *quota_us = lround(cores * (double)*period_us);
    /* A cap so small it rounds to nothing is still a cap: the kernel's least quota. */
    if (*quota_us < MIN_QUOTA_US)
        *quota_us = MIN_QUOTA_US;
}

int cpucap_set_quota(const char *dir, double cores, char *err, size_t errlen)
{
    char path[700], value[64];
    if (cores <= 0)
        return 0;
    long quota, period;
    cpucap_quota(cores, &quota, &period);
    int rc = 0;
    if (strcmp(kind, "v2") == 0) {
        snprintf(path, sizeof(path), "%s/cpu.max", dir);
        snprintf(value, sizeof(value), "%ld %ld", quota, period);
        rc = write_file(path, value);
    } else {
        snprintf(path, sizeof(path), "%s/cpu.cfs_period_us", dir);
        snprintf(value, sizeof(value), "%ld", period);
        rc = write_file(path, value);
        if (rc == 0) {
            snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
            snprintf(value, sizeof(value), "%ld", quota);
            rc = write_file(path, value);
        }
    }
    if (rc != 0)
        snprintf(err, errlen, "CPU caps: cannot set up %s: %s", path, strerror(errno));
    return rc;
}

int cpucap_parent(char *parent, size_t len, char *err, size_t errlen)
{
    char root[256], own[256];
    if (find_hierarchy(root, sizeof(root), own, sizeof(own)) != 0) {
        snprintf(err, errlen,
                 "CPU caps: no cgroup with the cpu controller on this machine "
                 "(cgroup v2 cpu or v1 cpu)");
        return -1;
    }
    snprintf(parent, len, "%s%s", root, own);
    return 0;
}

const char *cpucap_procs_file(unsigned i)
{
    return i < groups ? procs_file[i] : NULL;
}

const char *cpucap_group_dir(unsigned i)
{
    return i < groups ? group_dir[i] : NULL;
}

void cpucap_release(void)
{
    char path[700];
    struct stat st;
    for (unsigned i = 0; i < groups; i++) {
        snprintf(path, sizeof(path), "%s/s%u", base, i);
        cpucap_remove_group(path);
        if (stat(path, &st) != 0)
            watchdog_forget_cgroup(path);
    }
    if (base[0] != '\0' && rmdir(base) == 0)
        watchdog_forget_cgroup(base);
    base[0] = '\0';
    groups = 0;
}
