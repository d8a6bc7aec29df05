/*
 * test_report_read.c - the typed report reader: the fixture read into its
 * structs, what it accepts (failed runs, strings holding anything, many
 * models) and, for malformed reports at every level, the exact JSON path and
 * reason of the refusal.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "report_doc.h"
#include "report_read.h"

static json_t *fixture_named(const char *file)
{
    char path[512];
    json_error_t error;
    snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, file);
    json_t *json = json_load_file(path, 0, &error);
    cr_assert_not_null(json, "%s: %s", path, error.text);
    return json;
}

static json_t *fixture_json(void)
{
    return fixture_named("report.json");
}

/* The fixture with measured resources, loss breakdowns and a disturbed step. */
static json_t *resources_json(void)
{
    return fixture_named("report-resources.json");
}

/* The value at a dotted path ("models.0.steps.1"), numbers indexing arrays. */
static json_t *at(json_t *root, const char *path)
{
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", path);
    json_t *v = root;
    for (char *save, *part = strtok_r(copy, ".", &save); part != NULL;
         part = strtok_r(NULL, ".", &save))
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(part)) : json_object_get(v, part);
    cr_assert_not_null(v, "no %s in the fixture", path);
    return v;
}

/* Sets key of the object at path to value (stolen), or removes it when value is NULL. */
static void edit(json_t *root, const char *path, const char *key, json_t *value)
{
    json_t *holder = *path != '\0' ? at(root, path) : root;
    if (value == NULL)
        cr_assert_eq(json_object_del(holder, key), 0, "no %s in %s", key, path);
    else
        json_object_set_new(holder, key, value);
}

/* The fixture with key of path set to value (NULL: removed), refused with expected. */
static void refused_with(const char *path, const char *key, json_t *value, const char *expected)
{
    json_t *json = fixture_json();
    edit(json, path, key, value);
    read_refused(json, expected);
}

/* The same over the fixture with resources. */
static void resources_refused_with(const char *path, const char *key, json_t *value,
                                   const char *expected)
{
    json_t *json = resources_json();
    edit(json, path, key, value);
    read_refused(json, expected);
}

Test(report_read, the_fixture_reads_into_structs)
{
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_file(&doc, FIXTURES_DIR "/report.json", err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_str_eq(doc.status, "complete");
    cr_assert_str_eq(doc.error, "");
    cr_assert_str_eq(doc.name, "fixture <&> \"quoted\"");
    cr_assert_str_eq(doc.route, "/sleep?ms=10&x=<y>");
    cr_assert(doc.gate.has_min_efficiency && doc.gate.min_efficiency == 0.9);
    cr_assert(doc.gate.has_max_error_rate && !doc.gate.has_max_sigma);
    cr_assert_str_eq(doc.cpu_model, "Test CPU");
    cr_assert_eq(doc.cores, 2);
    cr_assert_eq(doc.nmodels, 1);
    const report_model *m = &doc.models[0];
    cr_assert_str_eq(m->name, "thread");
    cr_assert_eq(m->nsteps, 2);
    cr_assert_eq(m->steps[1].servers, 2);
    cr_assert(m->steps[1].has_summary && !m->steps[1].summary.valid);
    cr_assert_eq(m->steps[1].summary.median, 1700);
    cr_assert_eq(m->steps[1].nruns, 5, "every repetition's throughput");
    cr_assert_eq(m->steps[1].runs[2], 1900);
    cr_assert(m->steps[1].summary.ci.present);
    cr_assert_eq(m->steps[1].summary.ci.lo, 1550);
    cr_assert_eq(m->steps[1].summary.ci.hi, 1850);
    cr_assert(m->steps[1].summary.efficiency_ci.present);
    cr_assert_eq(m->steps[1].summary.efficiency_ci.lo, 0.78);
    cr_assert_eq(m->steps[1].summary.efficiency_ci.hi, 0.88);
    cr_assert_str_eq(doc.interval, "bootstrap percentile, 95%, 4000 resamples");
    cr_assert(doc.has_seed);
    cr_assert_eq(doc.seed, 42);
    cr_assert_eq(m->steps[1].summary.p99_ms, 30.0);
    cr_assert_eq(m->steps[1].summary.failed_checks, 7);
    cr_assert_eq(m->steps[1].summary.nflags, 1);
    cr_assert(strstr(m->steps[1].summary.flags[0], "repetitions too noisy") != NULL);
    cr_assert(m->analysis.present && m->analysis.usl.fitted);
    cr_assert_str_eq(m->analysis.verdict, "invalid");
    cr_assert_null(m->analysis.limiting_factor);
    cr_assert_null(m->analysis.error);
    cr_assert_eq(m->analysis.usl.sigma.value, 0.1751);
    cr_assert(m->analysis.usl.sigma.ci.present && m->analysis.usl.sigma.ci.lo == 0.0222);
    cr_assert(!m->analysis.usl.kappa.ci.present, "Amdahl: kappa fixed, no interval");
    cr_assert(m->analysis.usl.amdahl && !m->analysis.usl.super_linear);
    cr_assert(m->analysis.usl.has_residual_se && m->analysis.usl.residual_se == 108.8);
    cr_assert(!m->analysis.usl.has_peak);
    cr_assert_eq(m->analysis.npredictions, 1);
    cr_assert_eq(m->analysis.predictions[0].servers, 4);
    cr_assert(m->analysis.predictions[0].has_value && m->analysis.predictions[0].value == 2622.5);
    cr_assert(m->analysis.predictions[0].pi.present && m->analysis.predictions[0].pi.hi == 3232.03);
    cr_assert(!m->analysis.predictions[0].measured && !m->analysis.predictions[0].has_held);
    report_doc_free(&doc);
}

/* A failed run: a step never started ({}), no analysis, no efficiency. */
Test(report_read, a_failed_run_is_read_as_far_as_it_went)
{
    json_t *json = fixture_json();
    edit(json, "", "status", json_string("failed"));
    edit(json, "", "error", json_string("wrk exited with status 1"));
    edit(json, "models.0", "analysis", NULL);
    edit(json, "models.0.steps.0.summary", "efficiency", NULL);
    json_array_append_new(at(json, "models.0.steps"), json_object());
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(doc.error, "wrk exited with status 1");
    cr_assert_eq(doc.models[0].nsteps, 3);
    cr_assert_not(doc.models[0].steps[0].summary.has_efficiency);
    cr_assert_not(doc.models[0].steps[2].has_summary);
    cr_assert_not(doc.models[0].analysis.present);
    report_doc_free(&doc);
    json_decref(json);
}

/* Strings may hold anything JSON can carry; arrays may be of any length. */
Test(report_read, strings_of_anything_and_many_models_are_accepted)
{
    json_t *json = fixture_json();
    const char *odd = "\x1b[2J\x01\n\r\t<script>\"'&|`*_ \xef\xbf\xbf \xe2\x80\xae";
    edit(json, "models.0", "model", json_string(odd));
    edit(json, "machine", "cpu_model", json_null());
    json_t *models = at(json, "models");
    for (int i = 0; i < 10000; i++)
        json_array_append(models, json_array_get(models, 0));
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(doc.nmodels, 10001);
    cr_assert_str_eq(doc.models[10000].name, odd);
    cr_assert_str_eq(doc.cpu_model, "");
    report_doc_free(&doc);
    json_decref(json);
}

Test(report_read, what_is_not_a_twice_report_is_refused)
{
    read_refused(json_pack("[i]", 1),
                 "r.json: $: expected an object (a twice report), got an array");
    read_refused(json_pack("{s:s, s:[i]}", "name", "quick", "servers", 1),
                 "r.json: $.schema: missing: not a twice report (one says \"schema\": "
                 "\"twice.report/1\")");
    refused_with("", "schema", json_string("twice.report/2"),
                 "r.json: $.schema: not a twice report of schema \"twice.report/1\"");
    refused_with("", "schema", json_integer(1),
                 "r.json: $.schema: expected a string, got an integer");
    refused_with("", "status", json_string("running"),
                 "r.json: $.status: expected \"complete\", \"failed\" or \"interrupted\"");
    refused_with("", "error", json_false(), "r.json: $.error: expected a string, got a boolean");
}

Test(report_read, the_scenario_and_machine_are_checked)
{
    refused_with("", "scenario", NULL, "r.json: $.scenario: missing: expected an object");
    refused_with("scenario", "name", NULL, "r.json: $.scenario.name: missing: expected a string");
    refused_with("scenario", "name", json_null(),
                 "r.json: $.scenario.name: expected a string, got null");
    refused_with("scenario.target", "route", NULL,
                 "r.json: $.scenario.target.route: missing: expected a string");
    refused_with("scenario", "target", json_string("/"),
                 "r.json: $.scenario.target: expected an object, got a string");
    refused_with("scenario.gate", "min_efficiency", json_real(1.5),
                 "r.json: $.scenario.gate.min_efficiency: expected a number > 0 and at most 1, "
                 "got 1.5");
    refused_with("scenario.gate", "max_p99_ms", json_integer(0),
                 "r.json: $.scenario.gate.max_p99_ms: expected a number > 0 and at most 3600000, "
                 "got 0");
    refused_with("scenario.gate", "max_sigma", json_string("0.1"),
                 "r.json: $.scenario.gate.max_sigma: expected a number, got a string");
    refused_with("", "machine", json_array(),
                 "r.json: $.machine: expected an object, got an array");
    refused_with("machine", "cores", json_string("2"),
                 "r.json: $.machine.cores: expected an integer, got a string");
    refused_with("machine", "cores", json_integer(0),
                 "r.json: $.machine.cores: expected an integer >= 1, got 0");
    refused_with("machine", "cpu_model", json_integer(7),
                 "r.json: $.machine.cpu_model: expected a string, got an integer");
}

Test(report_read, models_and_steps_are_checked)
{
    refused_with("", "models", NULL, "r.json: $.models: missing: expected an array");
    refused_with("", "models", json_object(), "r.json: $.models: expected an array, got an object");
    refused_with("models.0", "model", NULL,
                 "r.json: $.models[0].model: missing: expected a string");
    refused_with("models.0", "model", json_integer(3),
                 "r.json: $.models[0].model: expected a string, got an integer");
    refused_with("models.0", "steps", json_null(),
                 "r.json: $.models[0].steps: expected an array, got null");
    json_t *json = fixture_json();
    json_array_append_new(at(json, "models"), json_string("thread"));
    read_refused(json, "r.json: $.models[1]: expected an object, got a string");
    json = fixture_json();
    json_array_set_new(at(json, "models.0.steps"), 1, json_null());
    read_refused(json, "r.json: $.models[0].steps[1]: expected an object, got null");
    refused_with("models.0.steps.0", "servers", json_integer(0),
                 "r.json: $.models[0].steps[0].servers: expected an integer >= 1, got 0");
    refused_with("models.0.steps.0", "servers", json_real(1.5),
                 "r.json: $.models[0].steps[0].servers: expected an integer, got a number");
    refused_with("models.0.steps.1", "servers", NULL,
                 "r.json: $.models[0].steps[1].servers: missing: expected an integer");
    refused_with("models.0.steps.1", "summary", json_true(),
                 "r.json: $.models[0].steps[1].summary: expected an object, got a boolean");
}

/* Every array's items are checked for their type before any is read: an item of the wrong type
 * is named even behind an earlier item that would fail on its own fields, at every level. */
Test(report_read, an_arrays_items_are_typed_before_any_is_read)
{
    json_t *json = fixture_json();
    json_object_del(at(json, "models.0"), "model");
    json_array_append_new(at(json, "models"), json_integer(7));
    read_refused(json, "r.json: $.models[1]: expected an object, got an integer");
    json = fixture_json();
    json_object_del(at(json, "models.0.steps.0"), "servers");
    json_array_append_new(at(json, "models.0.steps"), json_array());
    read_refused(json, "r.json: $.models[0].steps[2]: expected an object, got an array");
    json = fixture_json();
    json_object_del(at(json, "models.0.steps.1.runs.0"), "throughput");
    json_array_append_new(at(json, "models.0.steps.1.runs"), json_string("fast"));
    read_refused(json, "r.json: $.models[0].steps[1].runs[5]: expected an object, got a string");
    json = fixture_json();
    json_array_append_new(at(json, "models.0.steps.1.summary.flags"), json_false());
    read_refused(json, "r.json: $.models[0].steps[1].summary.flags[1]: expected a string, got a "
                       "boolean");
    json = fixture_json();
    json_array_set_new(at(json, "models.0.steps.1.summary.throughput.ci95"), 0, json_real(-1));
    json_array_set_new(at(json, "models.0.steps.1.summary.throughput.ci95"), 1, json_null());
    read_refused(json,
                 "r.json: $.models[0].steps[1].summary.throughput.ci95[1]: expected a number, "
                 "got null");
}

Test(report_read, summaries_are_checked_field_by_field)
{
    refused_with("models.0.steps.1.summary.throughput", "median", json_string("1700"),
                 "r.json: $.models[0].steps[1].summary.throughput.median: expected a number, got "
                 "a string");
    refused_with("models.0.steps.1.summary.throughput", "max", json_real(-1),
                 "r.json: $.models[0].steps[1].summary.throughput.max: expected a number >= 0 and "
                 "at most 1.797693135e+308, got -1");
    refused_with("models.0.steps.0.summary", "throughput", NULL,
                 "r.json: $.models[0].steps[0].summary.throughput: missing: expected an object");
    refused_with("models.0.steps.0.summary", "valid", NULL,
                 "r.json: $.models[0].steps[0].summary.valid: missing: expected a boolean");
    refused_with("models.0.steps.0.summary", "valid", json_integer(1),
                 "r.json: $.models[0].steps[0].summary.valid: expected a boolean, got an integer");
    refused_with("models.0.steps.0.summary", "efficiency", json_string("1"),
                 "r.json: $.models[0].steps[0].summary.efficiency: expected a number, got a "
                 "string");
    refused_with("models.0.steps.0.summary", "flags", json_string("none"),
                 "r.json: $.models[0].steps[0].summary.flags: expected an array, got a string");
    json_t *json = fixture_json();
    json_array_append_new(at(json, "models.0.steps.1.summary.flags"), json_integer(2));
    read_refused(json, "r.json: $.models[0].steps[1].summary.flags[1]: expected a string, got an "
                       "integer");
    refused_with("models.0.steps.1.summary.latency_ms", "p99", NULL,
                 "r.json: $.models[0].steps[1].summary.latency_ms.p99: missing: expected a "
                 "number");
    refused_with("models.0.steps.1.summary", "failed_checks", json_null(),
                 "r.json: $.models[0].steps[1].summary.failed_checks: expected a number, got "
                 "null");
    refused_with("models.0.steps.1.summary", "requests", json_real(-0.5),
                 "r.json: $.models[0].steps[1].summary.requests: expected a number >= 0 and at "
                 "most 1.797693135e+308, got -0.5");
}

/* The fixture's second step (2 servers, 5 runs) behind HAProxy: each run's counts and the
 * summary's front. */
static json_t *with_front(void)
{
    json_t *json = fixture_json();
    json_t *runs = at(json, "models.0.steps.1.runs"), *run;
    size_t i;
    json_array_foreach(runs, i, run)
    {
        json_object_set_new(run, "front",
                            json_pack("{s:s, s:s, s:f, s:[{s:i, s:i}, {s:i}]}", "name", "haproxy",
                                      "balance", "leastconn", "cpu", 0.5, "servers", "sessions", 10,
                                      "requests", 100 + (int)i, "sessions", 90));
    }
    edit(json, "models.0.steps.1.summary", "front",
         json_pack("{s:s, s:s, s:f, s:f}", "name", "haproxy", "balance", "leastconn", "cpu", 0.5,
                   "spread", 0.12));
    edit(json, "models.0.steps.0.summary", "front", json_pack("{s:s}", "name", "haproxy"));
    return json;
}

Test(report_read, the_front_is_read_where_there_is_one)
{
    report_doc doc;
    char err[512];
    json_t *json = with_front();
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    const report_step *two = &doc.models[0].steps[1];
    const report_front *f = &two->summary.front;
    cr_assert(f->present && f->has_cpu && f->has_spread);
    cr_assert_str_eq(f->name, "haproxy");
    cr_assert_str_eq(f->balance, "leastconn");
    cr_assert_float_eq(f->cpu, 0.5, 1e-12);
    cr_assert_float_eq(f->spread, 0.12, 1e-12);
    cr_assert_eq(two->nservers_counted, 2);
    /* Requests where HAProxy counted them (100..104 over 5 runs), else sessions (5 x 90). */
    cr_assert_float_eq(two->server_requests[0], 510, 1e-9);
    cr_assert_float_eq(two->server_requests[1], 450, 1e-9);
    const report_front *one = &doc.models[0].steps[0].summary.front;
    cr_assert(one->present && !one->has_cpu && !one->has_spread);
    cr_assert_str_eq(one->balance, "", "no balance: an empty string, never NULL");
    cr_assert_eq(doc.models[0].steps[0].nservers_counted, 0);
    report_doc_free(&doc);
    json_decref(json);
    /* An older report has no front: nothing is present. */
    json = fixture_json();
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert(!doc.models[0].steps[1].summary.front.present);
    report_doc_free(&doc);
    json_decref(json);
    /* A spread of null: a server got nothing in every run. */
    json = with_front();
    edit(json, "models.0.steps.1.summary.front", "spread", json_null());
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert(!doc.models[0].steps[1].summary.front.has_spread);
    report_doc_free(&doc);
    json_decref(json);
    /* A balancer whose CPU could not be read: no figure, and why, in a run and in the step. */
    json = with_front();
    json_object_del(at(json, "models.0.steps.1.runs.1.front"), "cpu");
    edit(json, "models.0.steps.1.runs.1.front", "cpu_unmeasured", json_string("ssh failed"));
    edit(json, "models.0.steps.1.summary.front", "cpu_unmeasured",
         json_string("in 1 of 5 runs: ssh failed"));
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(doc.models[0].steps[1].summary.front.cpu_unmeasured,
                     "in 1 of 5 runs: ssh failed");
    cr_assert_str_eq(doc.models[0].steps[0].summary.front.cpu_unmeasured, "",
                     "nothing unmeasured: an empty string, never NULL");
    report_doc_free(&doc);
    json_decref(json);
}

/* Each refusal: one edit of with_front(), with the path and the reason. */
static void front_refused(const char *path, const char *key, json_t *value, const char *expected)
{
    json_t *json = with_front();
    edit(json, path, key, value);
    read_refused(json, expected);
}

Test(report_read, the_front_is_checked_field_by_field)
{
    front_refused("models.0.steps.1.summary", "front", json_string("haproxy"),
                  "r.json: $.models[0].steps[1].summary.front: expected an object, got a string");
    front_refused("models.0.steps.1.summary.front", "name", NULL,
                  "r.json: $.models[0].steps[1].summary.front.name: missing: expected a string");
    front_refused("models.0.steps.1.summary.front", "cpu", json_real(-0.1),
                  "r.json: $.models[0].steps[1].summary.front.cpu: expected a number >= 0 and at "
                  "most 1.797693135e+308, got -0.10000000000000001");
    front_refused("models.0.steps.1.summary.front", "spread", json_string("1%"),
                  "r.json: $.models[0].steps[1].summary.front.spread: expected a number, got a "
                  "string");
    front_refused("models.0.steps.1.summary.front", "balance", json_integer(1),
                  "r.json: $.models[0].steps[1].summary.front.balance: expected a string, got an "
                  "integer");
    front_refused("models.0.steps.1.runs.2", "front", json_array(),
                  "r.json: $.models[0].steps[1].runs[2].front: expected an object, got an array");
    front_refused("models.0.steps.1.runs.2.front", "cpu", NULL,
                  "r.json: $.models[0].steps[1].runs[2].front.cpu_unmeasured: missing: expected "
                  "a string");
    front_refused("models.0.steps.1.runs.2.front", "cpu", json_string("12%"),
                  "r.json: $.models[0].steps[1].runs[2].front.cpu: expected a number, got a "
                  "string");
    front_refused("models.0.steps.1.runs.0.front", "servers", json_object(),
                  "r.json: $.models[0].steps[1].runs[0].front.servers: expected an array, got an "
                  "object");
    front_refused("models.0.steps.1.runs.3.front", "servers", json_pack("[{s:i}]", "sessions", 1),
                  "r.json: $.models[0].steps[1].runs[3].front.servers: expected one entry per "
                  "server (2), got 1");
    front_refused("models.0.steps.1.runs.1.front.servers.1", "sessions", json_integer(-3),
                  "r.json: $.models[0].steps[1].runs[1].front.servers[1].sessions: expected an "
                  "integer >= 0, got -3");
    front_refused("models.0.steps.1.runs.1.front.servers.0", "requests", json_real(1.5),
                  "r.json: $.models[0].steps[1].runs[1].front.servers[0].requests: expected an "
                  "integer, got a number");
    /* Every run agreeing on one server too many is still not the step's 2 servers. */
    json_t *json = with_front();
    for (int k = 0; k < 5; k++) {
        char path[64];
        snprintf(path, sizeof(path), "models.0.steps.1.runs.%d.front.servers", k);
        json_array_append_new(at(json, path), json_pack("{s:i}", "sessions", 1));
    }
    read_refused(json, "r.json: $.models[0].steps[1].runs[0].front.servers: expected one entry per "
                       "server (2), got 3");
    /* A step with no summary and no server count: its runs still agree with each other. */
    json = with_front();
    json_object_del(at(json, "models.0.steps.1"), "summary");
    json_object_del(at(json, "models.0.steps.1"), "servers");
    json_array_remove(at(json, "models.0.steps.1.runs.3.front.servers"), 1);
    read_refused(json,
                 "r.json: $.models[0].steps[1].runs[3].front.servers: expected 2 servers, as in "
                 "the step's other runs, got 1");
    json = with_front();
    json_array_append_new(at(json, "models.0.steps.1.runs.4.front.servers"), json_integer(7));
    json_array_remove(at(json, "models.0.steps.1.runs.4.front.servers"), 0);
    read_refused(json, "r.json: $.models[0].steps[1].runs[4].front.servers[1]: expected an object, "
                       "got an integer");
}

Test(report_read, intervals_and_statistics_are_checked)
{
    json_t *runs = fixture_json();
    json_object_set_new(json_array_get(at(runs, "models.0.steps.1.runs"), 3), "throughput",
                        json_string("1790"));
    read_refused(runs, "r.json: $.models[0].steps[1].runs[3].throughput: expected a number, got a "
                       "string");
    refused_with("models.0.steps.1", "runs", json_pack("[i]", 5),
                 "r.json: $.models[0].steps[1].runs[0]: expected an object, got an integer");
    refused_with("models.0.steps.1.summary.throughput", "ci95", json_pack("[f]", 1.0),
                 "r.json: $.models[0].steps[1].summary.throughput.ci95: expected [lo, hi], an "
                 "array of 2 numbers, got 1 items");
    refused_with("models.0.steps.1.summary.throughput", "ci95", json_pack("[f, s]", 1.0, "2"),
                 "r.json: $.models[0].steps[1].summary.throughput.ci95[1]: expected a number, got "
                 "a string");
    refused_with("models.0.steps.1.summary", "efficiency_ci95", json_pack("[f, f]", 0.9, 0.8),
                 "r.json: $.models[0].steps[1].summary.efficiency_ci95: expected lo <= hi, got "
                 "[0.90000000000000002, 0.80000000000000004]");
    refused_with("models.0.steps.1.summary", "efficiency_ci95", json_pack("[f, f]", -0.1, 0.8),
                 "r.json: $.models[0].steps[1].summary.efficiency_ci95[0]: expected a number >= 0, "
                 "got -0.10000000000000001");
    refused_with("models.0.steps.1.summary", "efficiency_ci95", json_string("0.8-0.9"),
                 "r.json: $.models[0].steps[1].summary.efficiency_ci95: expected an array, got a "
                 "string");
    refused_with("statistics", "seed", json_integer(-1),
                 "r.json: $.statistics.seed: expected an integer >= 0, got -1");
    refused_with("statistics", "interval", json_integer(95),
                 "r.json: $.statistics.interval: expected a string, got an integer");
    refused_with("", "statistics", json_array(),
                 "r.json: $.statistics: expected an object, got an array");
    /* Older reports have no intervals: read, with none present. */
    json_t *json = fixture_json();
    edit(json, "", "statistics", NULL);
    edit(json, "models.0.steps.1.summary.throughput", "ci95", NULL);
    edit(json, "models.0.steps.1.summary", "efficiency_ci95", NULL);
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert(!doc.has_seed && *doc.interval == '\0');
    cr_assert(!doc.models[0].steps[1].summary.ci.present);
    cr_assert(!doc.models[0].steps[1].summary.efficiency_ci.present);
    report_doc_free(&doc);
    json_decref(json);
}

Test(report_read, analyses_are_checked)
{
    refused_with("models.0.analysis", "repetitions_needed", json_integer(0),
                 "r.json: $.models[0].analysis.repetitions_needed: expected an integer >= 1, got "
                 "0");
    json_t *json = fixture_json();
    json_t *p = json_array_get(at(json, "models.0.analysis.predictions"), 0);
    json_object_set_new(p, "servers", json_integer(0));
    read_refused(json,
                 "r.json: $.models[0].analysis.predictions[0].servers: expected an integer >= 1, "
                 "got 0");
    json = fixture_json();
    p = json_array_get(at(json, "models.0.analysis.predictions"), 0);
    json_object_set_new(p, "held", json_string("yes"));
    read_refused(json,
                 "r.json: $.models[0].analysis.predictions[0].held: expected a boolean, got a "
                 "string");
    json = fixture_json();
    p = json_array_get(at(json, "models.0.analysis.predictions"), 0);
    json_object_set_new(p, "pi95", json_pack("[i, i]", 3, 1));
    read_refused(json,
                 "r.json: $.models[0].analysis.predictions[0].pi95: expected lo <= hi, got [3, "
                 "1]");
    refused_with("models.0.analysis", "predictions", json_object(),
                 "r.json: $.models[0].analysis.predictions: expected an array, got an object");
    refused_with("models.0.analysis", "verdict_note", json_false(),
                 "r.json: $.models[0].analysis.verdict_note: expected a string, got a boolean");
    refused_with("models.0", "analysis", json_array(),
                 "r.json: $.models[0].analysis: expected an object, got an array");
    refused_with("models.0.analysis", "verdict", NULL,
                 "r.json: $.models[0].analysis.verdict: missing: expected a string");
    refused_with("models.0.analysis", "limiting_factor", json_integer(1),
                 "r.json: $.models[0].analysis.limiting_factor: expected a string, got an "
                 "integer");
    refused_with("models.0.analysis", "error", json_null(),
                 "r.json: $.models[0].analysis.error: expected a string, got null");
    refused_with("models.0.analysis", "usl", NULL,
                 "r.json: $.models[0].analysis.usl: missing: expected an object");
    refused_with("models.0.analysis.usl", "fitted", json_string("yes"),
                 "r.json: $.models[0].analysis.usl.fitted: expected a boolean, got a string");
    refused_with("models.0.analysis.usl", "sigma", json_real(-0.1),
                 "r.json: $.models[0].analysis.usl.sigma: expected an object, got a number");
    refused_with("models.0.analysis.usl.sigma", "value", json_string("-0.1"),
                 "r.json: $.models[0].analysis.usl.sigma.value: expected a number, got a string");
    refused_with("models.0.analysis.usl.sigma", "ci95", json_pack("[f, f]", 0.2, 0.1),
                 "r.json: $.models[0].analysis.usl.sigma.ci95: expected lo <= hi, got "
                 "[0.20000000000000001, 0.10000000000000001]");
    refused_with("models.0.analysis.usl", "peak_servers",
                 json_pack("{s:i, s:n}", "value", -3, "ci95"),
                 "r.json: $.models[0].analysis.usl.peak_servers.value: expected a number >= 0 and "
                 "at most 1.797693135e+308, got -3");
    refused_with("models.0.analysis.usl", "peak_servers",
                 json_pack("{s:i, s:n}", "value", 3, "ci95"),
                 "r.json: $.models[0].analysis.usl.peak_throughput: expected an object, got null");
    refused_with("models.0.analysis.usl", "residual_se", json_real(-1),
                 "r.json: $.models[0].analysis.usl.residual_se: expected a number >= 0 and at most "
                 "1.797693135e+308, got -1");
    refused_with("models.0.analysis.usl", "super_linear", NULL,
                 "r.json: $.models[0].analysis.usl.super_linear: missing: expected a boolean");
    refused_with("models.0.analysis.usl", "lambda", NULL,
                 "r.json: $.models[0].analysis.usl.lambda: missing: expected an object");
    refused_with("models.0.analysis.usl", "note", json_array(),
                 "r.json: $.models[0].analysis.usl.note: expected a string, got an array");
}

static void text_refused(const char *text, size_t len, const char *expected)
{
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_text(&doc, "r.json", text, len, err, sizeof(err)), -1);
    cr_assert_str_eq(err, expected);
}

/* What does not parse is named by line and column; a key given twice is refused. */
Test(report_read, text_that_is_not_json_is_refused_with_its_position)
{
    text_refused("", 0, "r.json:1:0: '[' or '{' expected near end of file");
    text_refused("{\"schema\": \"twice.report/1\",\n \"status\"", 38,
                 "r.json:2:9: ':' expected near end of file");
    text_refused("[1\0]", 4,
                 "r.json:1:3: a NUL byte; JSON text cannot hold one (is this a binary file?)");
    text_refused("{}\n\n  \0", 7,
                 "r.json:3:3: a NUL byte; JSON text cannot hold one (is this a binary file?)");
    text_refused("{\"a\": 1, \"a\": 2}", 16, "r.json:1:12: duplicate object key near '\"a\"'");
    text_refused("{\"a\": 1e400}", 12, "r.json:1:11: real number overflow near '1e400'");
    char deep[4096];
    memset(deep, '[', sizeof(deep));
    text_refused(deep, sizeof(deep), "r.json:1:2049: maximum parsing depth reached near '['");
    cr_assert_eq(report_read_file(&(report_doc){0}, "/nonexistent/r.json", deep, 512), -1);
    cr_assert_str_eq(deep, "/nonexistent/r.json: No such file or directory");
}

Test(report_read, measured_resources_and_breakdowns_read_into_structs)
{
    report_doc doc;
    read_doc(&doc, resources_json());
    cr_assert_eq(doc.nmodels, 2);
    const report_step *one = &doc.models[0].steps[0], *four = &doc.models[0].steps[2];
    cr_assert_eq(four->nruns, 3);
    const report_window_resources *w = &four->run_resources[1];
    cr_assert(w->present);
    cr_assert_eq(w->window_s, 10.0);
    cr_assert_eq(w->nservers, 4, "one per server");
    cr_assert_eq(w->servers[0].cpu_user_s, 1.4);
    cr_assert_eq(w->servers[0].cpu_system_s, 0.6);
    cr_assert_eq(w->servers[3].peak_rss_bytes, 12000000 + 3 * 1048576);
    cr_assert_not(w->servers[0].has_throttling, "null: no cgroup");
    cr_assert(w->servers[0].has_connections && w->servers[0].connections == 16);
    cr_assert(w->servers[0].has_requests && w->servers[0].requests == 44500);
    cr_assert(w->has_wrk && w->has_wrk_connections_open && w->wrk_connections_open == 64 &&
              w->wrk_cpu_s == 0.9);
    cr_assert(w->has_machine && w->machine_cores == 2 && w->machine_foreign_cpu_s == 0.1);
    cr_assert_str_eq(w->notes, "");
    const report_step_resources *r = &four->summary.resources;
    cr_assert(r->present && r->nservers == 4);
    cr_assert_eq(r->cpu_s, 8.0);
    cr_assert(r->has_requests_per_cpu_s && r->requests_per_cpu_s == 22250);
    cr_assert(r->servers[2].has_requests_per_cpu_s && r->servers[2].requests_per_cpu_s == 22250);
    cr_assert_not(one->summary.breakdown.present, "null at 1 server");
    const report_breakdown *b = &four->summary.breakdown;
    cr_assert(b->present);
    cr_assert_eq(b->ideal, 20000);
    cr_assert_eq(b->measured, 17800);
    cr_assert_eq(b->lost, 2200);
    cr_assert_eq(b->largest, REPORT_LOSS_FRONT_IMBALANCE);
    cr_assert(b->parts[REPORT_LOSS_FRONT_IMBALANCE].present);
    cr_assert_eq(b->parts[REPORT_LOSS_FRONT_IMBALANCE].lost, 1800);
    cr_assert_eq(b->parts[REPORT_LOSS_SYSTEM].lost, 400);
    cr_assert(strstr(b->parts[REPORT_LOSS_FRONT_IMBALANCE].evidence, "9 of 64") != NULL);
    cr_assert_str_eq(report_loss_part_name(REPORT_LOSS_CPU_STARVATION), "cpu_starvation");
    cr_assert_not(four->summary.disturbed);
    const report_summary *disturbed = &doc.models[1].steps[2].summary;
    cr_assert(disturbed->disturbed && !disturbed->valid);
    cr_assert_str_eq(disturbed->disturbed_flag, disturbed->flags[0]);
    cr_assert(strncmp(disturbed->disturbed_flag, "disturbed: other processes used 0.62", 36) == 0);
    report_doc_free(&doc);
}

/* Older reports have none of it: read, with nothing present. Null reads as absent. */
Test(report_read, resources_and_breakdowns_are_optional)
{
    report_doc doc;
    read_doc(&doc, fixture_json());
    const report_step *step = &doc.models[0].steps[1];
    cr_assert_not(step->summary.resources.present);
    cr_assert_not(step->summary.breakdown.present);
    cr_assert_not(step->summary.disturbed);
    cr_assert_null(step->summary.disturbed_flag);
    cr_assert_not(step->run_resources[0].present);
    report_doc_free(&doc);
    json_t *json = resources_json();
    edit(json, "models.0.steps.2.summary", "resources", json_null());
    edit(json, "models.0.steps.2.runs.0", "resources", json_null());
    edit(json, "models.0.steps.2.runs.1.resources", "wrk", NULL);
    /* What the writer says of connections it could not count (several clients). */
    edit(json, "models.0.steps.2.runs.2.resources.wrk", "connections_open", json_null());
    edit(json, "models.0.steps.2.runs.1.resources", "machine", json_null());
    edit(json, "models.0.steps.2.runs.1.resources.servers.0", "connections", json_null());
    edit(json, "models.0.steps.2.runs.1.resources.servers.0", "throttled_s", json_real(0.5));
    edit(json, "models.0.steps.2.summary.resources", "requests_per_cpu_s", json_null());
    read_doc(&doc, json);
    step = &doc.models[0].steps[2];
    cr_assert_not(step->summary.resources.present);
    cr_assert_not(step->run_resources[0].present);
    cr_assert(step->run_resources[1].present);
    cr_assert_not(step->run_resources[1].has_wrk);
    cr_assert_not(step->run_resources[1].has_machine);
    cr_assert_not(step->run_resources[1].servers[0].has_connections);
    cr_assert(step->run_resources[1].servers[0].has_throttling);
    cr_assert_eq(step->run_resources[1].servers[0].throttled_s, 0.5);
    cr_assert(step->run_resources[2].has_wrk);
    cr_assert_not(step->run_resources[2].has_wrk_connections_open);
    report_doc_free(&doc);
}

#define RUN "models.0.steps.1.runs.0.resources"
#define RUN_PATH "r.json: $.models[0].steps[1].runs[0].resources"

Test(report_read, window_resources_are_checked)
{
    resources_refused_with("models.0.steps.1.runs.0", "resources", json_string("none"),
                           RUN_PATH ": expected an object, got a string");
    resources_refused_with(RUN, "window_s", NULL, RUN_PATH ".window_s: missing: expected a number");
    resources_refused_with(RUN, "servers", json_pack("[{}]"),
                           RUN_PATH ".servers: expected one entry per server (2), got 1");
    resources_refused_with(RUN, "servers", json_pack("[{}, i]", 1),
                           RUN_PATH ".servers[1]: expected an object, got an integer");
    resources_refused_with(RUN ".servers.1", "cpu_user_s", json_real(-1),
                           RUN_PATH ".servers[1].cpu_user_s: expected a number >= 0 and at most "
                                    "1.797693135e+308, got -1");
    resources_refused_with(RUN ".servers.0", "peak_rss_bytes", NULL,
                           RUN_PATH ".servers[0].peak_rss_bytes: missing: expected a number");
    resources_refused_with(RUN ".servers.0", "throttled_s", json_string("0"),
                           RUN_PATH ".servers[0].throttled_s: expected a number, got a string");
    resources_refused_with(RUN ".servers.0", "connections", json_integer(-3),
                           RUN_PATH ".servers[0].connections: expected a number >= 0 and at most "
                                    "1.797693135e+308, got -3");
    resources_refused_with(RUN ".wrk", "connections_open", json_true(),
                           RUN_PATH ".wrk.connections_open: expected a number, got a boolean");
    resources_refused_with(RUN, "wrk", json_array(),
                           RUN_PATH ".wrk: expected an object, got an array");
    resources_refused_with(RUN ".machine", "cores", json_integer(0),
                           RUN_PATH ".machine.cores: expected a number > 0 and at most "
                                    "1.797693135e+308, got 0");
    resources_refused_with(RUN ".machine", "foreign_cpu_s", NULL,
                           RUN_PATH ".machine.foreign_cpu_s: missing: expected a number");
    resources_refused_with(RUN, "notes", json_integer(1),
                           RUN_PATH ".notes: expected a string, got an integer");
}

#define SUMMARY "models.0.steps.2.summary"
#define SUMMARY_PATH "r.json: $.models[0].steps[2].summary"

Test(report_read, step_resources_are_checked)
{
    resources_refused_with(SUMMARY, "resources", json_integer(1),
                           SUMMARY_PATH ".resources: expected an object, got an integer");
    resources_refused_with(SUMMARY ".resources", "servers", json_pack("[{}, {}, {}, {}, {}]"),
                           SUMMARY_PATH ".resources.servers: expected one entry per server (4), "
                                        "got 5");
    resources_refused_with(SUMMARY ".resources", "cpu_s", NULL,
                           SUMMARY_PATH ".resources.cpu_s: missing: expected a number");
    resources_refused_with(SUMMARY ".resources", "requests_per_cpu_s", json_real(-2),
                           SUMMARY_PATH ".resources.requests_per_cpu_s: expected a number >= 0 "
                                        "and at most 1.797693135e+308, got -2");
    resources_refused_with(SUMMARY ".resources.servers.3", "cpu_system_s", json_null(),
                           SUMMARY_PATH ".resources.servers[3].cpu_system_s: expected a number, "
                                        "got null");
    resources_refused_with(SUMMARY ".resources.servers.3", "requests_per_cpu_s", json_string("1"),
                           SUMMARY_PATH ".resources.servers[3].requests_per_cpu_s: expected a "
                                        "number, got a string");
}

/* parts[index] of the thread model's 4-server breakdown, with key set to value (NULL:
 * removed). */
static void part_refused(size_t index, const char *key, json_t *value, const char *expected)
{
    json_t *json = resources_json();
    json_t *part = json_array_get(at(json, SUMMARY ".breakdown.parts"), index);
    if (value == NULL)
        json_object_del(part, key);
    else
        json_object_set_new(part, key, value);
    read_refused(json, expected);
}

Test(report_read, breakdowns_are_checked)
{
    resources_refused_with(SUMMARY, "breakdown", json_array(),
                           SUMMARY_PATH ".breakdown: expected an object, got an array");
    resources_refused_with(SUMMARY ".breakdown", "ideal", NULL,
                           SUMMARY_PATH ".breakdown.ideal: missing: expected a number");
    resources_refused_with(SUMMARY ".breakdown", "lost", json_real(1000),
                           SUMMARY_PATH ".breakdown.lost: expected \"ideal\" - \"measured\" "
                                        "(2200), got 1000");
    resources_refused_with(SUMMARY ".breakdown", "parts", json_object(),
                           SUMMARY_PATH ".breakdown.parts: expected an array, got an object");
    part_refused(2, "lost", json_real(-1),
                 SUMMARY_PATH ".breakdown.parts[2].lost: expected a number >= 0 and at most "
                              "1.797693135e+308, got -1");
    part_refused(1, "part", json_string("gremlins"),
                 SUMMARY_PATH ".breakdown.parts[1].part: unknown part (expected "
                              "\"front_imbalance\", \"throttling\", \"cpu_starvation\", "
                              "\"load_generator\", \"shared_service\" or \"system\")");
    part_refused(1, "part", json_string("system"),
                 SUMMARY_PATH ".breakdown.parts[4].part: \"system\" is listed twice");
    part_refused(0, "part", NULL,
                 SUMMARY_PATH ".breakdown.parts[0].part: missing: expected a string");
    part_refused(3, "evidence", json_integer(5),
                 SUMMARY_PATH ".breakdown.parts[3].evidence: expected a string, got an integer");
    part_refused(4, "lost", json_real(300),
                 SUMMARY_PATH ".breakdown.parts: the parts sum to 2100, not to \"lost\" 2200 "
                              "(beyond rounding)");
    json_t *json = resources_json();
    json_array_append_new(at(json, SUMMARY ".breakdown.parts"), json_null());
    read_refused(json, SUMMARY_PATH ".breakdown.parts[5]: expected an object, got null");
    resources_refused_with(SUMMARY ".breakdown", "largest", json_string("system"),
                           SUMMARY_PATH ".breakdown.largest: \"front_imbalance\" lost 1800, "
                                        "more than \"system\" (400)");
    resources_refused_with(SUMMARY ".breakdown", "largest", json_string("luck"),
                           SUMMARY_PATH ".breakdown.largest: expected the name of a part listed "
                                        "in \"parts\"");
    resources_refused_with(SUMMARY ".breakdown", "largest", NULL,
                           SUMMARY_PATH ".breakdown.largest: missing: expected a string");
    /* Within rounding: parts rounded to a tenth of a request per second still add up. */
    json = resources_json();
    json_object_set_new(json_array_get(at(json, SUMMARY ".breakdown.parts"), 4), "lost",
                        json_real(400.4));
    report_doc doc;
    read_doc(&doc, json);
    cr_assert_eq(doc.models[0].steps[2].summary.breakdown.parts[REPORT_LOSS_SYSTEM].lost, 400.4);
    report_doc_free(&doc);
}

Test(report_read, a_disturbed_step_must_be_flagged_and_invalid)
{
    const char *path = "models.1.steps.2.summary";
    resources_refused_with(path, "disturbed", json_string("yes"),
                           "r.json: $.models[1].steps[2].summary.disturbed: expected a boolean, "
                           "got a string");
    resources_refused_with(path, "valid", json_true(),
                           "r.json: $.models[1].steps[2].summary.disturbed: true, but the step is "
                           "valid: a disturbed step is not");
    resources_refused_with(path, "flags", json_pack("[s]", "generator saturated"),
                           "r.json: $.models[1].steps[2].summary.disturbed: true, but no flag "
                           "says \"disturbed: ...\" with the figure that tripped it");
}

/* Two clients' figures for a run, requests 100 and 200. */
static json_t *two_clients(void)
{
    return json_pack("[{s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:f},"
                     " {s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:f}]",
                     "host", "local", "connections", 2, "threads", 1, "requests", 100.0,
                     "throughput", 95.5, "latency_ms", "p50", 1.5, "p99", 3.0, "errors", 0.0,
                     "wrk_cpu", 0.25, "host", "root@198.18.0.7", "connections", 2, "threads", 2,
                     "requests", 200.0, "throughput", 190.0, "latency_ms", "p50", 1.0, "p99", 2.0,
                     "errors", 1.0, "wrk_cpu", 0.95);
}

/* The fixture with two clients in the second step's first run, edited at path/key. */
static void clients_refused_with(const char *path, const char *key, json_t *value,
                                 const char *expected)
{
    json_t *json = fixture_json();
    edit(json, "models.0.steps.1.runs.0", "clients", two_clients());
    edit(json, path, key, value);
    read_refused(json, expected);
}

/* runs[k].clients is optional (reports before several clients lack it); present, every
 * client's every field is checked and named by its path. */
Test(report_read, a_runs_clients_are_read_and_checked)
{
    json_t *json = fixture_json();
    edit(json, "models.0.steps.1.runs.0", "clients", two_clients());
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    json_decref(json);
    const report_step *step = &doc.models[0].steps[1];
    cr_assert_eq(step->run_clients[0].n, 2);
    cr_assert_eq(step->run_clients[1].n, 0, "a run without clients");
    const report_client *c = &step->run_clients[0].clients[1];
    cr_assert_str_eq(c->host, "root@198.18.0.7");
    cr_assert(c->connections == 2 && c->threads == 2 && c->requests == 200 &&
              c->throughput == 190 && c->p50_ms == 1 && c->p99_ms == 2 && c->errors == 1 &&
              c->wrk_cpu == 0.95);
    cr_assert(c->has_wrk_cpu);
    report_doc_free(&doc);
    /* A wrk CPU not known (a remote host that did not report it) is null, and read as such. */
    json = fixture_json();
    edit(json, "models.0.steps.1.runs.0", "clients", two_clients());
    edit(json, "models.0.steps.1.runs.0.clients.1", "wrk_cpu", json_null());
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    json_decref(json);
    cr_assert_not(doc.models[0].steps[1].run_clients[0].clients[1].has_wrk_cpu);
    cr_assert(doc.models[0].steps[1].run_clients[0].clients[0].has_wrk_cpu);
    report_doc_free(&doc);

    const char *run = "models.0.steps.1.runs.0", *first = "models.0.steps.1.runs.0.clients.0";
    clients_refused_with(run, "clients", json_array(),
                         "r.json: $.models[0].steps[1].runs[0].clients: expected one client at "
                         "least, got an empty array");
    clients_refused_with(run, "clients", json_string("local"),
                         "r.json: $.models[0].steps[1].runs[0].clients: expected an array, got a "
                         "string");
    clients_refused_with("models.0.steps.1.runs.0.clients.1", "host", NULL,
                         "r.json: $.models[0].steps[1].runs[0].clients[1].host: missing: "
                         "expected a string");
    clients_refused_with(first, "connections", json_integer(0),
                         "r.json: $.models[0].steps[1].runs[0].clients[0].connections: expected "
                         "an integer >= 1, got 0");
    clients_refused_with(first, "threads", json_integer(3),
                         "r.json: $.models[0].steps[1].runs[0].clients[0].threads: expected at "
                         "most the client's 2 connections, got 3");
    clients_refused_with("models.0.steps.1.runs.0.clients.0.latency_ms", "p99", json_string("slow"),
                         "r.json: $.models[0].steps[1].runs[0].clients[0].latency_ms.p99: "
                         "expected a number, got a string");
    clients_refused_with(first, "wrk_cpu", json_real(-0.5),
                         "r.json: $.models[0].steps[1].runs[0].clients[0].wrk_cpu: expected a "
                         "number >= 0 and at most 1.797693135e+308, got -0.5");
    clients_refused_with(run, "requests", json_real(999),
                         "r.json: $.models[0].steps[1].runs[0].clients: the clients' requests add "
                         "up to 300, the run's are 999");
}

/* Each model's "target" is optional (older reports have none) and, when there, checked; the
 * route is the workload's when the scenario has one. */
Test(report_read, targets_and_the_workload_are_read)
{
    json_t *json = fixture_json();
    edit(json, "models.0", "target",
         json_pack("{s:s, s:s}", "kind", "twice-app", "model", "thread"));
    json_t *second = json_deep_copy(at(json, "models.0"));
    json_object_set_new(second, "model", json_string("gunicorn"));
    json_object_set_new(second, "target",
                        json_pack("{s:s, s:s, s:s}", "kind", "command", "command",
                                  "gunicorn -b {host}:{port} app:app", "cwd", "../targets/flask"));
    json_array_append_new(at(json, "models"), second);
    json_t *target = json_deep_copy(at(json, "scenario.target"));
    edit(json, "scenario", "target", NULL);
    json_object_set_new(target, "route", json_string("/ctx?id={id}"));
    edit(json, "scenario", "workload", target);
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(doc.route, "/ctx?id={id}");
    cr_assert(doc.models[0].target.present);
    cr_assert_str_eq(doc.models[0].target.kind, "twice-app");
    cr_assert_str_eq(doc.models[0].target.model, "thread");
    cr_assert_null(doc.models[0].target.command);
    cr_assert_str_eq(doc.models[1].target.command, "gunicorn -b {host}:{port} app:app");
    cr_assert_str_eq(doc.models[1].target.cwd, "../targets/flask");
    report_doc_free(&doc);
    json_decref(json);

    refused_with("models.0", "target", json_string("thread"),
                 "r.json: $.models[0].target: expected an object, got a string");
    refused_with("models.0", "target", json_pack("{s:s}", "kind", "docker"),
                 "r.json: $.models[0].target.kind: expected \"twice-app\" or \"command\"");
    refused_with("models.0", "target", json_pack("{s:s}", "kind", "twice-app"),
                 "r.json: $.models[0].target.model: missing: expected a string");
    refused_with("models.0", "target", json_pack("{s:s, s:i}", "kind", "command", "command", 1),
                 "r.json: $.models[0].target.command: expected a string, got an integer");
}

/* wrk's open connections may not have been counted (null): the figure is then absent, and the
 * rest of the window is read. */
Test(report_read, uncounted_wrk_connections_are_absent_not_an_error)
{
    json_t *json = resources_json();
    edit(json, "models.0.steps.1.runs.0.resources.wrk", "connections_open", json_null());
    report_doc doc;
    read_doc(&doc, json);
    const report_window_resources *w = &doc.models[0].steps[1].run_resources[0];
    cr_assert(w->has_wrk);
    cr_assert_not(w->has_wrk_connections_open);
    cr_assert_gt(w->wrk_connections_asked, 0);
    report_doc_free(&doc);
}

/* A gain (summary.gain) on the resources fixture's 4-server step: 1000 req/s above the ideal. */
static json_t *gain_object(double gained)
{
    return json_pack("{s:f, s:f, s:f, s:n, s:n, s:s}", "ideal", 8000.0, "measured", 9000.0,
                     "gained", gained, "requests_per_cpu_s", "interrupt_s_per_request",
                     "evidence", "the servers served more per CPU-second");
}

Test(report_read, gains_are_checked)
{
    json_t *json = resources_json();
    edit(json, SUMMARY, "gain", gain_object(1000));
    report_doc doc;
    read_doc(&doc, json);
    const report_gain *g = &doc.models[0].steps[2].summary.gain;
    cr_assert(g->present);
    cr_assert_float_eq(g->gained, 1000, 1e-9);
    cr_assert_str_eq(g->evidence, "the servers served more per CPU-second");
    cr_assert_eq(doc.models[0].steps[1].summary.gain.present, 0, "a step without one");
    report_doc_free(&doc);
    resources_refused_with(SUMMARY, "gain", gain_object(900),
                           SUMMARY_PATH ".gain.gained: expected \"measured\" - \"ideal\" (1000), "
                                        "got 900");
    json = resources_json();
    json_t *no_evidence = gain_object(1000);
    json_object_del(no_evidence, "evidence");
    edit(json, SUMMARY, "gain", no_evidence);
    read_refused(json, SUMMARY_PATH ".gain.evidence: missing: expected a string");
    resources_refused_with(SUMMARY, "gain", json_string("much"),
                           SUMMARY_PATH ".gain: expected an object, got a string");
}
