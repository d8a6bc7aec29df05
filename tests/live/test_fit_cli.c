/*
 * test_fit_cli.c - `twice fit` as users run it: the real binary on the shipped
 * synthetic CSV (exit 0, the table, the --json object's shape parsed back with
 * jansson) and on bad files and flags (exit 2, the file and line or the flag
 * and value named on stderr).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"

#define CSV FIXTURES_DIR "/usl-synthetic.csv"

TestSuite(fit_cli, .timeout = 60);

/* Runs twice with args; returns the exit status, stdout and stderr in *out and *err. */
static int twice(const char *const *args, char **out, char **err)
{
    int status = run_capturing(TWICE_PATH, args, 20000, out, err);
    cr_assert(status != -1 && WIFEXITED(status), "twice did not exit by itself: %s", *err);
    return WEXITSTATUS(status);
}

static void assert_interval(json_t *value, const char *what)
{
    cr_assert(json_is_array(value) && json_array_size(value) == 2, "%s: not [lo, hi]", what);
    double lo = json_number_value(json_array_get(value, 0));
    double hi = json_number_value(json_array_get(value, 1));
    cr_assert(lo < hi, "%s: [%g, %g]", what, lo, hi);
}

static void assert_estimate(json_t *root, const char *name, double lo, double hi)
{
    json_t *e = json_object_get(root, name);
    cr_assert(json_is_object(e), "%s: not an object", name);
    double v = json_number_value(json_object_get(e, "value"));
    cr_assert(v > lo && v < hi, "%s = %g", name, v);
    assert_interval(json_object_get(e, "ci95"), name);
}

Test(fit_cli, json_has_the_documented_shape)
{
    char *out, *err;
    const char *args[] = {"fit", CSV, "--predict", "40", "--json", "--predict", "8", NULL};
    cr_assert_eq(twice(args, &out, &err), 0, "%s", err);
    json_error_t error;
    json_t *root = json_loads(out, 0, &error);
    cr_assert_not_null(root, "stdout is not JSON: %s: %s", error.text, out);
    assert_estimate(root, "sigma", 0.045, 0.055);
    assert_estimate(root, "kappa", 0.0018, 0.0022);
    assert_estimate(root, "lambda", 980, 1020);
    assert_estimate(root, "peak_servers", 20, 24);
    cr_assert(json_is_real(json_object_get(root, "residual_se")));
    cr_assert(json_is_array(json_object_get(root, "notes")));
    json_t *predictions = json_object_get(root, "predictions");
    cr_assert_eq(json_array_size(predictions), 2);
    json_t *p = json_array_get(predictions, 0);
    cr_assert_eq(json_integer_value(json_object_get(p, "servers")), 40);
    double value = json_number_value(json_object_get(p, "value"));
    cr_assert(value > 6400 && value < 6800, "X(40) = %g", value);
    assert_interval(json_object_get(p, "ci95"), "ci95");
    assert_interval(json_object_get(p, "pi95"), "pi95");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(predictions, 1), "servers")), 8);
    json_decref(root);
    free(out);
    free(err);
}

Test(fit_cli, table_for_people)
{
    char *out, *err;
    const char *args[] = {"fit", CSV, "--predict", "40", NULL};
    cr_assert_eq(twice(args, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "24 measurements at 8 server counts, Universal Scalability Law"), "%s",
              out);
    cr_assert(strstr(out, "sigma    0.0504924    [0.0495258, 0.0514591]"), "%s", out);
    cr_assert(strstr(out, "residual standard error: 10.9248 (21 degrees of freedom)"), "%s", out);
    cr_assert(strstr(out, "X(40) = 6588.97, 95% confidence ["), "%s", out);
    free(out);
    free(err);
}

static char *write_temp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/twice-fit-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void assert_refused(const char *const *args, const char *message)
{
    char *out, *err;
    cr_assert_eq(twice(args, &out, &err), 2, "%s", out);
    cr_assert(strstr(err, message) != NULL, "want \"%s\" in: %s", message, err);
    free(out);
    free(err);
}

Test(fit_cli, a_prediction_the_law_cannot_make_is_null_not_a_nan)
{
    /* Super-linear Amdahl: 1 + sigma (N - 1) is below 0 at 20 servers. */
    char *path = write_temp("servers,throughput\n1,100\n2,220\n");
    char *out, *err;
    const char *args[] = {"fit", path, "--json", "--predict", "20", "--predict", "3", NULL};
    cr_assert_eq(twice(args, &out, &err), 0, "%s", err);
    unlink(path);
    cr_assert(strstr(err, "no prediction at 20 servers") != NULL, "%s", err);
    json_t *root = json_loads(out, 0, NULL);
    cr_assert_not_null(root, "%s", out);
    cr_assert_str_eq(json_string_value(json_object_get(root, "model")), "amdahl");
    cr_assert_lt(json_number_value(json_object_get(json_object_get(root, "sigma"), "value")), 0);
    cr_assert(json_is_null(json_object_get(json_object_get(root, "sigma"), "ci95")),
              "two points, two parameters: no interval");
    cr_assert(json_is_null(json_object_get(root, "residual_se")));
    cr_assert(json_is_null(json_object_get(root, "peak_servers")));
    json_t *predictions = json_object_get(root, "predictions");
    cr_assert(json_is_null(json_object_get(json_array_get(predictions, 0), "value")));
    cr_assert(json_is_null(json_object_get(json_array_get(predictions, 0), "pi95")));
    cr_assert(json_is_real(json_object_get(json_array_get(predictions, 1), "value")));
    json_decref(root);
    free(out);
    free(err);
}

Test(fit_cli, bad_files_exit_2_naming_file_and_line)
{
    char *path = write_temp("servers,throughput\n1,100\n2,abc\n");
    char want[256];
    snprintf(want, sizeof(want), "twice fit: %s:3: throughput: expected a number, got 'abc'", path);
    assert_refused((const char *[]){"fit", path, NULL}, want);
    unlink(path);

    path = write_temp("servers,throughput\n4,100\n4,120\n");
    snprintf(want, sizeof(want),
             "twice fit: %s: every measurement is at 4 servers: a fit needs at least 2 "
             "server counts",
             path);
    assert_refused((const char *[]){"fit", path, NULL}, want);
    unlink(path);

    assert_refused((const char *[]){"fit", "/tmp", NULL},
                   "twice fit: /tmp: is a directory, not a regular file");
    assert_refused((const char *[]){"fit", "/nonexistent.csv", NULL},
                   "twice fit: /nonexistent.csv: No such file or directory");
}

Test(fit_cli, bad_flags_exit_2_naming_flag_and_value)
{
    assert_refused((const char *[]){"fit", CSV, "--predict", "0", NULL},
                   "twice fit: --predict: expected a whole number of servers from 1 to 1000000, "
                   "got '0'");
    assert_refused((const char *[]){"fit", CSV, "--predict", "4x", NULL}, "got '4x'");
    assert_refused((const char *[]){"fit", CSV, "--predict", NULL},
                   "twice fit: --predict needs a number of servers");
    assert_refused((const char *[]){"fit", CSV, "--jsn", NULL},
                   "twice fit: unexpected argument \"--jsn\"");
    assert_refused((const char *[]){"fit", CSV, CSV, NULL}, "unexpected argument");
    assert_refused((const char *[]){"fit", NULL}, "twice fit: name a CSV file of measurements");
}

/* A Twice report: each model's repetitions fitted, one block or object per model. */
Test(fit_cli, a_report_is_fitted_model_by_model)
{
    char *out, *err;
    const char *report = FIXTURES_DIR "/report.json";
    const char *all[] = {"fit", report, "--json", NULL};
    cr_assert_eq(twice(all, &out, &err), 0, "%s", err);
    json_t *root = json_loads(out, 0, NULL);
    cr_assert(json_is_array(root) && json_array_size(root) == 1, "an array, one per model: %s",
              out);
    json_t *thread = json_array_get(root, 0);
    cr_assert_str_eq(json_string_value(json_object_get(thread, "report_model")), "thread");
    cr_assert_eq(json_integer_value(json_object_get(thread, "measurements")), 10,
                 "every repetition of both steps");
    assert_estimate(thread, "sigma", 0.17, 0.18);
    json_decref(root);
    free(out);
    free(err);

    const char *one[] = {"fit", report, "--model", "thread", "--json", "--predict", "4", NULL};
    cr_assert_eq(twice(one, &out, &err), 0, "%s", err);
    root = json_loads(out, 0, NULL);
    cr_assert(json_is_object(root), "--model: the one object: %s", out);
    json_t *p = json_array_get(json_object_get(root, "predictions"), 0);
    cr_assert_float_eq(json_number_value(json_object_get(p, "value")), 2622.5, 0.1);
    json_decref(root);
    free(out);
    free(err);

    const char *table[] = {"fit", report, NULL};
    cr_assert_eq(twice(table, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "report.json, model thread: 10 measurements at 2 server counts") != NULL,
              "%s", out);
    free(out);
    free(err);
}

Test(fit_cli, a_report_without_the_model_or_without_repetitions_exits_2)
{
    char *out, *err;
    const char *report = FIXTURES_DIR "/report.json";
    const char *nope[] = {"fit", report, "--model", "fibers", NULL};
    cr_assert_eq(twice(nope, &out, &err), 2);
    cr_assert(strstr(err, "--model \"fibers\": no model of that name in $.models[].model") != NULL,
              "%s", err);
    free(out);
    free(err);
    const char *csv[] = {"fit", CSV, "--model", "thread", NULL};
    cr_assert_eq(twice(csv, &out, &err), 2);
    cr_assert(strstr(err, "--model picks a model of a Twice report, and this is a CSV") != NULL,
              "%s", err);
    free(out);
    free(err);
    /* An older report: no runs to fit. */
    char path[] = "/tmp/twice-fit-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    json_t *r = json_load_file(report, 0, NULL);
    json_t *step;
    size_t i;
    json_array_foreach(json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps"), i,
                       step) json_object_del(step, "runs");
    cr_assert_eq(json_dumpfd(r, fd, 0), 0);
    close(fd);
    json_decref(r);
    const char *old[] = {"fit", path, NULL};
    cr_assert_eq(twice(old, &out, &err), 2);
    cr_assert(strstr(err, "$.models[0] (model \"thread\"): no repetitions to fit") != NULL, "%s",
              err);
    unlink(path);
    free(out);
    free(err);
    const char *bad[] = {"fit", FIXTURES_DIR "/../hostile/bad-median-string.json", NULL};
    cr_assert_eq(twice(bad, &out, &err), 2);
    cr_assert(strstr(err, "$.models[0].steps[0].summary.throughput.median: expected a number") !=
                  NULL,
              "the reader's JSON path: %s", err);
    free(out);
    free(err);
}

/* A report with a target whose run failed: the others are fitted, the failed one is left out
 * unless asked for by name, and then refused saying there is nothing to fit. */
Test(fit_cli, a_failed_target_is_left_out_of_the_fit)
{
    char *out, *err;
    const char *report = FIXTURES_DIR "/report-failed-target.json";
    const char *all[] = {"fit", report, NULL};
    cr_assert_eq(twice(all, &out, &err), 0, "%s", err);
    cr_assert(strstr(out, "model thread: 10 measurements at 2 server counts") != NULL, "%s", out);
    cr_assert(strstr(out, "gunicorn") == NULL, "%s", out);
    free(out);
    free(err);
    const char *named[] = {"fit", report, "--model", "gunicorn", NULL};
    cr_assert_eq(twice(named, &out, &err), 2);
    cr_assert(strstr(err, "(model \"gunicorn\"): no repetitions to fit") != NULL, "%s", err);
    free(out);
    free(err);
    /* Only the failed one: nothing to fit, and why. */
    json_t *root = json_load_file(report, 0, NULL);
    cr_assert_not_null(root);
    json_array_remove(json_object_get(root, "models"), 0);
    char path[] = "/tmp/twice-fit-failed-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    const char *only[] = {"fit", path, NULL};
    cr_assert_eq(twice(only, &out, &err), 2);
    cr_assert(strstr(err, "every model's run failed: nothing to fit") != NULL, "%s", err);
    free(out);
    free(err);
    unlink(path);
}
