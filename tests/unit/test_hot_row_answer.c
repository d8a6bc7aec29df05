/*
 * test_hot_row_answer.c - the hot row's known answer, on figures recorded
 * by scripts/db-hot-row-answer.sh 3 (tests/fixtures/hot-row-sync.csv:
 * scenarios/db-hot-row.json, twice-app with one process worker and one
 * connection per server, /db/update?id=1 on a PostgreSQL with synchronous
 * commits, 1 to 4 servers, three repetitions, on the shared two-core
 * machine). The same run measured the route with one connection and no
 * contention at L = 847.6 us (1180 requests/s, the median at one server)
 * and the row lock's hold at h = 302.7 us (3303 requests/s from one server
 * with 4 requests in flight, as many as the largest step, where the lock is
 * never idle), so the serial fraction is h / L = 0.357.
 *
 * The fit must see that: sigma's interval covers h / L (and sigma is no
 * super-linear artefact), lambda's covers 1 / L, and the law never passes
 * the lock's bound 1 / h. A closed loop with one request in flight per
 * server reaches that bound only past L / h = 2.8 servers, and more slowly
 * than Amdahl's curve when its waits add up; at 4 servers these figures are
 * still below it.
 */
#include <criterion/criterion.h>

#include "fit_csv.h"
#include "usl_nls.h"

#define ONE_CONNECTION_US 847.55 /* L */
#define LOCK_HOLD_US 302.75      /* h */

Test(hot_row_answer, the_fit_finds_the_row_locks_serial_fraction_and_stays_under_its_bound)
{
    fit_data data;
    usl_nls fit;
    char err[512];
    cr_assert_eq(fit_csv_read(FIXTURES_DIR "/hot-row-sync.csv", &data, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(usl_nls_fit(data.servers, data.throughput, data.count, &fit, err, sizeof(err)), 0,
                 "%s", err);
    double serial = LOCK_HOLD_US / ONE_CONNECTION_US;
    cr_assert(fit.sigma.has_ci && fit.sigma.lo <= serial && serial <= fit.sigma.hi,
              "sigma %g [%g, %g] against h / L = %g", fit.sigma.value, fit.sigma.lo, fit.sigma.hi,
              serial);
    cr_assert(fit.sigma.value > 0, "a serial section, not super-linear scaling: sigma %g",
              fit.sigma.value);
    double one = 1e6 / ONE_CONNECTION_US, bound = 1e6 / LOCK_HOLD_US;
    cr_assert(fit.lambda.has_ci && fit.lambda.lo <= one && one <= fit.lambda.hi,
              "lambda %g [%g, %g] against 1 / L = %g", fit.lambda.value, fit.lambda.lo,
              fit.lambda.hi, one);
    for (double n = 1; n <= 4; n++) {
        usl_prediction at;
        cr_assert_eq(usl_nls_predict(&fit, n, &at, err, sizeof(err)), 0, "%s", err);
        cr_assert(at.has_intervals && at.ci_lo <= bound,
                  "X(%g) %g [%g, %g] is past the lock's bound 1 / h = %g", n, at.value, at.ci_lo,
                  at.ci_hi, bound);
    }
    /* Amdahl's limit, lambda / sigma, is the bound the law puts on any number of servers: with
     * lambda = 1 / L and sigma = h / L it is 1 / h. */
    double limit = fit.lambda.value / fit.sigma.value;
    cr_assert(limit > bound / 1.5 && limit < bound * 1.5, "lambda / sigma = %g against 1 / h = %g",
              limit, bound);
    fit_data_free(&data);
}
