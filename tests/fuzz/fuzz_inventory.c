/*
 * fuzz_inventory.c - the inventory loader over arbitrary bytes: jansson,
 * the position scanner, every check of the schema (destinations, ports,
 * IPv6 brackets, ssh options, known_hosts, the database's host), as
 * `twice validate --inventory`
 * runs them on a file. Any outcome but a crash, a leak or a hang is fine; a
 * refusal must come with a message, and what is accepted must hold only
 * what the checks promise ssh's arguments will hold, and a database host
 * named by a numeric address, which libpq's hostaddr needs.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"

/* A destination that was accepted: never something ssh could take for an option. */
static void check_host(const inventory_host *h)
{
    if (h->local)
        return;
    if (h->user == NULL || h->host == NULL || h->user[0] == '-' || h->host[0] == '-' ||
        h->host[0] == '\0' || h->port > 65535 || strpbrk(h->host, " '\"\\;$`") != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    inventory inv;
    char err[1024] = "";
    if (inventory_parse(&inv, "fuzz.json", (const char *)data, size, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            abort(); /* a refusal without a reason */
    } else {
        if (inv.nservers == 0 || inv.nclients == 0)
            abort();
        for (size_t i = 0; i < inv.nservers; i++)
            check_host(&inv.servers[i]);
        for (size_t i = 0; i < inv.nclients; i++)
            check_host(&inv.clients[i]);
        if (inv.balancer != NULL)
            check_host(inv.balancer);
        if (inv.postgres != NULL) {
            unsigned char address[sizeof(struct in6_addr)];
            check_host(inv.postgres);
            if (!inv.postgres->local && inet_pton(AF_INET, inv.postgres->host, address) != 1 &&
                inet_pton(AF_INET6, inv.postgres->host, address) != 1)
                abort();
        }
        for (size_t i = 0; i < inv.nssh_options; i++) {
            if (strpbrk(inv.ssh_options[i], " '\"\\;$`\n") != NULL)
                abort();
        }
    }
    inventory_free(&inv);
    return 0;
}
