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

int front_check_host(const front *f, const inventory *inv, char *err, size_t errlen)
{
    /* Only a front with a process of its own (a balancer) runs anywhere. */
    if (f->own_cores == 0 || !front_balancer_remote(inv) ||
        (inv->nservers > 0 && !inv->servers[0].local))
        return 0;
    snprintf(err, errlen,
             "the %s front's balancer is on host %s, which cannot reach servers on this "
             "machine's loopback: put the servers on ssh hosts too (\"servers\"), or the balancer "
             "here (\"balancer\": \"local\")",
             f->name, inv->balancer->destination);
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
