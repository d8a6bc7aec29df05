/*
 * breakdown.c - see breakdown.h for how each part is estimated. Each run
 * gives its estimates and the sentence that names its figures; the step's
 * part is the mean over its runs, and its evidence the sentence of the run
 * that showed the most of it. A server's CPU below the reference's is split
 * once (shortfall_of) and each part takes its share of it, so that no CPU
 * is counted twice.
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

double breakdown_cpu_wait_s(const breakdown_server *s)
{
    return s->has_throttling ? fmax(0, s->runqueue_wait_s - s->throttled_s) : s->runqueue_wait_s;
}

/* The share of its CFS periods a server's cgroup throttled it in; -1: not counted. */
static double throttled_periods(const breakdown_server *s)
{
    return s->has_throttling && s->nr_periods > 0 ? (double)s->nr_throttled / s->nr_periods : -1;
}

/* What a core of server served at the reference (x1 / u_ref); 0: not known. */
static double per_core(const breakdown_input *in)
{
    return in->ref.known && in->ref.cpu_cores > 0 ? in->x1 / in->ref.cpu_cores : 0;
}

/* Where a server's CPU below the reference's went (breakdown.h), in cores: each part >= 0,
 * together the shortfall. */
typedef struct shortfall {
    double cores;    /* its CPU per second of window */
    size_t busiest;  /* the server of its run that used the most CPU */
    double waited;   /* runnable, waiting for a CPU */
    double held;     /* throttled by its cgroup */
    double underfed; /* idle while the busiest server was not */
    double unloaded; /* idle as the busiest server was */
} shortfall;

static shortfall shortfall_of(const breakdown_input *in, const breakdown_run *r, size_t i)
{
    const breakdown_server *s = &r->servers[i];
    shortfall f = {.cores = s->cpu_s / r->window_s};
    for (size_t j = 1; j < r->nservers; j++)
        if (r->servers[j].cpu_s > r->servers[f.busiest].cpu_s)
            f.busiest = j;
    double top = r->servers[f.busiest].cpu_s / r->window_s;
    double left = fmax(0, in->ref.cpu_cores - f.cores);
    f.waited = fmin(left, fmax(0, breakdown_cpu_wait_s(s) / r->window_s - in->ref.cpu_wait));
    left -= f.waited;
    double periods = throttled_periods(s);
    if (in->ref.throttled_periods > 0 && periods > 0)
        f.held = left * fmin(1, periods / in->ref.throttled_periods);
    left -= f.held;
    f.underfed = fmin(left, fmax(0, top - f.cores));
    f.unloaded = left - f.underfed;
    return f;
}

/* "N of M CFS periods" of a server, or what was not counted, into text. */
static void periods_text(const breakdown_server *s, char *text, size_t len)
{
    if (throttled_periods(s) < 0)
        snprintf(text, len, "no throttling counters");
    else
        snprintf(text, len, "throttled in %ld of %ld CFS periods", s->nr_throttled, s->nr_periods);
}

/* A server's requests per second of window, or "not counted", into text. */
static void requests_text(const breakdown_run *r, const breakdown_server *s, char *text, size_t len)
{
    if (s->requests < 0)
        snprintf(text, len, "requests not counted");
    else
        snprintf(text, len, "%.0f requests/s", (double)s->requests / r->window_s);
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

/* The requests per CPU-second of r's servers that held at least their fair share of the
 * connections; 0 when a count is missing or none did. */
static double even_rate(const breakdown_run *r, double fair)
{
    double requests = 0, cpu = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        if (s->connections < 0 || s->requests < 0)
            return 0;
        if ((double)s->connections >= fair) {
            requests += (double)s->requests;
            cpu += s->cpu_s;
        }
    }
    return share(requests, cpu);
}

/* What server s lost on the CPU it used to holding few connections (BREAKDOWN_FEW_CONNECTIONS
 * of its share): the requests per CPU-second it fell below those that held theirs (even), at
 * most what it fell below one server's rate. Requests/s; 0 when not counted. */
static double few_connections_loss(const breakdown_input *in, const breakdown_run *r,
                                   const breakdown_server *s, double fair, double even)
{
    if (s->connections < 0 || s->requests < 0 || !(s->cpu_s > 0) ||
        (double)s->connections > BREAKDOWN_FEW_CONNECTIONS * fair || !(even > 0))
        return 0;
    double cores = s->cpu_s / r->window_s, served = (double)s->requests / r->window_s;
    return fmax(0, fmin(cores * per_core(in) - served, cores * even - served));
}

/* The sentence for server i that idled while the busiest server of its run had more work. */
static void say_underfed(const breakdown_input *in, const breakdown_run *r, size_t i,
                         const shortfall *f, const char *held, estimate *e)
{
    const breakdown_server *top = &r->servers[f->busiest];
    char own[48], busiest[48], periods[64], top_held[48] = "";
    requests_text(r, &r->servers[i], own, sizeof(own));
    requests_text(r, top, busiest, sizeof(busiest));
    periods_text(top, periods, sizeof(periods));
    if (top->connections >= 0)
        snprintf(top_held, sizeof(top_held), ", %ld connections", top->connections);
    say(e,
        "round %u: server %zu %s and used %.3f cores against %.3f at one server (%s), while "
        "server %zu used %.3f (%s, %s%s): the front gave the work to a server that could not "
        "take more",
        r->round, i + 1, held, f->cores, in->ref.cpu_cores, own, f->busiest + 1,
        top->cpu_s / r->window_s, busiest, periods, top_held);
}

/*
 * CPU work: servers that idled while the busiest server of their run had more work than it,
 * and servers that held few connections against their share and, at the CPU they used, served
 * fewer requests per CPU-second than those that held theirs: a server at its cap with fewer
 * requests in hand at each turn spends more of its quota per request.
 */
static void front_cpu(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    double worst = -1, connections = 0;
    int counted = 1;
    for (size_t i = 0; i < r->nservers; i++) {
        counted &= r->servers[i].connections >= 0;
        connections += (double)r->servers[i].connections;
    }
    double fair = connections / (double)r->nservers, even = counted ? even_rate(r, fair) : 0;
    e->lost = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        shortfall f = shortfall_of(in, r, i);
        double idle = f.underfed * per_core(in);
        double few = few_connections_loss(in, r, s, fair, even);
        e->lost += idle + few;
        if (!(idle + few > worst) || idle + few <= 0)
            continue;
        worst = idle + few;
        char held[96] = "its connections not counted";
        if (counted)
            snprintf(held, sizeof(held), "held %ld of %.0f connections (fair share %.1f)",
                     s->connections, connections, fair);
        if (idle >= few)
            say_underfed(in, r, i, &f, held, e);
        else
            say(e,
                "round %u: server %zu %s and served %.0f requests per CPU-second at %.3f cores, "
                "against %.0f for the servers that held their share (%.0f at one server): with "
                "fewer requests in hand at each turn, each request cost it more CPU",
                r->round, i + 1, held, (double)s->requests / s->cpu_s, f.cores, even, per_core(in));
    }
    if (worst < 0)
        say(e,
            "round %u: no server idled while another had more work (each used as much CPU as "
            "the busiest, or one server alone: %.3f cores), nor served fewer requests per "
            "CPU-second for holding few connections against its share",
            r->round, in->ref.cpu_cores);
}

static void front_imbalance(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    if (in->service_s <= 0) {
        if (per_core(in) > 0)
            front_cpu(in, r, e);
        else
            say(e, "round %u: no CPU figure of one server alone to compare with: not estimated",
                r->round);
        return;
    }
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
    else
        front_waiting(in, r, connections, e);
}

static void throttling(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    double most = -1;
    e->lost = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        if (throttled_periods(s) < 0)
            continue;
        if (!(per_core(in) > 0)) {
            say(e, "round %u: no CPU figure of one server alone to compare with: not estimated",
                r->round);
            return;
        }
        shortfall f = shortfall_of(in, r, i);
        double loss = f.held * per_core(in);
        e->lost += loss;
        if (loss > most) {
            most = loss;
            say(e,
                "round %u: server %zu was throttled in %ld of %ld CFS periods (%.0f%%; %.0f%% at "
                "one server), %.3f s in all, and used %.3f cores against %.3f at one server",
                r->round, i + 1, s->nr_throttled, s->nr_periods, throttled_periods(s) * 100,
                in->ref.throttled_periods * 100, s->throttled_s, f.cores, in->ref.cpu_cores);
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

/* The requests/s no server had in hand on CPU work: the CPU every server left idle as the
 * busiest did (shortfall_of), at what a core served at one server. */
static double unloaded_loss(const breakdown_input *in, const breakdown_run *r)
{
    double unloaded = 0;
    for (size_t i = 0; in->service_s <= 0 && i < r->nservers; i++)
        unloaded += shortfall_of(in, r, i).unloaded;
    return unloaded * per_core(in);
}

/* What wrk's waiting for a CPU beyond its reference cost: ideal·(w − w_ref)·b. On CPU work it
 * slowed the load only where the servers idled for want of requests: at most that. */
static double wrk_starved(const breakdown_input *in, const breakdown_run *r)
{
    double waited = share(r->wrk_runqueue_wait_s, r->wrk_cpu_s + r->wrk_runqueue_wait_s);
    double busy = fmin(1, share(r->wrk_cpu_s, r->wrk_threads * r->window_s));
    double lost = in->servers * in->x1 * fmax(0, waited - in->ref.wrk_wait_share) * busy;
    return in->service_s <= 0 && per_core(in) > 0 ? fmin(lost, unloaded_loss(in, r)) : lost;
}

/* What one server's waiting for a CPU cost: its waited CPU on CPU work; on a waiting route, its
 * waiting share beyond the reference's of the part of a request that needs a CPU. */
static double server_starved(const breakdown_input *in, const breakdown_run *r, size_t i)
{
    const breakdown_server *s = &r->servers[i];
    if (in->service_s <= 0)
        return shortfall_of(in, r, i).waited * per_core(in);
    double wait = breakdown_cpu_wait_s(s);
    double waited = share(wait, s->cpu_s + wait);
    return in->x1 * fmax(0, waited - in->ref.wait_share) * cpu_part_of_request(in, r, s);
}

static void cpu_starvation(const breakdown_input *in, const breakdown_run *r, estimate *e)
{
    double servers_wait = 0, servers_run = 0, throttled = 0;
    e->lost = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        const breakdown_server *s = &r->servers[i];
        e->lost += server_starved(in, r, i);
        servers_wait += breakdown_cpu_wait_s(s);
        servers_run += s->cpu_s;
        throttled += s->has_throttling ? s->runqueue_wait_s - breakdown_cpu_wait_s(s) : 0;
    }
    double wrk_waited = share(r->wrk_runqueue_wait_s, r->wrk_cpu_s + r->wrk_runqueue_wait_s);
    e->lost += wrk_starved(in, r);
    char stalls[120] = "";
    if (throttled > 0)
        snprintf(stalls, sizeof(stalls),
                 " (their cgroups' %.3f s throttled, which the kernel counts as waiting, left "
                 "out)",
                 throttled);
    say(e,
        "round %u: the servers' threads waited %.3f s for a CPU%s and ran %.3f s (%.0f%% of "
        "their runnable time, %.0f%% at one server), wrk's %.0f%% (%.0f%%); processes twice did "
        "not start used %.2f of %u cores",
        r->round, servers_wait, stalls, servers_run,
        share(servers_wait, servers_run + servers_wait) * 100, in->ref.wait_share * 100,
        wrk_waited * 100, in->ref.wrk_wait_share * 100, r->foreign_cpu_s / r->window_s, r->cores);
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
    char open[96] = "its connections not counted", idle[200] = "";
    if (r->wrk_connections_open >= 0)
        snprintf(open, sizeof(open), "%ld of %u connections open", r->wrk_connections_open,
                 r->wrk_connections_asked);
    /* CPU work: the CPU no server had the requests to use, less what wrk's waits for a CPU
     * explain (cpu_starvation's). */
    double unloaded = unloaded_loss(in, r), starved = wrk_starved(in, r);
    if (unloaded > starved) {
        e->lost += unloaded - starved;
        snprintf(idle, sizeof(idle),
                 "; the servers left %.0f requests/s of the CPU one server alone used idle, the "
                 "busiest among them too (%.0f of them explained by wrk's waits for a CPU): the "
                 "load did not bring them the requests",
                 unloaded, starved);
    }
    say(e, "round %u: wrk used %.2f cores, %.0f%% of its %u threads (%.0f%% saturates it); %s%s",
        r->round, r->wrk_cpu_s / r->window_s, busy * 100, r->wrk_threads, BREAKDOWN_WRK_BUSY * 100,
        open, idle);
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

/* The requests r's servers served in its window, or -1 when one of them did not count. */
static double run_requests(const breakdown_run *r)
{
    double requests = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        if (r->servers[i].requests < 0)
            return -1;
        requests += (double)r->servers[i].requests;
    }
    return requests;
}

/* The servers' requests per CPU-second over the run, when each counted its requests and they
 * used CPU; 0 otherwise. */
static double run_requests_per_cpu_s(const breakdown_run *r)
{
    double requests = run_requests(r), cpu = 0;
    for (size_t i = 0; i < r->nservers; i++)
        cpu += r->servers[i].cpu_s;
    return requests >= 0 ? share(requests, cpu) : 0;
}

/* The machine's interrupt time per request the servers served in r: 0 when either is not
 * known. */
static double run_interrupt_per_request_s(const breakdown_run *r)
{
    return r->machine_interrupt_s >= 0 ? share(r->machine_interrupt_s, run_requests(r)) : 0;
}

/* The remainder, and what the servers' own count says of their cost per request. */
static void system_evidence(const breakdown_input *in, breakdown *out)
{
    char *text = out->evidence[BREAKDOWN_SYSTEM];
    size_t len = sizeof(out->evidence[BREAKDOWN_SYSTEM]);
    int used = snprintf(text, len, "the remainder: the system under test (sigma, kappa)");
    double sum = 0, cpu = 0;
    size_t counted = 0;
    for (size_t k = 0; k < in->nruns; k++) {
        double rate = run_requests_per_cpu_s(&in->runs[k]);
        if (rate > 0) {
            sum += rate;
            counted++;
            for (size_t i = 0; i < in->runs[k].nservers; i++)
                cpu += in->runs[k].servers[i].cpu_s / in->runs[k].window_s;
        }
    }
    if (counted == 0 || !(in->ref.requests_per_cpu_s > 0))
        return;
    double rate = sum / (double)counted, cores = cpu / (double)counted / in->servers;
    snprintf(text + used, len - (size_t)used,
             "; its servers served %.0f requests per CPU-second against %.0f at one server "
             "(%+.0f%% CPU per request), using %.3f cores each against %.3f",
             rate, in->ref.requests_per_cpu_s, (in->ref.requests_per_cpu_s / rate - 1) * 100, cores,
             in->ref.cpu_cores);
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
    system_evidence(in, out);
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

static double server_cpu_wait(const breakdown_run *r)
{
    double wait = 0;
    for (size_t i = 0; i < r->nservers; i++)
        wait += breakdown_cpu_wait_s(&r->servers[i]);
    return share(wait / r->window_s, (double)r->nservers);
}

static double server_wait_share(const breakdown_run *r)
{
    double wait = 0, cpu = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        wait += breakdown_cpu_wait_s(&r->servers[i]);
        cpu += r->servers[i].cpu_s;
    }
    return share(wait, wait + cpu);
}

static double server_throttled_periods(const breakdown_run *r)
{
    double held = 0;
    for (size_t i = 0; i < r->nservers; i++)
        held += fmax(0, throttled_periods(&r->servers[i]));
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
                                 median_of_runs(runs, nruns, server_cpu_wait),
                                 median_of_runs(runs, nruns, server_wait_share),
                                 median_of_runs(runs, nruns, server_throttled_periods),
                                 median_of_runs(runs, nruns, run_requests_per_cpu_s),
                                 median_of_runs(runs, nruns, wrk_wait_share),
                                 any_service(runs, nruns),
                                 service_median(runs, nruns, 0),
                                 service_median(runs, nruns, 1),
                                 median_of_runs(runs, nruns, run_interrupt_per_request_s)};
}

double breakdown_service_capacity(const breakdown_run *runs, size_t nruns, double measured,
                                  double cap)
{
    return capacity_at(measured, service_median(runs, nruns, 0), cap);
}
