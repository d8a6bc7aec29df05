/*
 * service_run.c - see service_run.h. The service's cgroup is a sibling of the
 * servers' (cpucap.c): PARENT/twice-PID-NAME, made once per run, whereas the
 * servers' groups are made and removed with every deployment. The watchdog
 * knows of it from the moment it exists, so a SIGKILL of twice leaves neither
 * the group nor anything in it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpucap.h"
#include "proc_group.h"
#include "procfs.h"
#include "service_run.h"
#include "watchdog.h"

/* Makes r's cgroup and caps it; 0, or -1 with why in err (nothing left made then). */
static int make_cgroup(service_run *r, char *err, size_t errlen)
{
    char parent[512];
    if (cpucap_parent(parent, sizeof(parent), err, errlen) != 0)
        return -1;
    snprintf(r->cgroup, sizeof(r->cgroup), "%s/twice-%d-%s", parent, (int)getpid(), r->ops->name);
    if (mkdir(r->cgroup, 0755) != 0) {
        snprintf(err, errlen, "cannot create %.300s for %s: %s", r->cgroup, r->ops->name,
                 strerror(errno));
        r->cgroup[0] = '\0';
        return -1;
    }
    if (watchdog_watch_cgroup(r->cgroup, err, errlen) != 0 ||
        cpucap_set_quota(r->cgroup, r->cpu_cap, err, errlen) != 0) {
        cpucap_remove_group(r->cgroup);
        watchdog_forget_cgroup(r->cgroup);
        r->cgroup[0] = '\0';
        return -1;
    }
    return 0;
}

/* The service on its own host: capped there by its supervisor, measured from here only by
 * what libpq can ask (its connections). */
static int start_remote(service_run *r, const scenario_postgres *pg, const inventory *inv,
                        int allow_uncapped, char *err, size_t errlen)
{
    r->ops = &service_postgres_ssh;
    service_settings settings = {.max_connections = pg->max_connections,
                                 .synchronous_commit = pg->synchronous_commit,
                                 .inv = inv,
                                 .host = r->host,
                                 .cpu_cap = pg->cpu_cap};
    if ((r->svc = r->ops->start(&settings, err, errlen)) == NULL)
        return -1;
    char why[256] = "";
    r->cap_applied = r->cpu_cap > 0 && r->ops->cap_applied(r->svc, why, sizeof(why)) == 1;
    if (r->cpu_cap > 0 && !r->cap_applied) {
        if (!allow_uncapped) {
            snprintf(err, errlen,
                     "%s on host %s: its CPU cap of %g cores cannot be set: %s "
                     "(--allow-uncapped runs without it)",
                     r->ops->name, r->host->destination, r->cpu_cap, why);
            return -1;
        }
        snprintf(r->cap_note, sizeof(r->cap_note), "its CPU cap is not applied: %s; ", why);
    }
    size_t used = strlen(r->cap_note);
    snprintf(r->cap_note + used, sizeof(r->cap_note) - used,
             "runs on host %s: its CPU is not measured from here", r->host->destination);
    return r->ops->seed(r->svc, pg->rows, err, errlen);
}

int service_run_start(service_run *r, const scenario_postgres *pg, const inventory *inv,
                      int allow_uncapped, char *err, size_t errlen)
{
    *r = (service_run){0};
    if (!pg->enabled)
        return 0;
    r->cpu_cap = pg->cpu_cap;
    if (inv != NULL && inv->postgres != NULL && !inv->postgres->local) {
        r->host = inv->postgres;
        return start_remote(r, pg, inv, allow_uncapped, err, errlen);
    }
    r->ops = &service_postgres;
    char why[512] = "";
    /* Uncapped, a cgroup only serves the measures: the service runs without one if need be. */
    if (make_cgroup(r, why, sizeof(why)) != 0) {
        if (r->cpu_cap > 0 && !allow_uncapped) {
            snprintf(err, errlen,
                     "%s's CPU cap of %g cores cannot be set: %s (--allow-uncapped "
                     "runs without it)",
                     r->ops->name, r->cpu_cap, why);
            return -1;
        }
        snprintf(r->cap_note, sizeof(r->cap_note), "%s", why);
    }
    r->cap_applied = r->cgroup[0] != '\0' && r->cpu_cap > 0;
    char join[800];
    snprintf(join, sizeof(join), "%s/cgroup.procs", r->cgroup);
    service_settings settings = {.max_connections = pg->max_connections,
                                 .synchronous_commit = pg->synchronous_commit,
                                 .join = r->cgroup[0] != '\0' ? join : NULL};
    r->svc = r->ops->start(&settings, err, errlen);
    if (r->svc == NULL || r->ops->seed(r->svc, pg->rows, err, errlen) != 0)
        return -1;
    return 0;
}

const char *service_run_address(const service_run *r)
{
    return r->svc != NULL ? r->ops->address(r->svc) : NULL;
}

double service_run_cap(const service_run *r)
{
    return r->cap_applied && r->host == NULL ? r->cpu_cap : 0;
}

json_t *service_run_json(const service_run *r, const scenario_postgres *pg)
{
    if (r->ops == NULL)
        return NULL;
    return json_pack("{s:{s:s, s:I, s:I, s:b, s:o, s:b, s:o}}", r->ops->name, "host",
                     r->host != NULL ? r->host->destination : "local", "rows", (json_int_t)pg->rows,
                     "max_connections", (json_int_t)pg->max_connections, "synchronous_commit",
                     pg->synchronous_commit, "cpu_cap",
                     r->cpu_cap > 0 ? json_real(r->cpu_cap) : json_null(), "cap_applied",
                     r->cap_applied, "note",
                     r->cap_note[0] != '\0' ? json_string(r->cap_note) : json_null());
}

void service_run_stop(service_run *r)
{
    if (r->svc != NULL)
        r->ops->stop(r->svc);
    r->svc = NULL;
    if (r->cgroup[0] != '\0') {
        struct stat st;
        cpucap_remove_group(r->cgroup);
        if (stat(r->cgroup, &st) != 0)
            watchdog_forget_cgroup(r->cgroup);
    }
    r->cgroup[0] = '\0';
}

/* The CPU of every process in the group, and of the children the service's leader reaped
 * (PostgreSQL's postmaster reaps its backends, whose time then moves to its cutime). 1 with
 * *cpu_s set, 0 when the group's processes cannot be listed. */
static int procs_cpu(const service_run *r, double *cpu_s)
{
    char path[800];
    snprintf(path, sizeof(path), "%s/cgroup.procs", r->cgroup);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    pid_t leader = r->ops->pid(r->svc);
    uint64_t ticks = 0;
    int pid;
    struct proc_stat st;
    while (fscanf(f, "%d", &pid) == 1) {
        if (proc_stat_read(pid, &st) != 0)
            continue;
        ticks += st.utime + st.stime;
        if (pid == leader)
            ticks += st.cutime + st.cstime;
    }
    fclose(f);
    *cpu_s = (double)ticks * procfs_tick_s();
    return 1;
}

void service_run_sample(const service_run *r, service_sample *out)
{
    char err[256];
    *out = (service_sample){0};
    if (r->svc == NULL || r->cgroup[0] == '\0')
        return;
    if (cgroup_usage_sample(r->cgroup, &out->cgroup, err, sizeof(err)) != 0)
        out->cgroup = (struct cgroup_usage){0};
    out->have_procs_cpu = procs_cpu(r, &out->procs_cpu_s);
}

json_t *service_run_window(const service_run *r, const service_sample *start, double *cpu_s)
{
    *cpu_s = 0;
    if (r->svc == NULL)
        return NULL;
    service_sample end;
    service_run_sample(r, &end);
    struct cgroup_usage d = cgroup_usage_diff(&start->cgroup, &end.cgroup);
    int measured = start->cgroup.version != 0 && end.cgroup.version != 0;
    int usage = measured && (d.have & CGROUP_HAVE_USAGE) != 0;
    int throttling = measured && (d.have & CGROUP_HAVE_THROTTLING) != 0;
    int from_procs = !usage && start->have_procs_cpu && end.have_procs_cpu &&
                     end.procs_cpu_s >= start->procs_cpu_s;
    if (usage)
        *cpu_s = (double)d.usage_us / 1e6;
    else if (from_procs)
        *cpu_s = end.procs_cpu_s - start->procs_cpu_s;
    usage |= from_procs;
    long clients = r->ops->clients(r->svc);
    return json_pack(
        "{s:{s:o, s:o, s:o, s:o}}", r->ops->name, "cpu_s", usage ? json_real(*cpu_s) : json_null(),
        "throttled_s", throttling ? json_real((double)d.throttled_us / 1e6) : json_null(),
        "nr_throttled", throttling ? json_integer((json_int_t)d.nr_throttled) : json_null(),
        "connections", clients >= 0 ? json_integer(clients) : json_null());
}
