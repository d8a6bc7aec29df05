/*
 * deploy_select.c - which deployer a run uses: the inventory's server hosts
 * decide, in this one place, so that the run never names a deployer.
 */
#include <stdio.h>

#include "deploy.h"

const deployer *deployer_for(const inventory *inv, char *err, size_t errlen)
{
    size_t local = 0;
    for (size_t i = 0; inv != NULL && i < inv->nservers; i++)
        local += inv->servers[i].local;
    if (inv == NULL || local == inv->nservers)
        return &deployer_local;
    if (local == 0)
        return &deployer_ssh;
    snprintf(err, errlen,
             "%s: \"servers\" mixes \"local\" with ssh destinations; list either only ssh "
             "destinations or only \"local\"",
             inv->path);
    return NULL;
}
