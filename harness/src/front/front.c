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

int front_check_host(const front *f, const inventory_host *balancer, char *err, size_t errlen)
{
    /* Only a front with a process of its own (a balancer) runs anywhere: and for now only
     * here, until commands go through a host runner. */
    if (f->own_cores == 0 || balancer == NULL || balancer->local)
        return 0;
    snprintf(err, errlen,
             "the %s front runs its balancer on this machine only, for now; the inventory's "
             "\"balancer\" is \"%s\" (say \"local\", or leave it out)",
             f->name, balancer->destination);
    return -1;
}
