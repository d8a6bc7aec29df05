/*
 * breakdown.c - see breakdown.h for how each part is estimated. Each run
 * gives its estimates and the sentence that names its figures; the step's
 * part is the mean over its runs, and its evidence the sentence of the run
 * that showed the most of it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "breakdown.h"
#include "stats.h"

const char *breakdown_part_name(enum breakdown_part part)
{
    static const char *const names[BREAKDOWN_PARTS] = {"front_imbalance", "throttling",
                                                       "cpu_starvation",  "load_generator",
                                                       "shared_service",  "system"};
    return part < BREAKDOWN_PARTS ? names[part] : "unknown";
}

/* One run's estimate of one part and the sentence that names its figures. */
typedef struct estimate {
    double lost;
    char evidence[400];
} estimate;

static void say(estimate *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(estimate *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->evidence, sizeof(e->evidence), fmt, ap);
    va_end(ap);
}

static double share(double part, double whole)
{
    return whole > 0 ? part / whole : 0;
}

/* Little's law on a waiting route: the bound of the actual split against an even one. */
static void front_waiting(const breakdown_input *in, const breakdown_run *r, double connections,
                          estimate *e)
{
    double ideal = in->servers * in->x1, served = 0, fair = connections / in->servers;
    size_t fewest = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        double c = (double)r->servers[i].connections;
        served += in->holds > 0 ? fmin(c, in->holds) : c;
        if (r->servers[i].connections < r->servers[fewest].connections)
            fewest = i;
    }
    double even = in->servers * (in->holds > 0 ? fmin(fair, in->holds) : fair);
    e->lost = fmax(0, ideal * (1 - share(served, even)));
    char holds[64] = "";
    if (in->holds > 0)
        snprintf(holds, sizeof(holds), ", each serves at most %.0f at once", in->holds);
    say(e,
        "round %u: server %zu held %ld of %.0f connections (fair share %.1f)%s: %.0f in service "
        "against %.0f with an even split",
        r->round, fewest + 1, r->servers[fewest].connections, connections, fair, holds, served,
        even);
}

/* CPU work: servers below their fair share that used less CPU than the reference server. */
static void front_cpu(const breakdown_input *in, const breakdown_run *r, double connections,
                      estimate *e)
{
    double fair = connections / in->servers, worst = -1;
    size_t underfed = 0;
    e->lost = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        double cores = s->cpu_s / r->window_s;
        if ((double)s->connections >= fair || !(cores < in->ref.cpu_cores))
            continue;
        double loss = in->x1 * (1 - cores / in->ref.cpu_cores);
        underfed++;
        e->lost += loss;
        if (loss > worst) {
            worst = loss;
            say(e,
                "round %u: server %zu held %ld of %.0f connections (fair share %.1f) and used "
                "%.3f cores against %.3f at one server",
                r->round, i + 1, s->connections, connections, fair, cores, in->ref.cpu_cores);
        }
    }
    if (underfed == 0)
        say(e,
            "round %u: no server below its fair share of %.0f connections used less CPU "
            "than one server alone",
            r->round, connections);
}

static void front_imbalance(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    double connections = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        if (r->servers[i].connections < 0) {
            say(e, "round %u: the servers' connections were not counted: not estimated", r->round);
            return;
        }
        connections += (double)r->servers[i].connections;
    }
    if (!(connections > 0))
        say(e, "round %u: no connection was counted at the servers: not estimated", r->round);
    else if (in->service_s > 0)
        front_waiting(in, r, connections, e);
    else if (in->ref.known && in->ref.cpu_cores > 0)
        front_cpu(in, r, connections, e);
    else
        say(e, "round %u: no CPU figure of one server alone to compare with: not estimated",
            r->round);
}

static void throttling(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    double most = -1;
    e->lost = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        if (!s->has_throttling)
            continue;
        double held = fmin(1, s->throttled_s / r->window_s);
        e->lost += in->x1 * fmax(0, held - in->ref.throttled);
        if (held > most) {
            most = held;
            say(e,
                "round %u: server %zu was throttled %.3f s of a %.2f s window (%.0f%%; %.0f%% at "
                "one server)",
                r->round, i + 1, s->throttled_s, r->window_s, held * 100, in->ref.throttled * 100);
        }
    }
    if (most < 0)
        say(e,
            "round %u: no cgroup throttling counters (no cgroup, or no cpu controller): "
            "not measured",
            r->round);
}

/* The share of a server's requests' time that needs a CPU: all of it on CPU work. */
static double cpu_part_of_request(const breakdown_input *in, const breakdown_run *r,
                                  const breakdown_server *s)
{
    if (in->service_s <= 0)
        return 1;
    double requests = in->measured / in->servers * r->window_s;
    return share(s->cpu_s, s->cpu_s + in->service_s * requests);
}

static void cpu_starvation(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    double servers_wait = 0, servers_run = 0;
    e->lost = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        double waited = share(s->runqueue_wait_s, s->cpu_s + s->runqueue_wait_s);
        e->lost += in->x1 * fmax(0, waited - in->ref.wait_share) * cpu_part_of_request(in, r, s);
        servers_wait += s->runqueue_wait_s;
        servers_run += s->cpu_s;
    }
    double wrk_waited = share(r->wrk_runqueue_wait_s, r->wrk_cpu_s + r->wrk_runqueue_wait_s);
    double wrk_busy = fmin(1, share(r->wrk_cpu_s, r->wrk_threads * r->window_s));
    e->lost += in->servers * in->x1 * fmax(0, wrk_waited - in->ref.wrk_wait_share) * wrk_busy;
    say(e,
        "round %u: the servers' threads waited %.3f s for a CPU and ran %.3f s (%.0f%% of their "
        "runnable time, %.0f%% at one server), wrk's %.0f%% (%.0f%%); processes twice did not "
        "start used %.2f of %u cores",
        r->round, servers_wait, servers_run, share(servers_wait, servers_run + servers_wait) * 100,
        in->ref.wait_share * 100, wrk_waited * 100, in->ref.wrk_wait_share * 100,
        r->foreign_cpu_s / r->window_s, r->cores);
}

static void load_generator(const breakdown_input *in, const breakdown_run *r, double lost,
                           estimate *e)
{
    double ideal = in->servers * in->x1;
    double busy = fmin(1, share(r->wrk_cpu_s, r->wrk_threads * r->window_s));
    double missing = r->wrk_connections_open >= 0 && r->wrk_connections_asked > 0
                         ? fmax(0, 1 - (double)r->wrk_connections_open / r->wrk_connections_asked)
                         : 0;
    e->lost =
        ideal * missing + lost * fmax(0, busy - BREAKDOWN_WRK_BUSY) / (1 - BREAKDOWN_WRK_BUSY);
    char open[96] = "its connections not counted";
    if (r->wrk_connections_open >= 0)
        snprintf(open, sizeof(open), "%ld of %u connections open", r->wrk_connections_open,
                 r->wrk_connections_asked);
    say(e, "round %u: wrk used %.2f cores, %.0f%% of its %u threads (%.0f%% saturates it); %s",
        r->round, r->wrk_cpu_s / r->window_s, busy * 100, r->wrk_threads, BREAKDOWN_WRK_BUSY * 100,
        open);
}

static double capacity_at(double measured, double cores, double cap)
{
    return cap > 0 && cores > 0 ? measured * cap / cores : 0;
}

static int near_capacity(double cores, double throttled, double cap)
{
    return cores >= BREAKDOWN_SERVICE_NEAR * cap || throttled >= BREAKDOWN_SERVICE_THROTTLED;
}

static void shared_service(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    e->lost = 0;
    if (!r->has_service) {
        say(e, "round %u: no shared service was measured", r->round);
        return;
    }
    double cores = r->service_cpu_s / r->window_s, cap = in->service_cap;
    double throttled =
        r->service_has_throttling ? fmin(1, r->service_throttled_s / r->window_s) : 0;
    if (!(cap > 0)) {
        say(e,
            "round %u: the shared service used %.2f cores with no CPU cap: its capacity is "
            "not known",
            r->round, cores);
        return;
    }
    char figures[200];
    snprintf(figures, sizeof(figures),
             "round %u: the shared service used %.2f of its %.2f cores (%.0f%%), throttled %.0f%% "
             "of the window",
             r->round, cores, cap, share(cores, cap) * 100, throttled * 100);
    if (!near_capacity(cores, throttled, cap)) {
        say(e, "%s: not near its capacity", figures);
    } else if (in->ref.has_service &&
               near_capacity(in->ref.service_cores, in->ref.service_throttled, cap)) {
        say(e, "%s; near its capacity at one server already (%.2f cores): X(1) carries it", figures,
            in->ref.service_cores);
    } else {
        double capacity = capacity_at(in->measured, cores, cap);
        e->lost = fmax(0, in->servers * in->x1 - capacity);
        say(e,
            "%s (%.2f cores at one server): at most %.0f requests/s at its rate, against %.0f "
            "for linear scaling",
            figures, in->ref.service_cores, capacity, in->servers * in->x1);
    }
}

/* Each measured part's estimate over the runs: the mean, and the evidence of the run that
 * showed the most of it. */
static void estimate_parts(const breakdown_input *in, breakdown *out)
{
    for (int p = 0; p < BREAKDOWN_SYSTEM; p++) {
        double most = -1;
        for (size_t k = 0; k < in->nruns; k++) {
            const breakdown_run *r = &in->runs[k];
            estimate e = {0, ""};
            if (p == BREAKDOWN_FRONT_IMBALANCE)
                front_imbalance(in, r, &e);
            else if (p == BREAKDOWN_THROTTLING)
                throttling(in, r, &e);
            else if (p == BREAKDOWN_CPU_STARVATION)
                cpu_starvation(in, r, &e);
            else if (p == BREAKDOWN_SHARED_SERVICE)
                shared_service(in, r, &e);
            else
                load_generator(in, r, out->lost, &e);
            out->parts[p] += e.lost / (double)in->nruns;
            if (e.lost > most) {
                most = e.lost;
                snprintf(out->evidence[p], sizeof(out->evidence[p]), "%s", e.evidence);
            }
        }
        if (in->nruns == 0)
            snprintf(out->evidence[p], sizeof(out->evidence[p]),
                     "not measured: no run of this step has resource figures");
    }
}

/* Measured parts that over-explain the loss shrink together, and say so. */
static void scale_to_loss(breakdown *out)
{
    double explained = 0;
    for (int p = 0; p < BREAKDOWN_SYSTEM; p++)
        explained += out->parts[p];
    if (explained <= out->lost) {
        out->parts[BREAKDOWN_SYSTEM] = out->lost - explained;
        return;
    }
    double factor = out->lost / explained;
    for (int p = 0; p < BREAKDOWN_SYSTEM; p++) {
        out->parts[p] *= factor;
        if (out->parts[p] > 0) {
            size_t used = strlen(out->evidence[p]);
            snprintf(out->evidence[p] + used, sizeof(out->evidence[p]) - used,
                     "; scaled by %.2f with the other parts, which together estimated %.0f "
                     "requests/s for a loss of %.0f",
                     factor, explained, out->lost);
        }
    }
    out->parts[BREAKDOWN_SYSTEM] = 0;
}

int breakdown_compute(const breakdown_input *in, breakdown *out)
{
    double ideal = in->servers * in->x1;
    if (in->servers < 2 || !(in->x1 > 0) || !(in->measured < ideal))
        return 0;
    memset(out, 0, sizeof(*out));
    out->ideal = ideal;
    out->measured = in->measured;
    out->lost = ideal - in->measured;
    estimate_parts(in, out);
    scale_to_loss(out);
    snprintf(out->evidence[BREAKDOWN_SYSTEM], sizeof(out->evidence[BREAKDOWN_SYSTEM]),
             "the remainder: the system under test (sigma, kappa)");
    out->largest = BREAKDOWN_FRONT_IMBALANCE;
    for (int p = 1; p < BREAKDOWN_PARTS; p++)
        if (out->parts[p] > out->parts[out->largest])
            out->largest = (enum breakdown_part)p;
    return 1;
}

/* The median of a per-run figure, over the runs. */
static double median_of_runs(const breakdown_run *runs, size_t nruns,
                             double (*figure)(const breakdown_run *))
{
    double values[256];
    size_t n = 0;
    for (size_t k = 0; k < nruns && n < 256; k++)
        values[n++] = figure(&runs[k]);
    return n > 0 ? stats_median_sort(values, n) : 0;
}

static double server_cores(const breakdown_run *r)
{
    double cpu = 0;
    for (size_t i = 0; i < r->nservers; i++)
        cpu += r->servers[i].cpu_s;
    return share(cpu / r->window_s, (double)r->nservers);
}

static double server_wait_share(const breakdown_run *r)
{
    double wait = 0, cpu = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        wait += r->servers[i].runqueue_wait_s;
        cpu += r->servers[i].cpu_s;
    }
    return share(wait, wait + cpu);
}

static double server_throttled(const breakdown_run *r)
{
    double held = 0;
    for (size_t i = 0; i < r->nservers; i++)
        held += r->servers[i].has_throttling ? fmin(1, r->servers[i].throttled_s / r->window_s) : 0;
    return share(held, (double)r->nservers);
}

static double wrk_wait_share(const breakdown_run *r)
{
    return share(r->wrk_runqueue_wait_s, r->wrk_runqueue_wait_s + r->wrk_cpu_s);
}

/* The shared service's figures of the runs that measured it, into *values (n of them). */
static size_t service_figures(const breakdown_run *runs, size_t nruns, int throttling,
                              double *values)
{
    size_t n = 0;
    for (size_t k = 0; k < nruns && n < 256; k++) {
        const breakdown_run *r = &runs[k];
        if (!r->has_service)
            continue;
        values[n++] =
            throttling
                ? (r->service_has_throttling ? fmin(1, r->service_throttled_s / r->window_s) : 0)
                : r->service_cpu_s / r->window_s;
    }
    return n;
}

static double service_median(const breakdown_run *runs, size_t nruns, int throttling)
{
    double values[256];
    size_t n = service_figures(runs, nruns, throttling, values);
    return n > 0 ? stats_median_sort(values, n) : 0;
}

static int any_service(const breakdown_run *runs, size_t nruns)
{
    for (size_t k = 0; k < nruns; k++)
        if (runs[k].has_service)
            return 1;
    return 0;
}

breakdown_reference breakdown_reference_of(const breakdown_run *runs, size_t nruns)
{
    if (nruns == 0)
        return (breakdown_reference){0};
    return (breakdown_reference){1,
                                 median_of_runs(runs, nruns, server_cores),
                                 median_of_runs(runs, nruns, server_wait_share),
                                 median_of_runs(runs, nruns, server_throttled),
                                 median_of_runs(runs, nruns, wrk_wait_share),
                                 any_service(runs, nruns),
                                 service_median(runs, nruns, 0),
                                 service_median(runs, nruns, 1)};
}

double breakdown_service_capacity(const breakdown_run *runs, size_t nruns, double measured,
                                  double cap)
{
    return capacity_at(measured, service_median(runs, nruns, 0), cap);
}
