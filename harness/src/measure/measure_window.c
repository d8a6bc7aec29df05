/*
 * measure_window.c - samples every measure at the start and at the end of a
 * window and works out the differences, the servers' CPU from the most
 * complete source (a cgroup counts what left the process group too), and
 * the foreign CPU from the machine's total.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_tree.h"
#include "connections.h"
#include "measure_window.h"
#include "procfs.h"

/* Frees n strings of an array and the array. */
static void free_strings(char **strings, size_t n)
{
    for (size_t i = 0; strings != NULL && i < n; i++)
        free(strings[i]);
    free(strings);
}

void measure_window_free(struct measure_window *w)
{
    free_strings(w->server_cgroups, w->servers);
    free_strings(w->helper_cgroups, w->nhelper_cgroups);
    free(w->server_groups);
    free(w->server_ports);
    free(w->helper_groups);
    free(w->server_start);
    free(w->server_end);
    free(w->result.servers);
    memset(w, 0, sizeof(*w));
}

/* A copy of n strings (NULL entries, or a NULL array, stay NULL), or NULL when memory runs
 * out (*failed set then). */
static char **copy_strings(const char *const *strings, size_t n, int *failed)
{
    char **copy = calloc(n + 1, sizeof(*copy));
    *failed |= copy == NULL;
    for (size_t i = 0; copy != NULL && strings != NULL && i < n; i++) {
        if (strings[i] != NULL && (copy[i] = strdup(strings[i])) == NULL)
            *failed = 1;
    }
    return copy;
}

/* A copy of n items of size bytes (calloc'd, one more than asked so that 0 is not NULL), or
 * NULL when memory runs out (*failed set then). */
static void *copy_items(const void *items, size_t n, size_t size, int *failed)
{
    void *copy = calloc(n + 1, size);
    *failed |= copy == NULL;
    if (copy != NULL && items != NULL && n > 0)
        memcpy(copy, items, n * size);
    return copy;
}

/* Copies what targets names into w. 0, or -1 when memory runs out. */
static int copy_targets(struct measure_window *w, const struct measure_targets *targets)
{
    int failed = 0;
    size_t n = targets->servers;
    w->servers = n;
    w->sample = targets->sample;
    w->sample_context = targets->sample_context;
    w->servers_elsewhere = targets->servers_elsewhere;
    w->nports = targets->server_ports != NULL ? targets->nports : 0;
    w->wrk_group = targets->wrk_group;
    w->nhelper_groups = targets->helper_groups != NULL ? targets->nhelper_groups : 0;
    w->nhelper_cgroups = targets->helper_cgroups != NULL ? targets->nhelper_cgroups : 0;
    w->server_groups = copy_items(targets->server_groups, n, sizeof(pid_t), &failed);
    w->server_cgroups = copy_strings(targets->server_cgroups, n, &failed);
    w->server_ports = copy_items(targets->server_ports, w->nports, sizeof(uint16_t), &failed);
    w->helper_groups =
        copy_items(targets->helper_groups, w->nhelper_groups, sizeof(pid_t), &failed);
    w->helper_cgroups = copy_strings(targets->helper_cgroups, w->nhelper_cgroups, &failed);
    w->server_start = copy_items(NULL, n, sizeof(struct server_sample), &failed);
    w->server_end = copy_items(NULL, n, sizeof(struct server_sample), &failed);
    w->result.servers = copy_items(NULL, n, sizeof(struct measure_server), &failed);
    return failed ? -1 : 0;
}

/* The servers' samples, from the targets' sampler or from this machine. */
static int sample_servers(const struct measure_window *w, struct server_sample *samples, char *err,
                          size_t errlen)
{
    if (w->sample != NULL)
        return w->sample(w->sample_context, samples, err, errlen);
    return server_sample_local_all(w->server_groups, (const char *const *)w->server_cgroups,
                                   w->servers, samples, err, errlen);
}

/* The helpers' CPU so far, groups and cgroups together. */
static int helpers_cpu_s(const struct measure_window *w, double *cpu_s, char *err, size_t errlen)
{
    *cpu_s = 0;
    for (size_t i = 0; i < w->nhelper_groups; i++) {
        struct proc_usage usage;
        if (proc_usage_sample(w->helper_groups[i], &usage, err, errlen) != 0)
            return -1;
        *cpu_s += usage.user_s + usage.system_s;
    }
    for (size_t i = 0; i < w->nhelper_cgroups; i++) {
        double cpu_s_here;
        if (cgroup_tree_cpu_s(w->helper_cgroups[i], &cpu_s_here, err, errlen) != 0)
            return -1;
        *cpu_s += cpu_s_here;
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
    /* The servers first: on other hosts their samples take a while (a second, into a capped
     * busy host), and the machine's, wrk's, the helpers' and twice's figures must start
     * together with the window's clock, or the machine's busy time would cover that second
     * and the helpers' not, and the difference would pass for foreign work. */
    int rc = sample_servers(w, w->server_start, err, errlen);
    rc = rc == 0 ? machine_cpu_sample(&w->machine, err, errlen) : rc;
    if (rc == 0 && w->wrk_group > 0) {
        rc = proc_usage_sample(w->wrk_group, &w->wrk_usage, err, errlen);
        rc = rc == 0 ? schedstat_sample(w->wrk_group, &w->wrk_sched, err, errlen) : rc;
    }
    rc = rc == 0 ? helpers_cpu_s(w, &w->helper_start_s, err, errlen) : rc;
    getrusage(RUSAGE_SELF, &w->twice_usage);
    getrusage(RUSAGE_CHILDREN, &w->twice_children);
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

static uint64_t scaled(uint64_t value, double factor)
{
    return (uint64_t)llround((double)value * factor);
}

/* A remote server's figures cover the time between its host's two readings, and each reading
 * reaches the host as late as a command into it takes (a second, into a capped busy host): they
 * are scaled from that span to the window's length, so that they are over the window like every
 * other figure. Peaks are not rates and stay as read. */
static void scale_to_window(struct measure_result *r, const char *who, struct measure_server *s,
                            double host_span_s)
{
    double factor = r->wall_s / host_span_s;
    if (fabs(factor - 1) > 0.1)
        note(r, "%s: read on its host %.2f s apart, the window being %.2f s: its figures are "
                "scaled to the window",
             who, host_span_s, r->wall_s);
    s->usage.user_s *= factor;
    s->usage.system_s *= factor;
    s->sched.run_s *= factor;
    s->sched.wait_s *= factor;
    s->cpu_s *= factor;
    struct cgroup_usage *c = &s->cgroup;
    c->usage_us = scaled(c->usage_us, factor);
    c->user_us = scaled(c->user_us, factor);
    c->system_us = scaled(c->system_us, factor);
    c->nr_periods = scaled(c->nr_periods, factor);
    c->nr_throttled = scaled(c->nr_throttled, factor);
    c->throttled_us = scaled(c->throttled_us, factor);
}

/* The differences for server i from its two samples (r->wall_s set). */
static void stop_server(struct measure_window *w, size_t i)
{
    struct measure_result *r = &w->result;
    struct measure_server *s = &r->servers[i];
    const struct server_sample *start = &w->server_start[i], *end = &w->server_end[i];
    char who[32];
    snprintf(who, sizeof(who), "server %zu", i + 1);
    s->usage = proc_usage_diff(&start->usage, &end->usage);
    s->sched = schedstat_diff(&start->sched, &end->sched);
    s->cpu_s = s->usage.user_s + s->usage.system_s;
    note_process_flags(r, who, &s->usage, &s->sched);
    const char *said = start->note[0] != '\0' ? start->note : end->note;
    if (said[0] != '\0')
        note(r, "%s: %s", who, said);
    if (start->cgroup.version != 0 && end->cgroup.version != 0) {
        char missing[128];
        s->cgroup = cgroup_usage_diff(&start->cgroup, &end->cgroup);
        if (end->cgroup_shared) {
            /* The host's other processes ran in it too: only its throttling is the server's. */
            s->cgroup.have &= CGROUP_HAVE_THROTTLING;
            note(r, "%s: throttling is that of its host's cgroup %s, which it shares", who,
                 end->cgroup_dir);
        } else {
            if (s->cgroup.have & CGROUP_HAVE_USAGE)
                s->cpu_s = (double)s->cgroup.usage_us / 1e6;
            if (s->cgroup.have != CGROUP_HAVE_ALL)
                note(r, "%s: cgroup v%d %s lacks %s", who, s->cgroup.version, end->cgroup_dir,
                     cgroup_usage_missing(s->cgroup.have, missing, sizeof(missing)));
        }
    }
    if (start->host_time_s > 0 && end->host_time_s > start->host_time_s)
        scale_to_window(r, who, s, end->host_time_s - start->host_time_s);
    else if (start->host_time_s > 0)
        note(r, "%s: its host's clock did not advance between its readings (%.2f s, then %.2f "
                "s): its figures are as read, not scaled to the window",
             who, start->host_time_s, end->host_time_s);
    s->connections = -1;
    if (w->nports > 0 && !w->servers_elsewhere) {
        char connections_err[256];
        s->connections = measure_server_connections(w->server_groups[i], w->server_ports, w->nports,
                                                    connections_err, sizeof(connections_err));
        if (s->connections < 0)
            note(r, "%s: connections not counted: %s", who, connections_err);
    }
}

const struct measure_result *measure_window_stop(struct measure_window *w, char *err, size_t errlen)
{
    struct measure_result *r = &w->result;
    struct machine_cpu machine;
    struct rusage twice_usage, twice_children;
    struct timespec now;
    struct measure_server *servers = r->servers;
    memset(r, 0, sizeof(*r));
    memset(servers, 0, w->servers * sizeof(*servers));
    r->servers = servers;
    r->servers_count = w->servers;
    r->wrk_connections = -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    getrusage(RUSAGE_SELF, &twice_usage);
    getrusage(RUSAGE_CHILDREN, &twice_children);
    if (machine_cpu_sample(&machine, err, errlen) != 0)
        return NULL;
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
    double helper_end_s;
    if (helpers_cpu_s(w, &helper_end_s, err, errlen) != 0)
        return NULL;
    int helpers_went_back = 0;
    r->helper_cpu_s = procfs_counter_diff(helper_end_s, w->helper_start_s, &helpers_went_back);
    r->wall_s =
        (double)(now.tv_sec - w->started.tv_sec) + (double)(now.tv_nsec - w->started.tv_nsec) / 1e9;
    /* The servers last: on other hosts their samples take a while, and wrk may end in it. */
    if (sample_servers(w, w->server_end, err, errlen) != 0)
        return NULL;
    for (size_t i = 0; i < w->servers; i++) {
        stop_server(w, i);
        r->servers_cpu_s += servers[i].cpu_s;
    }
    if (w->servers_elsewhere && w->nports > 0)
        note(r, "servers' connections are not counted on other hosts");
    double user_s, system_s;
    proc_usage_rusage_diff(&w->twice_usage, &twice_usage, &user_s, &system_s);
    r->twice_cpu_s = user_s + system_s;
    /* The commands twice ran and reaped in the window (a sample or an ask on a host). */
    proc_usage_rusage_diff(&w->twice_children, &twice_children, &user_s, &system_s);
    r->twice_cpu_s += user_s + system_s;
    r->machine = machine_cpu_diff(&w->machine, &machine);
    /* Interrupt time is charged to no process: over loopback, mostly the run's own traffic.
     * Servers on other hosts used no CPU here (on a test bed, theirs is in its cgroups, among
     * the helpers'). */
    r->foreign_cpu_s = machine_cpu_foreign_s(r->machine.busy_s - r->machine.interrupt_s,
                                             w->servers_elsewhere ? 0 : r->servers_cpu_s,
                                             r->wrk_cpu_s, r->twice_cpu_s + r->helper_cpu_s);
    return r;
}
