/*
 * test_shipped_scenarios.c - the shipped scenarios measure the system, not
 * the kernel's spread of connections. SO_REUSEPORT hands each connection
 * to a server at random: at N servers and C connections a server gets a
 * Binomial(C, 1/N) share. On a waiting route a server serves at most what
 * its model holds at once (process: workers; thread: workers x threads):
 * when that lies inside the range of shares a server is likely to get, the
 * servers that got more than they hold queue the rest, and E(N) falls for
 * a reason that is the front's (io-wait once held 16 threads per server for
 * 64 connections over 4: a server that got 20 was short of handlers). What
 * a server holds must be above the likely shares (every connection served
 * at once) or below them (every server saturated, whatever the spread).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <string.h>

#include "inventory.h"
#include "scenario.h"

/* P(X <= k) for X ~ Binomial(n, p). */
static double binomial_cdf(unsigned k, unsigned n, double p)
{
    double sum = 0;
    for (unsigned i = 0; i <= k && i <= n; i++)
        sum += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) + i * log(p) +
                   (n - i) * log1p(-p));
    return sum;
}

/* The smallest k with P(X <= k) >= q. */
static unsigned binomial_quantile(double q, unsigned n, double p)
{
    unsigned k = 0;
    while (k < n && binomial_cdf(k, n, p) < q)
        k++;
    return k;
}

/* The requests one server of a twice-app target can serve at once; 0: no limit (coroutines)
 * or not known (commands). */
static double holds(const scenario_target *t)
{
    if (t->kind != SCENARIO_TARGET_APP)
        return 0;
    if (strcmp(t->model, "process") == 0)
        return t->workers;
    if (strcmp(t->model, "thread") == 0)
        return (double)t->workers * t->threads;
    return 0;
}

Test(shipped_scenarios, no_server_is_likely_to_get_more_connections_than_it_can_serve)
{
    DIR *shipped = opendir(SCENARIOS_DIR);
    cr_assert_not_null(shipped);
    struct dirent *entry;
    while ((entry = readdir(shipped)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 5, ".json") != 0)
            continue;
        char path[1024], err[512];
        scenario sc;
        snprintf(path, sizeof(path), "%s/%s", SCENARIOS_DIR, entry->d_name);
        cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
        int waiting = strstr(sc.route, "ms=") != NULL;
        for (size_t m = 0; waiting && sc.front->servers_share_port && m < sc.ntargets; m++) {
            double h = holds(&sc.targets[m]);
            for (size_t s = 0; h > 0 && s < sc.nservers; s++) {
                unsigned n = sc.servers[s], c = sc.connections_per_server * n;
                if (n < 2)
                    continue;
                unsigned low = binomial_quantile(0.001, c, 1.0 / n);
                unsigned high = binomial_quantile(0.999, c, 1.0 / n);
                cr_assert(h >= high || h <= low,
                          "%s, %s at %u servers: a server holds %.0f requests at once, but "
                          "gets between %u and %u of the %u connections (99.8%% of the time)",
                          entry->d_name, sc.targets[m].label, n, h, low, high, c);
            }
        }
        scenario_free(&sc);
    }
    closedir(shipped);
}

Test(shipped_scenarios, the_db_scenarios_start_their_database)
{
    const char *db[] = {"db-read.json", "db-hot-row.json", "db-connections.json"};
    for (size_t f = 0; f < sizeof(db) / sizeof(db[0]); f++) {
        char path[512], err[512];
        scenario sc;
        snprintf(path, sizeof(path), "%s/%s", SCENARIOS_DIR, db[f]);
        cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
        cr_expect(sc.services.postgres.enabled, "%s", db[f]);
        cr_expect(strncmp(sc.route, "/db/", 4) == 0, "%s", db[f]);
        scenario_free(&sc);
    }
}

/* db-connections compares connections that grow with servers (a process worker each) with
 * few: the coroutine target's pool bounds its own, where one per query in flight would give it
 * as many as its load connections. */
Test(shipped_scenarios, db_connections_compares_many_connections_with_few)
{
    char err[512];
    scenario sc;
    cr_assert_eq(scenario_load(&sc, SCENARIOS_DIR "/db-connections.json", err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(sc.ntargets, 2);
    const scenario_target *many = &sc.targets[0], *few = &sc.targets[1];
    cr_expect_str_eq(many->model, "process");
    cr_expect_geq(many->workers, 16);
    cr_expect_geq(sc.connections_per_server, many->workers, "enough load to keep them busy");
    cr_expect_str_eq(few->model, "coroutine");
    cr_expect(few->db_pool >= 1 && few->db_pool <= 4, "a small pool, got %u", few->db_pool);
    cr_expect_lt(few->workers * few->db_pool, many->workers);
    scenario_free(&sc);
}

/* The host scenarios the README names: 1, 2 and 4 servers behind HAProxy, fitting an
 * inventory like the one `twice testbed up 4 --clients 2` writes; the capped one leaves the
 * cap to the hosts (a scenario's cap cannot be applied inside a bed's host). */
Test(shipped_scenarios, the_host_scenarios_fit_a_bed_of_four_servers_and_two_clients)
{
    static const char *const files[] = {"hosts-io-wait.json", "hosts-cpu.json"};
    static const char *const routes[] = {"/sleep?ms=20", "/plaintext"};
    char err[512];
    inventory bed;
    cr_assert_eq(inventory_load(&bed, FIXTURES_DIR "/inventory-bed.json", err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(bed.nservers, 4);
    cr_assert_eq(bed.nclients, 2);
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        char path[512];
        scenario sc;
        snprintf(path, sizeof(path), "%s/%s", SCENARIOS_DIR, files[f]);
        cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
        cr_expect_str_eq(sc.route, routes[f], "%s", files[f]);
        cr_expect_str_eq(sc.front->name, "haproxy", "%s", files[f]);
        cr_expect(sc.nservers == 3 && sc.servers[0] == 1 && sc.servers[1] == 2 &&
                      sc.servers[2] == 4,
                  "%s", files[f]);
        cr_expect_eq(sc.cpu_cap, 0, "%s: the bed's hosts are capped by the bed", files[f]);
        for (size_t m = 0; f == 0 && m < sc.ntargets; m++)
            cr_expect_eq(sc.targets[m].threads, 32, "io-wait's threads, for %s",
                         sc.targets[m].label);
        cr_expect_eq(inventory_check_servers(&bed, sc.servers[sc.nservers - 1], err, sizeof(err)),
                     0, "%s: %s", files[f], err);
        scenario_free(&sc);
    }
    inventory_free(&bed);
}
