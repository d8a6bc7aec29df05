/*
 * measure_window.c - samples every measure at the start and at the end of a
 * window and works out the differences, the servers' CPU from the most
 * complete source (a cgroup counts what left the process group too), and
 * the foreign CPU from the machine's total.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connections.h"
#include "measure_window.h"

void measure_window_free(struct measure_window *w)
{
    for (size_t i = 0; w->server_cgroups != NULL && i < w->servers; i++)
        free(w->server_cgroups[i]);
    free(w->server_cgroups);
    free(w->server_groups);
    free(w->server_ports);
    free(w->server_usage);
    free(w->server_sched);
    free(w->server_cgroup);
    free(w->result.servers);
    memset(w, 0, sizeof(*w));
}

/* Copies what targets names into w. 0, or -1 when memory runs out. */
static int copy_targets(struct measure_window *w, const struct measure_targets *targets)
{
    size_t n = targets->servers;
    w->servers = n;
    w->nports = targets->server_ports != NULL ? targets->nports : 0;
    w->wrk_group = targets->wrk_group;
    w->helper_group = targets->helper_group;
    w->server_groups = calloc(n + 1, sizeof(*w->server_groups));
    w->server_cgroups = calloc(n + 1, sizeof(*w->server_cgroups));
    w->server_ports = calloc(w->nports + 1, sizeof(*w->server_ports));
    w->server_usage = calloc(n + 1, sizeof(*w->server_usage));
    w->server_sched = calloc(n + 1, sizeof(*w->server_sched));
    w->server_cgroup = calloc(n + 1, sizeof(*w->server_cgroup));
    w->result.servers = calloc(n + 1, sizeof(*w->result.servers));
    if (w->server_groups == NULL || w->server_cgroups == NULL || w->server_ports == NULL ||
        w->server_usage == NULL || w->server_sched == NULL || w->server_cgroup == NULL ||
        w->result.servers == NULL)
        return -1;
    if (n > 0)
        memcpy(w->server_groups, targets->server_groups, n * sizeof(*w->server_groups));
    if (w->nports > 0)
        memcpy(w->server_ports, targets->server_ports, w->nports * sizeof(*w->server_ports));
    for (size_t i = 0; i < n; i++) {
        const char *dir = targets->server_cgroups != NULL ? targets->server_cgroups[i] : NULL;
        if (dir != NULL && (w->server_cgroups[i] = strdup(dir)) == NULL)
            return -1;
    }
    return 0;
}

int measure_window_start(struct measure_window *w, const struct measure_targets *targets, char *err,
                         size_t errlen)
{
    memset(w, 0, sizeof(*w));
    if (copy_targets(w, targets) != 0) {
        snprintf(err, errlen, "out of memory starting a measurement window");
        measure_window_free(w);
        return -1;
    }
    int rc = machine_cpu_sample(&w->machine, err, errlen);
    for (size_t i = 0; rc == 0 && i < w->servers; i++) {
        rc = proc_usage_sample(w->server_groups[i], &w->server_usage[i], err, errlen);
        rc = rc == 0 ? schedstat_sample(w->server_groups[i], &w->server_sched[i], err, errlen) : rc;
        if (rc == 0 && w->server_cgroups[i] != NULL)
            rc = cgroup_usage_sample(w->server_cgroups[i], &w->server_cgroup[i], err, errlen);
    }
    if (rc == 0 && w->wrk_group > 0) {
        rc = proc_usage_sample(w->wrk_group, &w->wrk_usage, err, errlen);
        rc = rc == 0 ? schedstat_sample(w->wrk_group, &w->wrk_sched, err, errlen) : rc;
    }
    if (rc == 0 && w->helper_group > 0)
        rc = proc_usage_sample(w->helper_group, &w->helper_usage, err, errlen);
    getrusage(RUSAGE_SELF, &w->twice_usage);
    clock_gettime(CLOCK_MONOTONIC, &w->started);
    if (rc != 0)
        measure_window_free(w);
    return rc;
}

/* Appends a sentence to the result's notes (they stop growing when full). */
static void note(struct measure_result *r, const char *format, ...)
{
    size_t used = strlen(r->notes);
    if (used + 1 >= sizeof(r->notes))
        return;
    if (used > 0)
        snprintf(r->notes + used, sizeof(r->notes) - used, "; ");
    used = strlen(r->notes);
    va_list args;
    va_start(args, format);
    vsnprintf(r->notes + used, sizeof(r->notes) - used, format, args);
    va_end(args);
}

/* Notes what a process group's figures lack, naming it ("server 2", "wrk"). */
static void note_process_flags(struct measure_result *r, const char *who,
                               const struct proc_usage *usage, const struct schedstat *sched)
{
    if (usage->flags & PROC_USAGE_EMPTY)
        note(r, "%s: no process left to measure", who);
    if (usage->flags & PROC_USAGE_LOST_CPU)
        note(r, "%s: CPU time of a process that left uncounted", who);
    if (usage->flags & PROC_USAGE_NO_HWM)
        note(r, "%s: peak RSS of an exited process not counted", who);
    if (sched->flags & SCHEDSTAT_UNAVAILABLE)
        note(r, "%s: run-queue delay of a process not readable", who);
    if (sched->flags & SCHEDSTAT_LOST_THREADS)
        note(r, "%s: run-queue delay of exited threads not counted", who);
}

/* The end samples and the differences for server i. -1 with err when /proc cannot be read. */
static int stop_server(struct measure_window *w, size_t i, char *err, size_t errlen)
{
    struct measure_result *r = &w->result;
    struct measure_server *s = &r->servers[i];
    struct proc_usage usage;
    struct schedstat sched;
    char who[32];
    snprintf(who, sizeof(who), "server %zu", i + 1);
    if (proc_usage_sample(w->server_groups[i], &usage, err, errlen) != 0 ||
        schedstat_sample(w->server_groups[i], &sched, err, errlen) != 0)
        return -1;
    s->usage = proc_usage_diff(&w->server_usage[i], &usage);
    s->sched = schedstat_diff(&w->server_sched[i], &sched);
    s->cpu_s = s->usage.user_s + s->usage.system_s;
    note_process_flags(r, who, &s->usage, &s->sched);
    if (w->server_cgroups[i] != NULL) {
        struct cgroup_usage end;
        char cgroup_err[256], missing[128];
        if (cgroup_usage_sample(w->server_cgroups[i], &end, cgroup_err, sizeof(cgroup_err)) != 0) {
            note(r, "%s: %s", who, cgroup_err);
        } else {
            s->cgroup = cgroup_usage_diff(&w->server_cgroup[i], &end);
            if (s->cgroup.have & CGROUP_HAVE_USAGE)
                s->cpu_s = (double)s->cgroup.usage_us / 1e6;
            if (s->cgroup.have != CGROUP_HAVE_ALL)
                note(r, "%s: cgroup v%d %s lacks %s", who, s->cgroup.version, w->server_cgroups[i],
                     cgroup_usage_missing(s->cgroup.have, missing, sizeof(missing)));
        }
    }
    s->connections = -1;
    if (w->nports > 0) {
        char connections_err[256];
        s->connections = measure_server_connections(w->server_groups[i], w->server_ports, w->nports,
                                                    connections_err, sizeof(connections_err));
        if (s->connections < 0)
            note(r, "%s: connections not counted: %s", who, connections_err);
    }
    return 0;
}

const struct measure_result *measure_window_stop(struct measure_window *w, char *err, size_t errlen)
{
    struct measure_result *r = &w->result;
    struct machine_cpu machine;
    struct rusage twice_usage;
    struct timespec now;
    struct measure_server *servers = r->servers;
    memset(r, 0, sizeof(*r));
    memset(servers, 0, w->servers * sizeof(*servers));
    r->servers = servers;
    r->servers_count = w->servers;
    r->wrk_connections = -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    getrusage(RUSAGE_SELF, &twice_usage);
    if (machine_cpu_sample(&machine, err, errlen) != 0)
        return NULL;
    for (size_t i = 0; i < w->servers; i++) {
        if (stop_server(w, i, err, errlen) != 0)
            return NULL;
        r->servers_cpu_s += servers[i].cpu_s;
    }
    if (w->wrk_group > 0) {
        struct proc_usage usage;
        struct schedstat sched;
        char connections_err[256];
        if (proc_usage_sample(w->wrk_group, &usage, err, errlen) != 0 ||
            schedstat_sample(w->wrk_group, &sched, err, errlen) != 0)
            return NULL;
        r->wrk_usage = proc_usage_diff(&w->wrk_usage, &usage);
        r->wrk_sched = schedstat_diff(&w->wrk_sched, &sched);
        r->wrk_cpu_s = r->wrk_usage.user_s + r->wrk_usage.system_s;
        note_process_flags(r, "wrk", &r->wrk_usage, &r->wrk_sched);
        if (w->nports > 0) {
            r->wrk_connections = measure_open_connections(w->wrk_group, w->server_ports, w->nports,
                                                          connections_err, sizeof(connections_err));
            if (r->wrk_connections < 0)
                note(r, "wrk: connections not counted: %s", connections_err);
        }
    }
    if (w->helper_group > 0) {
        struct proc_usage usage;
        if (proc_usage_sample(w->helper_group, &usage, err, errlen) != 0)
            return NULL;
        struct proc_usage used = proc_usage_diff(&w->helper_usage, &usage);
        r->helper_cpu_s = used.user_s + used.system_s;
    }
    double user_s, system_s;
    proc_usage_rusage_diff(&w->twice_usage, &twice_usage, &user_s, &system_s);
    r->twice_cpu_s = user_s + system_s;
    r->machine = machine_cpu_diff(&w->machine, &machine);
    /* Interrupt time is charged to no process: over loopback, mostly the run's own traffic. */
    r->foreign_cpu_s =
        machine_cpu_foreign_s(r->machine.busy_s - r->machine.interrupt_s, r->servers_cpu_s,
                              r->wrk_cpu_s, r->twice_cpu_s + r->helper_cpu_s);
    r->wall_s =
        (double)(now.tv_sec - w->started.tv_sec) + (double)(now.tv_nsec - w->started.tv_nsec) / 1e9;
    return r;
}
