/*
 * test_hot_row_answer.c - the hot row's known answer, on figures recorded
 * by scripts/db-hot-row-answer.sh 3 (tests/fixtures/hot-row-sync.csv:
 * scenarios/db-hot-row.json, twice-app with one process worker and one
 * connection per server, /db/update?id=1 on a PostgreSQL with synchronous
 * commits, 1 to 4 servers, three repetitions, on the shared two-core
 * machine while it was busy). The same run measured the route with one
 * connection and no contention at L = 979.6 us (1021 requests/s, the
 * median at one server) and the row lock's hold at h = 427.1 us (2341
 * requests/s from one server with 16 connections, where the lock is never
 * idle), so the serial fraction is h / L = 0.436.
 *
 * A closed loop with one request in flight per server grows until the lock
 * is busy (about L / h = 2.3 servers) and then stays at 1 / h; the fit must
 * see that: sigma's interval covers h / L, lambda's covers 1 / L, and the
 * law at 4 servers is at the lock's bound. The intervals are wide: the
 * disk's flush time moved under the other work of the machine.
 */
#include <criterion/criterion.h>

#include "fit_csv.h"
#include "usl_nls.h"

#define ONE_CONNECTION_US 979.58 /* L */
#define LOCK_HOLD_US 427.08      /* h */

Test(hot_row_answer, the_fit_finds_the_row_locks_serial_fraction_and_bound)
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
    usl_prediction at4;
    cr_assert_eq(usl_nls_predict(&fit, 4, &at4, err, sizeof(err)), 0, "%s", err);
    cr_assert(at4.has_intervals && at4.ci_lo <= bound && bound <= at4.ci_hi,
              "X(4) %g [%g, %g] against the lock's bound 1 / h = %g", at4.value, at4.ci_lo,
              at4.ci_hi, bound);
    fit_data_free(&data);
}
