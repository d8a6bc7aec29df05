/*
 * run.c - the harness's main job: scenario -> deploy -> load -> samples ->
 * summary, for each target in turn. Repetitions are interleaved: each round
 * measures every server count once, in a shuffled order. Every measurement
 * is deployed from scratch, so that one step's state (caches, connections,
 * a struggling server) never leaks into the next, and torn down whatever
 * happens. A target that fails (a server dies, wrk fails) is recorded as
 * failed, with none of its figures analysed, and the others are still
 * measured: someone comparing stacks wants the ones that ran.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "analysis_json.h"
#include "breakdown_json.h"
#include "gain.h"
#include "deploy.h"
#include "front.h"
#include "front_summary.h"
#include "load.h"
#include "load_runner.h"
#include "proc.h"
#include "rng.h"
#include "service_run.h"
#include "run.h"
#include "stats.h"
#include "step_figures.h"
#include "step_flags.h"
#include "step_resources.h"
#include "testbed_own.h"

typedef struct progress {
    int enabled;
    time_t started;
    double total_s; /* the estimate for the whole run */
    double done_s;  /* the estimate for what is behind us */
} progress;

static void show(const progress *p, const char *target, size_t m, size_t targets, unsigned servers,
                 unsigned round, unsigned rounds)
{
    if (!p->enabled)
        return;
    double elapsed = difftime(time(NULL), p->started);
    double left = p->total_s - p->done_s;
    fprintf(stderr, "\r\033[K[%zu/%zu %s] round %u/%u, %u server%s - %.0fs elapsed, ~%.0fs left", m,
            targets, target, round, rounds, servers, servers == 1 ? "" : "s", elapsed,
            left > 0 ? left : 0);
    fflush(stderr);
}

static double median_of(json_t *runs, const char *group, const char *key)
{
    double values[256];
    size_t n = 0;
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        json_t *holder = group != NULL ? json_object_get(run, group) : run;
        if (n < 256)
            values[n++] = json_number_value(json_object_get(holder, key));
    }
    return n != 0 ? stats_summarize(values, n).median : 0;
}

static double sum_of(json_t *runs, const char *key)
{
    double total = 0;
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run) total += json_number_value(json_object_get(run, key));
    return total;
}

/* The step's figures other than throughput, which the analysis summarises. */
static json_t *summarize(json_t *runs)
{
    double errors = 0;
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        json_t *e = json_object_get(run, "errors");
        errors += json_number_value(json_object_get(e, "connect")) +
                  json_number_value(json_object_get(e, "read")) +
                  json_number_value(json_object_get(e, "write")) +
                  json_number_value(json_object_get(e, "timeout"));
    }
    return json_pack("{s:{s:f, s:f, s:f}, s:f, s:f, s:f, s:f}", "latency_ms", "p50",
                     median_of(runs, "latency_us", "p50") / 1000, "p99",
                     median_of(runs, "latency_us", "p99") / 1000, "p99_9",
                     median_of(runs, "latency_us", "p99_9") / 1000, "requests",
                     sum_of(runs, "requests"), "errors", errors, "non2xx", sum_of(runs, "non2xx"),
                     "failed_checks", sum_of(runs, "failed_checks"));
}

/* A number query parameter of the route ("ms" in "/sleep?ms=20"), or -1. */
static double route_param(const char *route, const char *name)
{
    char key[32];
    snprintf(key, sizeof(key), "%s=", name);
    const char *query = strchr(route, '?');
    for (const char *p = query; p != NULL; p = strchr(p + 1, '&')) {
        if (strncmp(p + 1, key, strlen(key)) == 0)
            return atof(p + 1 + strlen(key));
    }
    return -1;
}

/* /contention's lock hold time in microseconds, or -1 for other routes and for commands. */
static double contention_hold_us(const scenario *sc, const scenario_target *t)
{
    return t->kind == SCENARIO_TARGET_APP && strncmp(sc->route, "/contention", 11) == 0
               ? route_param(sc->route, "us")
               : -1;
}

/*
 * A twice-app waiting route's time per request in *service_s (its wait and its lock's hold; 0
 * for other routes and commands), and in *holds the requests one server of the target can
 * serve at once: a process worker one, a thread worker its threads (0: no limit, coroutines).
 */
static void waiting_route(const scenario *sc, const scenario_target *t, double *service_s,
                          double *holds)
{
    int app = t->kind == SCENARIO_TARGET_APP;
    double wait_ms = app ? route_param(sc->route, "ms") : -1;
    double hold_us = contention_hold_us(sc, t);
    *service_s = wait_ms > 0 ? (wait_ms + fmax(hold_us, 0) / 1000) / 1000 : 0;
    *holds = 0;
    if (app && strcmp(t->model, "process") == 0)
        *holds = t->workers;
    else if (app && strcmp(t->model, "thread") == 0)
        *holds = (double)t->workers * t->threads;
}

/*
 * The best a step could do, so that its figure reads against a limit. For twice-app's waiting
 * routes, Little's law: requests in flight / time each one takes, where what can be in flight
 * is the connections, or fewer when the model holds fewer (waiting_route). For /contention,
 * the serial section: 1 / hold time, whatever the servers. Unknown for other routes and for
 * commands, whose routes twice does not know the meaning of: null.
 */
static json_t *bounds(const scenario *sc, const scenario_target *t, unsigned n,
                      unsigned connections)
{
    json_t *out = json_object();
    double service_s, holds;
    waiting_route(sc, t, &service_s, &holds);
    double hold_us = contention_hold_us(sc, t);
    if (service_s > 0) {
        double in_flight = holds > 0 ? fmin(connections, n * holds) : connections;
        json_object_set_new(out, "littles_law", json_real(in_flight / service_s));
    }
    if (hold_us > 0)
        json_object_set_new(out, "serial", json_real(1e6 / hold_us));
    return out;
}

/* What a step gathers over the rounds, until its target is analysed. */
typedef struct step_state {
    unsigned servers;
    json_t *step; /* its object in the report (borrowed) */
    double throughputs[SCENARIO_MAX_REPETITIONS];
    size_t nruns;
    unsigned connections, threads;
    unsigned servers_here, threads_here; /* of the servers and wrk threads, those on this machine */
    size_t clients; /* load clients: above one, each is flagged by name when saturated */
    int hosts_emulated; /* its hosts are a test bed's on this machine (placement's own cgroups) */
    int caps_applied;
    double front_cores;   /* what its balancer takes on this machine (0: none, or elsewhere) */
    json_t *losses;       /* flags for workers lost in any round (owned) */
    step_figures figures; /* the runs' measured windows, once every round ran (owned) */
    int valid;
} step_state;

/* Where the run is: the target, the services every step shares, and for the progress line,
 * how far. */
typedef struct position {
    const scenario_target *target;
    size_t m, targets;
    unsigned round, rounds;
    const service_run *services;
} position;

/* Where the servers go (the deployer the inventory picked and what it keeps for the run),
 * where the load comes from (the client hosts, opened for the run), and the cgroups on this
 * machine that hold the inventory's hosts (a test bed's, testbed_own.h). */
typedef struct placement {
    const deployer *deployer;
    deploy_hosts *hosts;
    load_host *clients;
    size_t nclients;
    char **own_cgroups;
    size_t nown_cgroups;
} placement;

/* The measured load: what the servers used over a window of it (resources; NULL when it could
 * not be measured, unmeasured saying why), with the front's view of it (runs[k].front) when it
 * has one. */
static int measure_load(const deployment *d, const load_spec *load, const placement *pl,
                        const service_run *services, front_run *fr, load_result *result,
                        json_t **resources, char *unmeasured, size_t ulen, char *err, size_t errlen)
{
    step_helpers helpers = {fr->group, (const char *const *)pl->own_cgroups, pl->nown_cgroups};
    if (fr->ops->mark(fr, err, errlen) != 0 ||
        step_resources_measure(d, load, &helpers, services, result, resources, unmeasured, ulen,
                               err, errlen) != 0)
        return -1;
    json_t *seen = fr->ops->collect(fr, err, errlen);
    if (seen == NULL && *err != '\0') {
        load_result_free(result);
        json_decref(*resources);
        return -1;
    }
    if (seen != NULL)
        json_object_set_new(result->raw, "front", seen);
    return 0;
}

/* Each server's host, and whether its CPU cap applied there when the deployer says. */
static json_t *hosts_json(const deployment *d)
{
    json_t *hosts = json_array();
    for (unsigned i = 0; i < d->n; i++) {
        json_t *host = json_pack("{s:s}", "host", d->hosts[i]);
        if (d->cap_notes[i][0] != '\0')
            json_object_set_new(host, "cpu_cap", json_string(d->cap_notes[i]));
        json_array_append_new(hosts, host);
    }
    return hosts;
}

/* One measurement of a step: n servers deployed behind the front, warmed up, measured once,
 * torn down (the front first, so that it never sees a server go). */
static int measure_once(const scenario *sc, const run_options *opt, const placement *pl,
                        step_state *st, const position *at, progress *p, char *err, size_t errlen)
{
    deployment d;
    unsigned n = st->servers;
    deploy_spec spec = {.sc = sc,
                        .target = at->target,
                        .app_path = opt->app_path,
                        .n = n,
                        .allow_uncapped = opt->allow_uncapped,
                        .shared_port = sc->front->servers_share_port,
                        .hosts = pl->hosts,
                        .db = service_run_address(at->services)};
    if (pl->deployer->start(&d, &spec, err, errlen) != 0)
        return -1;
    front_run fr;
    front_spec where = {.addresses = d.hosts,
                        .ports = d.ports,
                        .n = n,
                        .balance = sc->balance,
                        .inv = opt->inventory};
    if (sc->front->start(&fr, &where, err, errlen) != 0) {
        pl->deployer->stop(&d);
        return -1;
    }
    int spreads = sc->front->load_spreads;
    st->front_cores = front_local_cores(sc->front, opt->inventory);
    st->servers_here = d.remote ? 0 : n;
    st->hosts_emulated = pl->nown_cgroups > 0;
    double reserved = (d.caps_applied ? sc->cpu_cap * st->servers_here : 0) + st->front_cores +
                      service_run_cap(at->services);
    load_spec load = {.route = sc->route,
                      .check = sc->check,
                      .addresses = spreads              ? d.hosts
                                   : fr.address != NULL ? &fr.address
                                                        : NULL,
                      .ports = fr.ports,
                      .nports = fr.nports,
                      .shared_port = !spreads,
                      .connections = sc->connections_per_server * n,
                      .threads = load_threads(sc->connections_per_server * n, n, spreads, reserved),
                      .duration_s = sc->warmup_s,
                      .clients = pl->clients,
                      .nclients = pl->nclients};
    /* Every client runs one thread at least. */
    if (load.threads < load.nclients)
        load.threads = (unsigned)load.nclients;
    st->connections = load.connections;
    st->threads = load.threads;
    st->threads_here = load_threads_here(&load);
    st->clients = load.nclients;
    st->caps_applied = d.caps_applied;
    json_object_set_new(st->step, "connections", json_integer(load.connections));
    json_object_set_new(st->step, "wrk_threads", json_integer(load.threads));
    json_object_set_new(st->step, "caps_applied", json_boolean(d.caps_applied));
    json_object_set_new(st->step, "hosts", hosts_json(&d));
    show(p, at->target->label, at->m, at->targets, n, at->round, at->rounds);
    int rc = 0;
    if (sc->warmup_s > 0) {
        load_result warm;
        if ((rc = load_run(&load, &warm, err, errlen)) == 0)
            load_result_free(&warm);
        p->done_s += sc->warmup_s;
    }
    load.duration_s = sc->duration_s;
    load_result result;
    json_t *resources;
    char unmeasured[512];
    if (rc == 0 && (rc = measure_load(&d, &load, pl, at->services, &fr, &result, &resources,
                                      unmeasured, sizeof(unmeasured), err, errlen)) == 0) {
        st->throughputs[st->nruns++] = result.throughput;
        json_t *raw = json_incref(result.raw);
        json_object_set_new(raw, "throughput", json_real(result.throughput));
        json_object_set_new(raw, "round", json_integer(at->round));
        if (resources != NULL)
            json_object_set_new(raw, "resources", resources);
        else
            fprintf(stderr, "\r\033[Ktwice: round %u, %u server%s: resources not measured: %s\n",
                    at->round, n, n == 1 ? "" : "s", unmeasured);
        const char *cpu_note = json_string_value(json_object_get(raw, "wrk_cpu_note"));
        if (cpu_note != NULL)
            fprintf(stderr, "\r\033[Ktwice: round %u, %u server%s: %s\n", at->round, n,
                    n == 1 ? "" : "s", cpu_note);
        json_array_append_new(json_object_get(st->step, "runs"), raw);
        load_result_free(&result);
        /* A server that died mid-run makes the numbers meaningless: say so, stop. */
        rc = pl->deployer->check(&d, err, errlen);
    } else if (rc != 0 && !proc_interrupted) {
        /* The load failing is often a server gone (its connections refused): that is the
         * cause to name, when it is. */
        char died[1024];
        if (pl->deployer->check(&d, died, sizeof(died)) != 0)
            snprintf(err, errlen, "%s", died);
    }
    p->done_s += sc->duration_s + 1;
    sc->front->stop(&fr);
    pl->deployer->stop(&d);
    /* A server that lost a worker served part of the step short-handed. */
    for (unsigned i = 0; i < n && rc == 0; i++) {
        if (d.lost_workers[i] != 0)
            json_array_append_new(
                st->losses, json_sprintf("round %u: server %u of %u lost %u worker%s (last: %s)",
                                         at->round, i + 1, n, d.lost_workers[i],
                                         d.lost_workers[i] == 1 ? "" : "s", d.last_loss[i]));
    }
    return rc;
}

/* The step's summary, once every round measured it: its figures, its resources, its flags
 * (step_flags.h), its bounds, the shared service's capacity under its cap (service_cap cores)
 * among them. */
static void summarize_step(const scenario *sc, const scenario_target *t, double service_cap,
                           step_state *st)
{
    json_t *runs = json_object_get(st->step, "runs");
    json_t *summary = summarize(runs);
    double wrk_busy[SCENARIO_MAX_REPETITIONS];
    for (size_t i = 0; i < st->nruns; i++)
        wrk_busy[i] = json_number_value(json_object_get(json_array_get(runs, i), "wrk_cpu"));
    /* Without memory for the figures, the step has none: its flags and breakdown say so. */
    if (step_figures_read(runs, st->threads, &st->figures) != 0)
        fprintf(stderr, "twice: out of memory reading the resources of %u servers\n", st->servers);
    step_flags_input checks = {.throughputs = st->throughputs,
                               .wrk_busy = wrk_busy,
                               .n = st->nruns,
                               .servers = st->servers,
                               .threads = st->threads,
                               .servers_here = st->servers_here,
                               .threads_here = st->threads_here,
                               .cpu_cap = sc->cpu_cap,
                               .capped = st->caps_applied,
                               .cores = sysconf(_SC_NPROCESSORS_ONLN),
                               .front_cores = st->front_cores,
                               .front_name = sc->front->name,
                               .service_cap = service_cap,
                               .clients = st->clients,
                               .hosts_emulated = st->hosts_emulated,
                               .windows = st->figures.runs,
                               .nwindows = st->figures.nruns};
    json_t *flags = step_flags(&checks), *flag;
    int disturbed = 0;
    size_t i;
    json_array_foreach(flags, i, flag) disturbed |= step_flag_is_disturbed(json_string_value(flag));
    if (st->clients > 1)
        load_saturation_flags(runs, STEP_SATURATED_WRK, flags);
    json_array_extend(flags, st->losses);
    front_flags(runs, flags);
    st->valid = json_array_size(flags) == 0;
    json_t *resources = step_resources_summary(runs);
    if (resources != NULL)
        json_object_set_new(summary, "resources", resources);
    json_object_set_new(summary, "disturbed", json_boolean(disturbed));
    json_object_set_new(summary, "valid", json_boolean(st->valid));
    json_t *limits = bounds(sc, t, st->servers, st->connections);
    double service = breakdown_service_capacity(
        st->figures.runs, st->figures.nruns,
        st->nruns > 0 ? stats_summarize(st->throughputs, st->nruns).median : 0, service_cap);
    if (service > 0)
        json_object_set_new(limits, "service", json_real(service));
    json_object_set_new(summary, "bounds", limits);
    json_object_set_new(summary, "flags", flags);
    json_object_set_new(summary, "front", front_summary(sc->front, sc->balance, runs));
    json_object_set_new(st->step, "summary", summary);
}

/*
 * Where each step's lost efficiency went (breakdown.h), or where a super-linear step's gain
 * came from (gain.h): against X(1) of the first step, when that step is valid, and its
 * measured windows as the reference; and the verdict read against the largest step's loss.
 */
static void explain_losses(const scenario *sc, const scenario_target *t, double service_cap,
                           const step_state *states, json_t *analysis)
{
    const step_state *first = &states[0];
    breakdown_input in = {.service_cap = service_cap,
                          .x1 = first->valid
                                    ? stats_summarize(first->throughputs, first->nruns).median /
                                          first->servers
                                    : 0,
                          .ref = breakdown_reference_of(first->figures.runs, first->figures.nruns)};
    waiting_route(sc, t, &in.service_s, &in.holds);
    for (size_t s = 0; s < sc->nservers; s++) {
        const step_state *st = &states[s];
        breakdown b;
        in.servers = st->servers;
        in.measured = stats_summarize(st->throughputs, st->nruns).median;
        in.runs = st->figures.runs;
        in.nruns = st->figures.nruns;
        int lost = breakdown_compute(&in, &b);
        json_t *summary = json_object_get(st->step, "summary");
        json_object_set_new(summary, "breakdown", breakdown_json(lost ? &b : NULL));
        gain g;
        /* Servers here, or a test bed's hosts, share this machine's kernel. */
        int one_kernel = st->servers_here > 0 || st->hosts_emulated;
        json_object_set_new(summary, "gain",
                            gain_compute(&in, one_kernel, &g) ? gain_json(&g) : json_null());
        /* The verdict names what limits the system at the largest step. */
        if (lost && s + 1 == sc->nservers)
            breakdown_json_qualify(analysis, st->servers, &b);
    }
}

/* The model's steps analysed (analyze.h), and the figures written into its JSON. */
static int analyze_model(const scenario *sc, const step_state *states, uint64_t seed, json_t *model,
                         char *err, size_t errlen)
{
    analysis_input in[ANALYSIS_MAX_STEPS];
    for (size_t s = 0; s < sc->nservers; s++)
        in[s] = (analysis_input){states[s].servers, states[s].throughputs, states[s].nruns,
                                 states[s].valid};
    analysis a;
    analysis_options options = {seed, sc->predict, sc->npredict, sc->repetitions};
    if (analysis_run(in, sc->nservers, &options, &a, err, errlen) != 0)
        return -1;
    analysis_json_steps(&a, json_object_get(model, "steps"));
    json_object_set_new(model, "analysis", analysis_json(&a));
    return 0;
}

/*
 * One target: in each round, every server count once, in an order shuffled afresh from order
 * (seeded), so that drift over the run (a machine warming up, another job starting) spreads
 * over every step instead of masquerading as a scaling trend.
 */
static int run_model(const scenario *sc, const run_options *opt, const placement *pl, position *at,
                     rng *order, json_t *model, progress *p, char *err, size_t errlen)
{
    step_state states[SCENARIO_MAX_STEPS];
    json_t *steps = json_object_get(model, "steps");
    for (size_t s = 0; s < sc->nservers; s++) {
        states[s] = (step_state){.servers = sc->servers[s], .losses = json_array()};
        states[s].step = json_pack("{s:I, s:[]}", "servers", (json_int_t)sc->servers[s], "runs");
        json_array_append_new(steps, states[s].step);
    }
    int rc = 0;
    for (unsigned r = 0; r < sc->repetitions && rc == 0; r++) {
        size_t shuffled[SCENARIO_MAX_STEPS];
        rng_permutation(order, shuffled, sc->nservers);
        at->round = r + 1;
        for (size_t k = 0; k < sc->nservers && rc == 0; k++)
            rc = measure_once(sc, opt, pl, &states[shuffled[k]], at, p, err, errlen);
    }
    double service_cap = service_run_cap(at->services);
    for (size_t s = 0; s < sc->nservers && rc == 0; s++)
        summarize_step(sc, at->target, service_cap, &states[s]);
    /* The bootstrap's seed continues the run's sequence: the report's seed gives it too. */
    if (rc == 0)
        rc = analyze_model(sc, states, rng_next(order), model, err, errlen);
    if (rc == 0)
        explain_losses(sc, at->target, service_cap, states, json_object_get(model, "analysis"));
    for (size_t s = 0; s < sc->nservers; s++) {
        json_decref(states[s].losses);
        step_figures_free(&states[s].figures);
    }
    return rc;
}

/* A seed nobody chose: from the kernel, cut to what JSON readers hold exactly. */
static uint64_t random_seed(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
        seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    return seed & SCENARIO_MAX_SEED;
}

/* The target as the report records it beside its label: what was deployed. */
static json_t *target_json(const scenario_target *t)
{
    if (t->kind == SCENARIO_TARGET_APP)
        return json_pack("{s:s, s:s, s:I, s:I}", "kind", "twice-app", "model", t->model, "workers",
                         (json_int_t)t->workers, "threads", (json_int_t)t->threads);
    json_t *out = json_pack("{s:s, s:s}", "kind", "command", "command", t->command);
    if (t->cwd != NULL)
        json_object_set_new(out, "cwd", json_string(t->cwd));
    return out;
}

/* Each host of a list as the inventory wrote it. */
static json_t *destinations(const inventory_host *hosts, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_string(hosts[i].destination));
    return list;
}

/* The inventory the run was given, for the report: where its hosts were. */
static json_t *inventory_json(const inventory *inv)
{
    return json_pack("{s:s, s:o, s:o, s:s}", "file", inv->path, "servers",
                     destinations(inv->servers, inv->nservers), "clients",
                     destinations(inv->clients, inv->nclients), "balancer",
                     inv->balancer != NULL ? inv->balancer->destination : "local");
}

/* Appends label to the list of the run's failed targets. */
static void add_failure(char *failures, size_t len, const char *label)
{
    size_t used = strlen(failures);
    snprintf(failures + used, len - used, "%s%s", used != 0 ? ", " : "", label);
}

int run_scenario(const scenario *sc, const run_options *options, json_t *report, char *err,
                 size_t errlen)
{
    progress p = {.enabled = options->progress, .started = time(NULL)};
    p.total_s = (double)sc->ntargets * (double)sc->nservers * sc->repetitions *
                (sc->warmup_s + sc->duration_s + 1);
    uint64_t seed = sc->has_seed ? sc->seed : random_seed();
    if (!sc->has_seed)
        fprintf(stderr,
                "twice: the order of each round is shuffled with seed %llu (\"seed\": %llu in "
                "the scenario repeats it)\n",
                (unsigned long long)seed, (unsigned long long)seed);
    json_object_set_new(report, "statistics", analysis_json_statistics(seed));
    if (options->inventory != NULL)
        json_object_set_new(report, "inventory", inventory_json(options->inventory));
    rng order;
    rng_seed(&order, seed);
    json_t *results = json_object_get(report, "models");
    /* Room for a server's message with the last lines of its stderr (proc.h). */
    char failures[1024] = "", why[PROC_NOTE_BYTES + 2048] = "interrupted";
    size_t failed = 0;
    /* The services first, once: a database that cannot start fails the run before anything is
     * measured. */
    service_run services;
    int started = service_run_start(&services, &sc->services.postgres, options->inventory,
                                    options->allow_uncapped, why, sizeof(why)) == 0;
    json_t *services_json = service_run_json(&services, &sc->services.postgres);
    if (services_json != NULL)
        json_object_set_new(report, "services", services_json);
    /* Every host reached and checked before anything is measured. */
    placement pl = {.deployer = deployer_for(options->inventory, why, sizeof(why))};
    pl.own_cgroups = testbed_own_cgroups(
        options->inventory != NULL ? options->inventory->path : NULL, &pl.nown_cgroups);
    int opened = started && pl.deployer != NULL &&
                 pl.deployer->open(&pl.hosts, options->inventory, sc, options->app_path, why,
                                   sizeof(why)) == 0;
    if (opened &&
        load_hosts_open(&pl.clients, &pl.nclients, options->inventory, why, sizeof(why)) != 0) {
        pl.deployer->close(pl.hosts);
        opened = 0;
    }
    for (size_t m = 0; opened && m < sc->ntargets && !proc_interrupted; m++) {
        const scenario_target *t = &sc->targets[m];
        json_t *model =
            json_pack("{s:s, s:o, s:[]}", "model", t->label, "target", target_json(t), "steps");
        json_array_append_new(results, model);
        position at = {t, m + 1, sc->ntargets, 0, sc->repetitions, &services};
        if (run_model(sc, options, &pl, &at, &order, model, &p, why, sizeof(why)) == 0 ||
            proc_interrupted)
            continue;
        /* Its steps keep their raw runs, but nothing is summarised or analysed from them. */
        json_object_set_new(model, "analysis", analysis_json_failed(why));
        add_failure(failures, sizeof(failures), t->label);
        failed++;
        if (p.enabled)
            fprintf(stderr, "\r\033[K");
        fprintf(stderr, "twice: target \"%s\" failed: %s\n", t->label, why);
    }
    if (opened) {
        load_hosts_close(pl.clients, pl.nclients);
        pl.deployer->close(pl.hosts);
    }
    testbed_own_free(pl.own_cgroups);
    service_run_stop(&services);
    int rc = !opened || proc_interrupted || failed != 0 ? -1 : 0;
    if (!opened || proc_interrupted)
        snprintf(err, errlen, "%s", why);
    else if (failed != 0)
        snprintf(err, errlen,
                 "%zu of %zu targets failed: %s (each one's analysis in the report says why)",
                 failed, sc->ntargets, failures);
    if (p.enabled)
        fprintf(stderr, "\r\033[K");
    json_object_set_new(report, "status",
                        json_string(rc == 0            ? "complete"
                                    : proc_interrupted ? "interrupted"
                                                       : "failed"));
    if (rc != 0)
        json_object_set_new(report, "error", json_string(err));
    char finished[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(finished, sizeof(finished), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(report, "finished_at", json_string(finished));
    return rc;
}
