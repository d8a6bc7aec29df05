/*
 * test_report_verbs.c - twice report, gate and compare as a user runs them,
 * on reports that once crashed or hung them (a model without its name, a
 * flag that is a number, nine models in a chart, medians at the ends of a
 * double) and on files that are not reports: the real binary, its exit
 * status, its message, and never a signal. Breakdowns that do not add up are
 * refused; compare shows requests per CPU-second when both reports have it.
 * And a run whose server answers nothing: its analysis says why there is
 * none, and the gate fails on it.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "scratch_dir.h"

TestSuite(report_verbs_files, .init = scratch_make, .fini = scratch_remove, .timeout = 120);

static json_t *fixture(void)
{
    json_t *json = json_load_file(FIXTURES_DIR "/report.json", 0, NULL);
    cr_assert_not_null(json);
    return json;
}

static json_t *model0(json_t *report)
{
    return json_array_get(json_object_get(report, "models"), 0);
}

/* Writes json (stolen) to scratch_dir/name, and that path into path. */
static void write_report(const char *name, json_t *json, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", scratch_dir, name);
    cr_assert_eq(json_dump_file(json, path, 0), 0);
    json_decref(json);
}

/* Runs twice with args; asserts it exited (no signal, no hang) with status; returns stderr
 * (malloc'd). */
static char *twice(int status, const char *const *args)
{
    char *err = NULL;
    int ws = run_to_exit(TWICE_PATH, args, 30000, &err);
    cr_assert_neq(ws, -1, "twice %s %s hung: %s", args[0], args[1], err);
    cr_assert(WIFEXITED(ws), "twice %s %s died of signal %d: %s", args[0], args[1],
              WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, err);
    cr_assert_eq(WEXITSTATUS(ws), status, "twice %s %s: exit %d, want %d: %s", args[0], args[1],
                 WEXITSTATUS(ws), status, err);
    return err;
}

/* report (every format), gate and compare (both sides) all refuse path with exit 2 and
 * message (which names the file and the JSON path). */
static void every_verb_refuses(const char *path, const char *message)
{
    const char *const fixture_path = FIXTURES_DIR "/report.json";
    const char *const formats[] = {"md", "junit", "html"};
    char out[128];
    snprintf(out, sizeof(out), "%s/out", scratch_dir);
    for (size_t i = 0; i < 3; i++) {
        const char *const args[] = {"report", path, "--format", formats[i], "-o", out, NULL};
        free(twice(2, args));
        cr_assert_neq(access(out, F_OK), 0, "no output is written for a refused report");
    }
    const char *const gate[] = {"gate", path, NULL};
    const char *const baseline[] = {"gate", fixture_path, "--baseline", path, NULL};
    const char *const compare_a[] = {"compare", path, fixture_path, NULL};
    const char *const compare_b[] = {"compare", fixture_path, path, NULL};
    const char *const *const all[] = {gate, baseline, compare_a, compare_b};
    for (size_t i = 0; i < 4; i++) {
        char *err = twice(2, all[i]);
        cr_assert(strstr(err, message) != NULL, "twice %s: want \"%s\" in: %s", all[i][0], message,
                  err);
        cr_assert(strstr(err, "(null)") == NULL, "%s", err);
        free(err);
    }
}

Test(report_verbs_files, a_model_without_its_name_is_refused_by_every_verb)
{
    char path[128], message[256];
    json_t *r = fixture();
    json_object_del(model0(r), "model");
    write_report("no-name.json", r, path, sizeof(path));
    snprintf(message, sizeof(message), "%s: $.models[0].model: missing: expected a string", path);
    every_verb_refuses(path, message);

    r = fixture();
    json_object_set_new(model0(r), "model", json_integer(1));
    write_report("number-name.json", r, path, sizeof(path));
    snprintf(message, sizeof(message), "%s: $.models[0].model: expected a string, got an integer",
             path);
    every_verb_refuses(path, message);
}

Test(report_verbs_files, a_flag_that_is_not_a_string_is_refused)
{
    char path[128], message[256];
    json_t *r = fixture();
    json_t *flags = json_object_get(
        json_object_get(json_array_get(json_object_get(model0(r), "steps"), 1), "summary"),
        "flags");
    json_array_append_new(flags, json_pack("{s:i}", "x", 1));
    write_report("flag.json", r, path, sizeof(path));
    snprintf(message, sizeof(message),
             "%s: $.models[0].steps[1].summary.flags[1]: expected a string, got an object", path);
    every_verb_refuses(path, message);
}

Test(report_verbs_files, what_is_not_a_report_is_refused)
{
    char path[128], message[256];
    write_report("array.json", json_pack("[i, i]", 1, 2), path, sizeof(path));
    snprintf(message, sizeof(message), "%s: $: expected an object (a twice report), got an array",
             path);
    every_verb_refuses(path, message);
    write_report("scenario.json", json_load_file(SCENARIOS_DIR "/quick.json", 0, NULL), path,
                 sizeof(path));
    snprintf(message, sizeof(message), "%s: $.schema: missing: not a twice report", path);
    every_verb_refuses(path, message);
    json_t *r = fixture();
    json_object_set_new(r, "schema", json_string("other.report/1"));
    write_report("other.json", r, path, sizeof(path));
    snprintf(message, sizeof(message), "%s: $.schema: not a twice report of schema", path);
    every_verb_refuses(path, message);
    r = fixture();
    json_object_del(json_object_get(r, "scenario"), "name");
    write_report("no-scenario-name.json", r, path, sizeof(path));
    snprintf(message, sizeof(message), "%s: $.scenario.name: missing: expected a string", path);
    every_verb_refuses(path, message);
}

/* A report where nothing was measured renders, but the gate and compare refuse it. */
Test(report_verbs_files, a_report_where_nothing_was_measured_cannot_pass_the_gate)
{
    char path[128], out[128];
    json_t *r = fixture();
    json_object_set_new(r, "models", json_array());
    write_report("empty.json", r, path, sizeof(path));
    snprintf(out, sizeof(out), "%s/empty.md", scratch_dir);
    const char *const report[] = {"report", path, "--format", "md", "-o", out, NULL};
    free(twice(0, report));
    const char *const gate[] = {"gate", path, "--min-efficiency", "0.5", NULL};
    char *err = twice(2, gate);
    cr_assert(strstr(err, "$.models is empty: nothing was measured") != NULL, "%s", err);
    free(err);
    const char *const compare[] = {"compare", FIXTURES_DIR "/report.json", path, NULL};
    err = twice(2, compare);
    cr_assert(strstr(err, "$.models is empty: nothing was measured") != NULL, "%s", err);
    free(err);
}

/* Nine and more models overflowed the chart's labels; 5e-324 and 1.75e308 made its tick
 * loop endless. Now each renders, in bounded size. */
static void renders_html(size_t nmodels, double median)
{
    char path[128], out[128], name[32];
    json_t *r = fixture(), *models = json_array();
    for (size_t i = 0; i < nmodels; i++) {
        json_t *m = json_deep_copy(model0(r));
        json_t *step;
        size_t j;
        json_array_foreach(json_object_get(m, "steps"), j, step) json_object_set_new(
            json_object_get(step, "summary"), "throughput",
            json_pack("{s:f, s:f, s:f}", "median", median, "min", median, "max", median));
        snprintf(name, sizeof(name), "model %zu", i);
        json_object_set_new(m, "model", json_string(name));
        json_array_append_new(models, m);
    }
    json_object_set_new(r, "models", models);
    snprintf(name, sizeof(name), "%zu-models.json", nmodels);
    write_report(name, r, path, sizeof(path));
    snprintf(out, sizeof(out), "%s/out.html", scratch_dir);
    const char *const args[] = {"report", path, "--format", "html", "-o", out, NULL};
    free(twice(0, args));
    struct stat st;
    cr_assert_eq(stat(out, &st), 0);
    cr_assert_lt(st.st_size, 20000 + (off_t)nmodels * 10000, "%lld bytes", (long long)st.st_size);
}

Test(report_verbs_files, html_renders_many_models_and_extreme_medians)
{
    renders_html(9, 1000);
    renders_html(30, 1000);
    renders_html(2, 5e-324);
    renders_html(2, 1.75e308);
}

/* A server that answers the readiness probe and then nothing: the step's throughput is 0, so
 * sigma and kappa cannot be estimated. That once gave NaN, an analysis missing from the report
 * and a gate that skipped it; now the analysis says why it is missing and the gate fails. */
Test(report_verbs_files, a_run_with_no_throughput_says_why_and_fails_the_gate, .timeout = 60)
{
    char scenario[128], reports[128], pattern[160];
    snprintf(scenario, sizeof(scenario), "%s/scenario.json", scratch_dir);
    snprintf(reports, sizeof(reports), "%s/reports", scratch_dir);
    const char *server =
        "exec python3 -c \"import socket, time; s = socket.socket(); "
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('{host}', {port})); "
        "s.listen(64); c = s.accept()[0]; c.recv(4096); "
        "c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n'); c.close(); "
        "time.sleep(60)\"";
    json_t *sc =
        json_pack("{s:s, s:{s:s, s:s}, s:[i], s:i, s:i, s:i, s:i}", "name", "silent", "target",
                  "command", server, "route", "/", "servers", 1, "connections_per_server", 2,
                  "warmup_s", 0, "duration_s", 1, "repetitions", 1);
    cr_assert_not_null(sc);
    cr_assert_eq(json_dump_file(sc, scenario, 0), 0);
    json_decref(sc);
    const char *const run[] = {"run", scenario, "-o", reports, "--gate", NULL};
    free(twice(1, run));
    snprintf(pattern, sizeof(pattern), "%s/*.json", reports);
    glob_t found;
    cr_assert_eq(glob(pattern, 0, NULL, &found), 0);
    cr_assert_eq(found.gl_pathc, 1);
    json_t *report = json_load_file(found.gl_pathv[0], 0, NULL);
    globfree(&found);
    cr_assert_not_null(report);
    json_t *analysis = json_object_get(model0(report), "analysis");
    cr_assert_str_eq(json_string_value(json_object_get(report, "status")), "complete");
    cr_assert_str_eq(json_string_value(json_object_get(analysis, "error")),
                     "no throughput at 1 servers: sigma and kappa cannot be estimated");
    cr_assert_str_eq(json_string_value(json_object_get(analysis, "verdict")), "unknown");
    json_t *summary =
        json_object_get(json_array_get(json_object_get(model0(report), "steps"), 0), "summary");
    cr_assert_not_null(json_object_get(summary, "throughput"));
    cr_assert_null(json_object_get(summary, "efficiency"), "no E(N) against no throughput");
    json_decref(report);
}

/* The fixture with measured resources, loss breakdowns and a disturbed step. */
static json_t *resources_fixture(void)
{
    json_t *json = json_load_file(FIXTURES_DIR "/report-resources.json", 0, NULL);
    cr_assert_not_null(json);
    return json;
}

static json_t *summary_of(json_t *report, size_t model, size_t step)
{
    json_t *m = json_array_get(json_object_get(report, "models"), model);
    return json_object_get(json_array_get(json_object_get(m, "steps"), step), "summary");
}

/* A breakdown whose parts do not add up, or name a cause nobody measured, is refused by every
 * verb with its JSON path. */
Test(report_verbs_files, a_malformed_breakdown_is_refused_by_every_verb)
{
    char path[128], message[256];
    json_t *r = resources_fixture();
    json_t *parts = json_object_get(json_object_get(summary_of(r, 0, 2), "breakdown"), "parts");
    json_object_set_new(json_array_get(parts, 2), "lost", json_real(-1));
    write_report("negative-part.json", r, path, sizeof(path));
    snprintf(message, sizeof(message),
             "%s: $.models[0].steps[2].summary.breakdown.parts[2].lost: expected a number >= 0",
             path);
    every_verb_refuses(path, message);
    r = resources_fixture();
    parts = json_object_get(json_object_get(summary_of(r, 0, 2), "breakdown"), "parts");
    json_object_set_new(json_array_get(parts, 4), "lost", json_real(100));
    write_report("parts-short.json", r, path, sizeof(path));
    snprintf(message, sizeof(message),
             "%s: $.models[0].steps[2].summary.breakdown.parts: the parts sum to 1900, not to "
             "\"lost\" 2200 (beyond rounding)",
             path);
    every_verb_refuses(path, message);
}

/* twice compare with resources on both sides: requests per CPU-second beside throughput, its
 * ratio, and once the line that says why; with resources on one side only, neither. */
Test(report_verbs_files, compare_shows_requests_per_cpu_second_beside_throughput)
{
    char a_path[128], b_path[128];
    json_t *a = resources_fixture();
    json_array_remove(json_object_get(a, "models"), 1); /* the disturbed model fails the gate */
    json_t *b = json_deep_copy(a);
    json_object_set_new(json_object_get(summary_of(b, 0, 2), "resources"), "requests_per_cpu_s",
                        json_real(20025));
    write_report("a.json", json_incref(a), a_path, sizeof(a_path));
    write_report("b.json", b, b_path, sizeof(b_path));
    const char *const compare[] = {"compare", a_path, b_path, NULL};
    char *out = NULL, *err = NULL;
    int ws = run_capturing(TWICE_PATH, compare, 30000, &out, &err);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "status %d: %s", ws, err);
    cr_assert(strstr(out, "A req/CPU-s  B req/CPU-s     B/A  judgement\n") != NULL, "%s", out);
    cr_assert(strstr(out, "thread           4        17800        17800    1.00        22250 "
                          "       20025    0.90  same") != NULL,
              "%s", out);
    const char *note = "req/CPU-s: requests per server CPU-second, the figure that stays steady";
    cr_assert(strstr(out, note) != NULL && strstr(strstr(out, note) + 1, note) == NULL, "%s", out);
    free(out);
    free(err);
    /* A without resources: throughput only, as before. */
    json_t *step;
    size_t j;
    json_array_foreach(json_object_get(model0(a), "steps"), j, step)
        json_object_del(json_object_get(step, "summary"), "resources");
    write_report("a.json", a, a_path, sizeof(a_path));
    out = err = NULL;
    ws = run_capturing(TWICE_PATH, compare, 30000, &out, &err);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "status %d: %s", ws, err);
    cr_assert_null(strstr(out, "req/CPU-s"), "%s", out);
    cr_assert(strstr(out, "thread           4        17800        17800    1.00  same") != NULL,
              "%s", out);
    free(out);
    free(err);
}
