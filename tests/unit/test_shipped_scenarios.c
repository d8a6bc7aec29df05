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
#include <glob.h>
#include <math.h>
#include <string.h>

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

/* The requests one server of model can serve at once; 0: no limit (coroutines). */
static double holds(const scenario *sc, const char *model)
{
    if (strcmp(model, "process") == 0)
        return sc->workers;
    if (strcmp(model, "thread") == 0)
        return (double)sc->workers * sc->threads;
    return 0;
}

Test(shipped_scenarios, no_server_is_likely_to_get_more_connections_than_it_can_serve)
{
    const char *shipped[] = {"quick.json",   "io-wait.json",    "cpu-capped.json",
                             "context.json", "contention.json", "models.json"};
    for (size_t f = 0; f < sizeof(shipped) / sizeof(shipped[0]); f++) {
        char path[512], err[512];
        scenario sc;
        snprintf(path, sizeof(path), "%s/%s", SCENARIOS_DIR, shipped[f]);
        cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
        int waiting = sc.app != NULL && strstr(sc.route, "ms=") != NULL;
        for (size_t m = 0; waiting && sc.front->servers_share_port && m < sc.nmodels; m++) {
            double h = holds(&sc, sc.models[m]);
            for (size_t s = 0; h > 0 && s < sc.nservers; s++) {
                unsigned n = sc.servers[s], c = sc.connections_per_server * n;
                if (n < 2)
                    continue;
                unsigned low = binomial_quantile(0.001, c, 1.0 / n);
                unsigned high = binomial_quantile(0.999, c, 1.0 / n);
                cr_assert(h >= high || h <= low,
                          "%s, %s model at %u servers: a server holds %.0f requests at once, but "
                          "gets between %u and %u of the %u connections (99.8%% of the time)",
                          shipped[f], sc.models[m], n, h, low, high, c);
            }
        }
        scenario_free(&sc);
    }
}

Test(shipped_scenarios, every_shipped_scenario_loads)
{
    glob_t found;
    cr_assert_eq(glob(SCENARIOS_DIR "/*.json", 0, NULL, &found), 0);
    cr_assert_geq(found.gl_pathc, 10, "the shipped scenarios, the db ones among them");
    for (size_t i = 0; i < found.gl_pathc; i++) {
        char err[1024];
        scenario sc;
        cr_expect_eq(scenario_load(&sc, found.gl_pathv[i], err, sizeof(err)), 0, "%s", err);
        cr_expect(sc.description != NULL, "%s says what it shows", found.gl_pathv[i]);
        scenario_free(&sc);
    }
    globfree(&found);
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
