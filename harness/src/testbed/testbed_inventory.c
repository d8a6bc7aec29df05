/*
 * testbed_inventory.c - the test bed's inventory, in the format
 * scenario/inventory.c reads (its tests read it back with that loader). The
 * file is created, never replaced: the path a user names might hold
 * something of theirs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "testbed_inventory.h"
#include "testbed_sshd.h"

/* A host as the inventory names it: root@ADDRESS:22, with its cores when capped. */
static json_t *host_json(const testbed_host *h, double cores)
{
    char destination[64];
    snprintf(destination, sizeof(destination), "root@%s:%d", h->address, TESTBED_SSH_PORT);
    json_t *host = json_string(destination);
    return cores > 0 ? json_pack("{s:o, s:f}", "host", host, "cores", cores) : host;
}

static json_t *host_list(const testbed_host *hosts, size_t n, double cores)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, host_json(&hosts[i], cores));
    return list;
}

int testbed_inventory_write(const testbed_options *o, const testbed_host *hosts,
                            const char *state_dir, char *err, size_t errlen)
{
    const char *path = o->inventory;
    char key[PATH_MAX + 16], known[PATH_MAX + 16];
    snprintf(key, sizeof(key), "%s/%s", state_dir, TESTBED_CLIENT_KEY);
    snprintf(known, sizeof(known), "%s/%s", state_dir, TESTBED_KNOWN_HOSTS);
    json_t *doc =
        json_pack("{s:o, s:o, s:{s:s, s:s}}", "servers", host_list(hosts, o->servers, o->cpu_cap),
                  "clients", host_list(hosts + o->servers, o->clients, o->client_cpu_cap), "ssh",
                  "identity_file", key, "known_hosts", known);
    /* The balancer host, after the clients: uncapped, HAProxy's alone. */
    if (doc != NULL && o->balancer)
        json_object_set_new(doc, "balancer", host_json(&hosts[o->servers + o->clients], 0));
    char *text = doc != NULL ? json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(doc);
    if (text == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    size_t len = strlen(text);
    int rc = fd >= 0 && write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1 ? 0 : -1;
    if (rc != 0)
        snprintf(err, errlen, "cannot write the inventory %s: %s", path, strerror(errno));
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write the inventory %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(text);
    return rc;
}
