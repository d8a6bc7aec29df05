/*
 * run.c - the harness's main job: scenario -> deploy -> load -> samples ->
 * summary. Repetitions are interleaved: each round measures every server
 * count once, in a shuffled order. Every measurement is deployed from
 * scratch, so that one step's state (caches, connections, a struggling
 * server) never leaks into the next, and torn down whatever happens.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "analysis_json.h"
#include "deploy.h"
#include "load.h"
#include "proc.h"
#include "rng.h"
#include "run.h"
#include "stats.h"

typedef struct progress {
    int enabled;
    time_t started;
    double total_s; /* the estimate for the whole run */
    double done_s;  /* the estimate for what is behind us */
} progress;

static void show(const progress *p, const char *model, size_t m, size_t models, unsigned servers,
                 unsigned round, unsigned rounds)
{
    if (!p->enabled)
        return;
    double elapsed = difftime(time(NULL), p->started);
    double left = p->total_s - p->done_s;
    fprintf(stderr, "\r\033[K[%zu/%zu %s] round %u/%u, %u server%s - %.0fs elapsed, ~%.0fs left", m,
            models, model, round, rounds, servers, servers == 1 ? "" : "s", elapsed,
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

#define NOISY_CV 0.10      /* repetitions further apart than this are not one measurement */
#define SATURATED_CPU 0.90 /* wrk busier than this measures itself, not the servers */

/* What makes a step's figure not a result, as strings for the report and the table. */
static json_t *validity_flags(const scenario *sc, json_t *runs, const double *throughputs, size_t n,
                              unsigned servers, unsigned threads, int capped)
{
    json_t *flags = json_array();
    double mean = 0, var = 0, busiest = 0;
    for (size_t i = 0; i < n; i++)
        mean += throughputs[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        var += (throughputs[i] - mean) * (throughputs[i] - mean) / (double)(n > 1 ? n - 1 : 1);
    json_t *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        double cpu = json_number_value(json_object_get(run, "wrk_cpu"));
        busiest = cpu > busiest ? cpu : busiest;
    }
    if (busiest > SATURATED_CPU)
        json_array_append_new(flags, json_sprintf("load generator saturated: wrk used %.0f%% of "
                                                  "its %u threads",
                                                  busiest * 100, threads));
    if (n > 1 && mean > 0 && sqrt(var) / mean > NOISY_CV)
        json_array_append_new(flags, json_sprintf("repetitions too noisy: coefficient of "
                                                  "variation %.2f > %.2f",
                                                  sqrt(var) / mean, NOISY_CV));
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (capped && sc->cpu_cap * servers + threads > (double)cores + 1e-9)
        json_array_append_new(flags, json_sprintf("CPU caps (%g x %u) and the load generator "
                                                  "(%u threads) need more than the %ld cores",
                                                  sc->cpu_cap, servers, threads, cores));
    return flags;
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

/*
 * The best a step could do, so that its figure reads against a limit. For twice-app's waiting
 * routes, Little's law: requests in flight / time each one takes, where what can be in flight
 * is the connections, or fewer when the model holds fewer (a process worker one request, a
 * thread worker its threads). For /contention, the serial section: 1 / hold time, whatever
 * the servers. Unknown for other routes and commands: null.
 */
static json_t *bounds(const scenario *sc, const char *model, unsigned n, unsigned connections)
{
    json_t *out = json_object();
    double wait_ms = sc->app != NULL ? route_param(sc->route, "ms") : -1;
    double hold_us = sc->app != NULL && strncmp(sc->route, "/contention", 11) == 0
                         ? route_param(sc->route, "us")
                         : -1;
    if (wait_ms > 0) {
        double in_flight = connections;
        if (strcmp(model, "process") == 0)
            in_flight = fmin(in_flight, (double)n * sc->workers);
        else if (strcmp(model, "thread") == 0)
            in_flight = fmin(in_flight, (double)n * sc->workers * sc->threads);
        double service_s = (wait_ms + fmax(hold_us, 0) / 1000) / 1000;
        json_object_set_new(out, "littles_law", json_real(in_flight / service_s));
    }
    if (hold_us > 0)
        json_object_set_new(out, "serial", json_real(1e6 / hold_us));
    return out;
}

/* What a step gathers over the rounds, until its model is analysed. */
typedef struct step_state {
    unsigned servers;
    json_t *step; /* its object in the report (borrowed) */
    double throughputs[SCENARIO_MAX_REPETITIONS];
    size_t nruns;
    unsigned connections, threads;
    int caps_applied;
    json_t *losses; /* flags for workers lost in any round (owned) */
    int valid;
} step_state;

/* Where the run is, for the progress line. */
typedef struct position {
    const char *model;
    size_t m, models;
    unsigned round, rounds;
} position;

/* Where the servers go: the deployer the inventory picked and what it keeps for the run. */
typedef struct placement {
    const deployer *deployer;
    deploy_hosts *hosts;
} placement;

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

/* One measurement of a step: n servers deployed, warmed up, measured once, torn down. */
static int measure_once(const scenario *sc, const run_options *opt, const placement *pl,
                        step_state *st, const position *at, progress *p, char *err, size_t errlen)
{
    deployment d;
    unsigned n = st->servers;
    deploy_spec spec = {
        sc, sc->app != NULL ? at->model : NULL, opt->app_path, n, opt->allow_uncapped, pl->hosts};
    if (pl->deployer->start(&d, &spec, err, errlen) != 0)
        return -1;
    int direct = sc->front == SCENARIO_FRONT_DIRECT;
    load_spec load = {.route = sc->route,
                      .check = sc->check,
                      .ports = d.ports,
                      .hosts = d.hosts,
                      .nports = n,
                      .shared_port = !direct,
                      .connections = sc->connections_per_server * n,
                      .threads = load_threads(sc->connections_per_server * n, n, direct,
                                              d.caps_applied ? sc->cpu_cap * n : 0),
                      .duration_s = sc->warmup_s};
    st->connections = load.connections;
    st->threads = load.threads;
    st->caps_applied = d.caps_applied;
    json_object_set_new(st->step, "connections", json_integer(load.connections));
    json_object_set_new(st->step, "wrk_threads", json_integer(load.threads));
    json_object_set_new(st->step, "caps_applied", json_boolean(d.caps_applied));
    json_object_set_new(st->step, "hosts", hosts_json(&d));
    show(p, at->model, at->m, at->models, n, at->round, at->rounds);
    int rc = 0;
    if (sc->warmup_s > 0) {
        load_result warm;
        if ((rc = load_run(&load, &warm, err, errlen)) == 0)
            load_result_free(&warm);
        p->done_s += sc->warmup_s;
    }
    load.duration_s = sc->duration_s;
    load_result result;
    if (rc == 0 && (rc = load_run(&load, &result, err, errlen)) == 0) {
        st->throughputs[st->nruns++] = result.throughput;
        json_t *raw = json_incref(result.raw);
        json_object_set_new(raw, "throughput", json_real(result.throughput));
        json_object_set_new(raw, "round", json_integer(at->round));
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

/* The step's summary, once every round measured it: its figures, its flags, its bounds. */
static void summarize_step(const scenario *sc, const char *model, step_state *st)
{
    json_t *runs = json_object_get(st->step, "runs");
    json_t *summary = summarize(runs);
    json_t *flags = validity_flags(sc, runs, st->throughputs, st->nruns, st->servers, st->threads,
                                   st->caps_applied);
    json_array_extend(flags, st->losses);
    st->valid = json_array_size(flags) == 0;
    json_object_set_new(summary, "valid", json_boolean(st->valid));
    json_object_set_new(summary, "bounds", bounds(sc, model, st->servers, st->connections));
    json_object_set_new(summary, "flags", flags);
    json_object_set_new(st->step, "summary", summary);
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
    analysis_options options = {seed, sc->predict, sc->npredict};
    if (analysis_run(in, sc->nservers, &options, &a, err, errlen) != 0)
        return -1;
    analysis_json_steps(&a, json_object_get(model, "steps"));
    json_object_set_new(model, "analysis", analysis_json(&a));
    return 0;
}

/*
 * One model: in each round, every server count once, in an order shuffled afresh from order
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
    for (size_t s = 0; s < sc->nservers && rc == 0; s++)
        summarize_step(sc, at->model, &states[s]);
    /* The bootstrap's seed continues the run's sequence: the report's seed gives it too. */
    if (rc == 0)
        rc = analyze_model(sc, states, rng_next(order), model, err, errlen);
    for (size_t s = 0; s < sc->nservers; s++)
        json_decref(states[s].losses);
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

int run_scenario(const scenario *sc, const run_options *options, json_t *report, char *err,
                 size_t errlen)
{
    static const char *const external[] = {"external"};
    const char *const *models = sc->app != NULL ? (const char *const *)sc->models : external;
    size_t nmodels = sc->app != NULL ? sc->nmodels : 1;
    progress p = {.enabled = options->progress, .started = time(NULL)};
    p.total_s = (double)nmodels * (double)sc->nservers * sc->repetitions *
                (sc->warmup_s + sc->duration_s + 1);
    uint64_t seed = sc->has_seed ? sc->seed : random_seed();
    if (!sc->has_seed)
        fprintf(stderr,
                "twice: the order of each round is shuffled with seed %llu (\"seed\": %llu in "
                "the scenario repeats it)\n",
                (unsigned long long)seed, (unsigned long long)seed);
    json_object_set_new(report, "statistics", analysis_json_statistics(seed));
    rng order;
    rng_seed(&order, seed);
    json_t *results = json_object_get(report, "models");
    /* Every host reached and checked before anything is measured. */
    placement pl = {deployer_for(options->inventory, err, errlen), NULL};
    int rc = pl.deployer != NULL ? pl.deployer->open(&pl.hosts, options->inventory, sc,
                                                     options->app_path, err, errlen)
                                 : -1;
    int opened = rc == 0;
    for (size_t m = 0; m < nmodels && rc == 0; m++) {
        json_t *model = json_pack("{s:s, s:[]}", "model", models[m], "steps");
        json_array_append_new(results, model);
        position at = {models[m], m + 1, nmodels, 0, sc->repetitions};
        rc = run_model(sc, options, &pl, &at, &order, model, &p, err, errlen);
    }
    if (opened)
        pl.deployer->close(pl.hosts);
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
