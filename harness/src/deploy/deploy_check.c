/*
 * deploy_check.c - what every deployer's check does before it says why a
 * server ended: each server's stderr read for lost workers, and the first
 * server whose process has ended found (and forgotten, so that stopping the
 * deployment does not wait for it again).
 */
#include "deploy.h"
#include "lost_workers.h"
#include "proc.h"

int deployment_ended(deployment *d, int *status)
{
    for (unsigned i = 0; i < d->n; i++) {
        if (d->stderr_fds[i] >= 0)
            lost_workers_count(d, i);
        if (d->pids[i] > 0 && proc_wait(d->pids[i], 0, status)) {
            d->pids[i] = 0;
            return (int)i;
        }
    }
    return -1;
}
