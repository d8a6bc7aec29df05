/*
 * test_contention_answer.c - the contention route's known answer, on
 * figures recorded by scripts/known-answers.sh (tests/fixtures/
 * contention-h2000-w5.csv: twice-app, one process worker per server, 1 to 4
 * servers, /contention?us=2000&ms=5, three repetitions, on the shared
 * two-core machine). Its serial fraction is H / (H + W) = 2 / 7 = 0.286,
 * but the fit's sigma does not cover it, and this is what the model
 * difference measured looks like: each server's one worker is a closed
 * loop that queues on the lock only when requests overlap, so throughput
 * grows nearly linearly until the lock is busy (about (H + W) / H = 3.5
 * servers) and then stays at the lock's bound 1 / H = 500 requests/s.
 * Amdahl's reading (the serial part always serialised) would give X(2) =
 * 2 X(1) / (1 + 0.286) = 1.56 X(1); the USL fits the knee with sigma below
 * H / (H + W) and a kappa that makes it peak near the lock's bound.
 */
#include <criterion/criterion.h>

#include "fit_csv.h"
#include "usl_nls.h"

#define HOLD_US 2000.0
#define WAIT_MS 5.0

Test(contention_answer, the_fit_finds_the_lock_bound_not_amdahls_serial_fraction)
{
    fit_data data;
    usl_nls fit;
    char err[512];
    cr_assert_eq(fit_csv_read(FIXTURES_DIR "/contention-h2000-w5.csv", &data, err, sizeof(err)), 0,
                 "%s", err);
    cr_assert_eq(usl_nls_fit(data.servers, data.throughput, data.count, &fit, err, sizeof(err)), 0,
                 "%s", err);
    double serial = HOLD_US / (HOLD_US + WAIT_MS * 1000), bound = 1e6 / HOLD_US;
    cr_assert(fit.sigma.has_ci && fit.sigma.hi < serial,
              "sigma %g [%g, %g] against H / (H + W) = %g", fit.sigma.value, fit.sigma.lo,
              fit.sigma.hi, serial);
    /* The knee: throughput peaks near the lock's bound, 1 / H. */
    cr_assert(fit.has_peak, "%s", fit.notes);
    cr_assert(fit.peak_x.value > 0.7 * bound && fit.peak_x.value < 1.05 * bound,
              "X(N*) = %g against 1 / H = %g", fit.peak_x.value, bound);
    /* One server: a request every H + W, less the route's own costs. */
    cr_assert(fit.lambda.value > 0.7 * 1000 / (HOLD_US / 1000 + WAIT_MS) &&
                  fit.lambda.value <= 1000 / (HOLD_US / 1000 + WAIT_MS),
              "lambda %g", fit.lambda.value);
    fit_data_free(&data);
}
