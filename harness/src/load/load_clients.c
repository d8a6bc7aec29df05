/*
 * load_clients.c - the step's load from every client at once. Each client
 * host runs one wrk with its share of the step's connections and threads,
 * all started together for the same duration; their results are merged
 * exactly (load_merge.c) and each client's own figures are kept beside the
 * merged ones. One failing client fails the step, names itself, and takes
 * the other clients' wrks down with it: a step is measured whole or not at
 * all, and no wrk outlives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load_merge.h"
#include "load_runner.h"
#include "load_wrk.h"
#include "proc.h"

json_t *load_cpu_json(double cpu_fraction)
{
    return cpu_fraction >= 0 ? json_real(cpu_fraction) : json_null();
}

unsigned load_client_share(unsigned total, size_t n, size_t j)
{
    return (unsigned)(total / n + (j < total % n ? 1 : 0));
}

unsigned load_threads_here(const load_spec *spec)
{
    if (spec->clients == NULL)
        return spec->threads;
    unsigned here = 0;
    for (size_t j = 0; j < spec->nclients; j++) {
        if (spec->clients[j].host->local)
            here += load_client_share(spec->threads, spec->nclients, j);
    }
    return here;
}

/* err: "client 2 of 3 (user@host): WHY". */
static void client_error(const load_process *lp, size_t j, const char *why, char *err,
                         size_t errlen)
{
    snprintf(err, errlen, "client %zu of %zu (%s): %s", j + 1, lp->nclients, lp->clients[j].host,
             why);
}

/* Stops every client's wrk still running, frees what load_start allocated. */
static void release(load_process *lp)
{
    for (size_t j = 0; j < lp->nclients; j++) {
        load_client *c = &lp->clients[j];
        if (c->pid > 0 && !c->ended)
            c->at->runner->stop(c->at, c->pid);
        if (c->out_fd >= 0)
            close(c->out_fd);
        if (c->err_fd >= 0)
            close(c->err_fd);
    }
    free(lp->clients);
    load_hosts_close(lp->here, lp->here != NULL ? 1 : 0);
    memset(lp, 0, sizeof(*lp));
}

/* Starts client j's wrk; -1 with err (without the client's name) otherwise. */
static int start_client(const load_spec *spec, load_process *lp, size_t j, unsigned first,
                        char *err, size_t errlen)
{
    load_client *c = &lp->clients[j];
    load_command cmd;
    if (load_command_build(spec, c->connections, c->threads, first, &cmd, err, errlen) != 0)
        return -1;
    c->out_fd = proc_output_fd("twice-wrk-out", err, errlen);
    c->err_fd = c->out_fd >= 0 ? proc_output_fd("twice-wrk-err", err, errlen) : -1;
    c->pid =
        c->err_fd >= 0 ? c->at->runner->start(c->at, &cmd, c->out_fd, c->err_fd, err, errlen) : -1;
    load_command_free(&cmd);
    return c->pid > 0 ? 0 : -1;
}

int load_start(const load_spec *spec, load_process *lp, char *err, size_t errlen)
{
    size_t n = spec->clients != NULL ? spec->nclients : 1;
    memset(lp, 0, sizeof(*lp));
    lp->duration_s = spec->duration_s;
    size_t here = 0;
    if (spec->clients == NULL && load_hosts_open(&lp->here, &here, NULL, err, errlen) != 0)
        return -1;
    load_host *hosts = spec->clients != NULL ? spec->clients : lp->here;
    if ((lp->clients = calloc(n, sizeof(*lp->clients))) == NULL) {
        snprintf(err, errlen, "cannot start wrk: out of memory");
        release(lp);
        return -1;
    }
    lp->nclients = n;
    for (size_t j = 0; j < n; j++) {
        load_client *c = &lp->clients[j];
        *c = (load_client){.host = hosts[j].host->destination,
                           .at = &hosts[j],
                           .out_fd = -1,
                           .err_fd = -1,
                           .connections = load_client_share(spec->connections, n, j),
                           .threads = load_client_share(spec->threads, n, j)};
        if (c->threads == 0)
            c->threads = 1;
        if (c->threads > c->connections)
            c->threads = c->connections;
    }
    /* Shares are settled for all before any wrk starts, so that they start together, or none
     * does. */
    if (lp->clients[n - 1].connections == 0) {
        snprintf(err, errlen,
                 "the step's %u connection%s cannot be split over %zu clients: each needs one "
                 "at least",
                 spec->connections, spec->connections == 1 ? "" : "s", n);
        release(lp);
        return -1;
    }
    clock_gettime(CLOCK_MONOTONIC, &lp->started);
    /* Client j's direct-front threads start where client j-1's ended: together they go round
     * the servers as one wrk's threads would. */
    unsigned first = 0;
    for (size_t j = 0; j < n; j++) {
        char why[1024];
        if (start_client(spec, lp, j, first, why, sizeof(why)) != 0) {
            client_error(lp, j, why, err, errlen);
            release(lp);
            return -1;
        }
        first += lp->clients[j].threads;
    }
    return 0;
}

/* What client c's ended wrk left: its result with its CPU, or -1 with why. */
static int client_result(const load_client *c, load_result *out, char *why, size_t len)
{
    if (!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0) {
        char how[160], *tail = proc_stderr_note(c->err_fd, 400);
        snprintf(why, len, "%s%s", c->at->runner->describe(c->status, how, sizeof(how)), tail);
        free(tail);
        return -1;
    }
    char *output = proc_output(c->out_fd, 0, NULL);
    int rc = load_parse_output(output, out, why, len);
    free(output);
    if (rc == 0) {
        out->cpu_fraction = c->cpu_s >= 0 ? c->cpu_s / (out->duration_s * c->threads) : -1;
        json_object_set_new(out->raw, "wrk_cpu", load_cpu_json(out->cpu_fraction));
        if (c->cpu_s < 0)
            json_object_set_new(out->raw, "wrk_cpu_note", json_string(c->cpu_note));
    }
    return rc;
}

/* 1 when client c's wrk ended, and ended badly: why says how, and *blamed is j. */
static int ended_badly(const load_client *c, size_t j, size_t *blamed, char *why, size_t len)
{
    if (!c->ended || (WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0))
        return 0;
    load_result none; /* a failed wrk leaves no result, only its story */
    client_result(c, &none, why, len);
    *blamed = j;
    return 1;
}

/* Asks client c's runner whether its wrk ended, waiting up to timeout_ms: 1 when it did. */
static int wait_client(load_client *c, int timeout_ms)
{
    return c->at->runner->wait(c->at, c->pid, timeout_ms, &c->status, &c->cpu_s, c->cpu_note,
                               sizeof(c->cpu_note));
}

int load_poll(load_process *lp)
{
    int any = 0;
    for (size_t j = 0; j < lp->nclients; j++) {
        load_client *c = &lp->clients[j];
        if (!c->ended && wait_client(c, 0))
            c->ended = 1;
        any |= c->ended;
    }
    return any;
}

/*
 * Waits until every client's wrk ended, one of them failed, time ran out or the run was
 * interrupted. 0 when all ended well; -1 with why and *blamed, the client at fault (nclients
 * when none is: an interruption). Clients load_poll saw end count as ended.
 */
static int wait_all(load_process *lp, size_t *blamed, char *why, size_t len)
{
    /* Each wrk stops by itself after its duration; the margin covers its start and timeouts. */
    int limit_ms = (int)(lp->duration_s * 1000) + 30000;
    size_t running = 0;
    for (size_t j = 0; j < lp->nclients; j++) {
        if (ended_badly(&lp->clients[j], j, blamed, why, len))
            return -1;
        running += !lp->clients[j].ended;
    }
    for (int waited = 0; running > 0; waited += 50) {
        if (proc_interrupted) {
            *blamed = lp->nclients;
            snprintf(why, len, "while wrk was running");
            return -1;
        }
        if (waited >= limit_ms) {
            for (*blamed = 0; lp->clients[*blamed].ended; ++*blamed)
                ;
            snprintf(why, len, "wrk ran past %d ms", limit_ms);
            return -1;
        }
        /* One short wait per round, on the first wrk still running; a look at the others. */
        int slice = 50;
        for (size_t j = 0; j < lp->nclients; j++) {
            load_client *c = &lp->clients[j];
            if (c->ended || !wait_client(c, slice)) {
                slice = c->ended ? slice : 0;
                continue;
            }
            c->ended = 1;
            running--;
            if (ended_badly(c, j, blamed, why, len))
                return -1;
        }
    }
    return 0;
}

/* Client c's figures for the report, beside the merged ones. */
static json_t *client_json(const load_client *c, const load_result *r)
{
    json_t *out = json_pack(
        "{s:s, s:I, s:I, s:f, s:f, s:{s:f, s:f}, s:f, s:o}", "host", c->host, "connections",
        (json_int_t)c->connections, "threads", (json_int_t)c->threads, "requests", r->requests,
        "throughput", r->throughput, "latency_ms", "p50", r->latency_ms[LAT_P50], "p99",
        r->latency_ms[LAT_P99], "errors", r->errors, "wrk_cpu", load_cpu_json(r->cpu_fraction));
    if (out != NULL && c->cpu_s < 0)
        json_object_set_new(out, "wrk_cpu_note", json_string(c->cpu_note));
    return out;
}

/* The merged result's note when a client's wrk CPU is not known: the first such client's. */
static void merged_cpu_note(const load_process *lp, load_result *out)
{
    for (size_t j = 0; j < lp->nclients && out->cpu_fraction < 0; j++) {
        const load_client *c = &lp->clients[j];
        if (c->cpu_s < 0) {
            json_object_set_new(out->raw, "wrk_cpu_note",
                                json_sprintf("client %zu of %zu (%s): %s", j + 1, lp->nclients,
                                             c->host, c->cpu_note));
            return;
        }
    }
}

int load_finish(load_process *lp, load_result *out, char *err, size_t errlen)
{
    char why[1024];
    memset(out, 0, sizeof(*out));
    size_t n = lp->nclients, blamed = n;
    load_result *results = NULL;
    int rc = wait_all(lp, &blamed, why, sizeof(why));
    if (rc == 0 && (results = calloc(n, sizeof(*results))) == NULL) {
        snprintf(why, sizeof(why), "out of memory for the clients' results");
        rc = -1;
    }
    for (size_t j = 0; j < n && rc == 0; j++) {
        if ((rc = client_result(&lp->clients[j], &results[j], why, sizeof(why))) != 0)
            blamed = j;
    }
    json_t *clients = json_array();
    for (size_t j = 0; j < n && rc == 0; j++)
        json_array_append_new(clients, client_json(&lp->clients[j], &results[j]));
    if (rc != 0) {
        if (blamed < n)
            client_error(lp, blamed, why, err, errlen);
        else
            snprintf(err, errlen, "%s", why);
    } else if (n == 1) {
        *out = results[0];
        memset(&results[0], 0, sizeof(results[0]));
    } else {
        rc = load_merge(results, n, out, err, errlen);
        if (rc == 0)
            merged_cpu_note(lp, out);
    }
    if (rc == 0)
        json_object_set_new(out->raw, "clients", clients);
    else
        json_decref(clients);
    for (size_t j = 0; j < n && results != NULL; j++)
        load_result_free(&results[j]);
    free(results);
    release(lp);
    return rc;
}

int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen)
{
    load_process lp;
    if (load_start(spec, &lp, err, errlen) != 0)
        return -1;
    return load_finish(&lp, out, err, errlen);
}

void load_saturation_flags(json_t *runs, double threshold, json_t *flags)
{
    json_t *run, *client;
    size_t k, j;
    json_array_foreach(runs, k, run)
    {
        json_t *clients = json_object_get(run, "clients");
        json_array_foreach(clients, j, client)
        {
            double cpu = json_number_value(json_object_get(client, "wrk_cpu"));
            if (cpu > threshold)
                json_array_append_new(
                    flags,
                    json_sprintf(
                        "load generator saturated: client %zu of %zu (%s) in round "
                        "%lld: wrk used %.0f%% of its %lld threads",
                        j + 1, json_array_size(clients),
                        json_string_value(json_object_get(client, "host")),
                        (long long)json_integer_value(json_object_get(run, "round")), cpu * 100,
                        (long long)json_integer_value(json_object_get(client, "threads"))));
        }
    }
}
