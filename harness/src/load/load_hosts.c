/*
 * load_hosts.c - the run's client hosts, each with its runner: chosen here
 * and nowhere else, and opened before anything is measured, so that a host
 * that cannot be reached or has no wrk fails the run at its start, named.
 */
#include <stdio.h>
#include <stdlib.h>

#include "load_runner.h"

static const inventory_host this_machine = {.destination = "local", .local = 1};

const load_runner *load_runner_for(const inventory_host *host)
{
    return host == NULL || host->local ? &load_runner_local : &load_runner_ssh;
}

int load_hosts_open(load_host **hosts, size_t *n, const inventory *inv, char *err, size_t errlen)
{
    size_t count = inv != NULL ? inv->nclients : 1;
    *n = 0;
    if ((*hosts = calloc(count, sizeof(**hosts))) == NULL) {
        snprintf(err, errlen, "out of memory for %zu client hosts", count);
        return -1;
    }
    for (size_t j = 0; j < count; j++) {
        load_host *h = &(*hosts)[j];
        *h = (load_host){.host = inv != NULL ? &inv->clients[j] : &this_machine,
                         .lifeline = -1,
                         .stderr_fd = -1};
        h->runner = load_runner_for(h->host);
        char why[1024];
        if (h->runner->open(h, inv, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "client %zu of %zu: %s", j + 1, count, why);
            load_hosts_close(*hosts, *n);
            *hosts = NULL;
            *n = 0;
            return -1;
        }
        ++*n;
    }
    return 0;
}

void load_hosts_close(load_host *hosts, size_t n)
{
    for (size_t j = 0; j < n; j++)
        hosts[j].runner->close(&hosts[j]);
    free(hosts);
}
