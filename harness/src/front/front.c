/*
 * front.c - the one table of fronts, looked up by name: the scenario names a
 * front, the run gets its functions from here and never names one itself.
 */
#include <stdio.h>
#include <string.h>

#include "front.h"

static const front *const fronts[] = {&front_reuseport, &front_direct, &front_haproxy};
#define NFRONTS (sizeof(fronts) / sizeof(fronts[0]))

const front *front_by_name(const char *name)
{
    for (size_t i = 0; name != NULL && i < NFRONTS; i++) {
        if (strcmp(fronts[i]->name, name) == 0)
            return fronts[i];
    }
    return NULL;
}

const char *const *front_names(void)
{
    static const char *names[NFRONTS + 1];
    for (size_t i = 0; i < NFRONTS; i++)
        names[i] = fronts[i]->name;
    return names;
}

/* The first client host that is not this machine, or NULL. */
static const inventory_host *remote_client(const inventory *inv)
{
    for (size_t j = 0; j < inv->nclients; j++) {
        if (!inv->clients[j].local)
            return &inv->clients[j];
    }
    return NULL;
}

int front_check_host(const front *f, const inventory *inv, char *err, size_t errlen)
{
    if (inv == NULL)
        return 0;
    int servers_here = inv->nservers == 0 || inv->servers[0].local;
    /* Only a front with a process of its own (a balancer) runs anywhere. */
    int balancer = f->own_cores > 0, balancer_here = !front_balancer_remote(inv);
    if (balancer && !balancer_here && servers_here) {
        snprintf(err, errlen,
                 "the %s front's balancer is on host %s, which cannot reach servers on this "
                 "machine's loopback: put the servers on ssh hosts too (\"servers\"), or the "
                 "balancer here (\"balancer\": \"local\")",
                 f->name, inv->balancer->destination);
        return -1;
    }
    /* What wrk connects to listens on this machine's loopback when it runs here. */
    const inventory_host *client = remote_client(inv);
    if (client == NULL || (balancer ? !balancer_here : !servers_here))
        return 0;
    if (balancer)
        snprintf(err, errlen,
                 "the %s front's balancer runs on this machine's loopback, which client host %s "
                 "cannot reach: put the balancer on a host the clients reach (\"balancer\": "
                 "\"user@host\"), or the load here (\"clients\": [\"local\"])",
                 f->name, client->destination);
    else
        snprintf(err, errlen,
                 "the servers run on this machine's loopback, which client host %s cannot reach: "
                 "put the servers on ssh hosts (\"servers\"), or the load here (\"clients\": "
                 "[\"local\"])",
                 client->destination);
    return -1;
}

int front_probe(const front *f, const inventory *inv, char *err, size_t errlen)
{
    return f->probe != NULL ? f->probe(inv, err, errlen) : 0;
}

int front_balancer_remote(const inventory *inv)
{
    return inv != NULL && inv->balancer != NULL && !inv->balancer->local;
}

double front_local_cores(const front *f, const inventory *inv)
{
    return front_balancer_remote(inv) ? 0 : f->own_cores;
}
