/*
 * test_scenario_targets.c - a scenario's "workload" and "targets": twice-app
 * targets in a model and command targets with a folder, each field's
 * defaults and overrides, and every bad case with the message, line and
 * column it must produce; the older "target" + "models" form meets the new
 * one only in an error that names both.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static scenario sc;
static char err[1024];

static void fini(void)
{
    scenario_free(&sc);
}

TestSuite(scenario_targets, .fini = fini);

/* The scenario file sits in scenarios/, so that "../targets/flask" is a real folder. */
#define FILE_NAME SCENARIOS_DIR "/s.json"

static int parse(const char *text)
{
    err[0] = '\0';
    scenario_free(&sc);
    return scenario_parse(&sc, FILE_NAME, text, strlen(text), err, sizeof(err));
}

Test(scenario_targets, twice_app_and_commands_side_by_side)
{
    const char *text =
        "{\"name\": \"peers\",\n"
        " \"workload\": {\"route\": \"/ctx?id={id}&ms=5\", \"check\": \"ctx\", \"threads\": 16},\n"
        " \"targets\": [\n"
        "  {\"label\": \"twice-thread\", \"app\": \"twice-app\", \"model\": \"thread\"},\n"
        "  {\"label\": \"twice-process\", \"app\": \"twice-app\", \"model\": \"process\",\n"
        "   \"workers\": 4, \"threads\": 2, \"db_pool\": 3},\n"
        "  {\"label\": \"gunicorn-sync\", \"command\": \"gunicorn -b {host}:{port} app:app\",\n"
        "   \"cwd\": \"../targets/flask\"},\n"
        "  {\"label\": \"abs\", \"command\": \"srv {port}\", \"cwd\": \"/\"}],\n"
        " \"servers\": [1, 2]}\n";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_str_eq(sc.route, "/ctx?id={id}&ms=5");
    cr_assert_eq(sc.check, SCENARIO_CHECK_CTX);
    cr_assert_eq(sc.ntargets, 4);
    const scenario_target *t = sc.targets;
    cr_assert_str_eq(t[0].label, "twice-thread");
    cr_assert_eq(t[0].kind, SCENARIO_TARGET_APP);
    cr_assert_str_eq(t[0].model, "thread");
    cr_assert_eq(t[0].workers, 1, "the workload's default");
    cr_assert_eq(t[0].threads, 16, "the workload's value");
    cr_assert_eq(t[0].db_pool, 0, "no limit unless the target sets one");
    cr_assert_str_eq(t[0].where, "targets[0]");
    cr_assert_eq(t[1].workers, 4, "overridden per target");
    cr_assert_eq(t[1].threads, 2);
    cr_assert_eq(t[1].db_pool, 3);
    cr_assert_eq(t[2].kind, SCENARIO_TARGET_COMMAND);
    cr_assert_str_eq(t[2].command, "gunicorn -b {host}:{port} app:app");
    cr_assert_str_eq(t[2].cwd, "../targets/flask", "as the file gives it, for the report");
    cr_assert_str_eq(t[2].cwd_path, SCENARIOS_DIR "/../targets/flask");
    cr_assert_eq(t[2].command_line, 7);
    cr_assert_eq(t[2].command_column, 41);
    cr_assert_null(t[2].model);
    cr_assert_str_eq(t[3].cwd_path, "/", "an absolute folder is taken as it is");
}

#define WORKLOAD "\"workload\": {\"route\": \"/json\"}"
#define APP(label) "{\"label\": \"" label "\", \"app\": \"twice-app\", \"model\": \"thread\"}"

Test(scenario_targets, bad_targets_say_what_and_where)
{
    struct {
        const char *text, *message;
    } cases[] = {
        {"{\"name\": \"x\", " WORKLOAD
         ", \"targets\": [" APP("a") "],\n"
                                     " \"models\": [\"thread\"], \"servers\": [1]}",
         "s.json:2:2: \"models\" and \"targets\" together: list twice-app's models in "
         "\"targets\""},
        {"{\"name\": \"x\", \"targets\": [" APP(
             "a") "],\n"
                  " \"target\": {\"app\": \"twice-app\", \"route\": \"/\"}, \"servers\": [1]}",
         "s.json:2:2: \"target\" and \"targets\" together: with a \"targets\" list, the route "
         "and check go in \"workload\""},
        {"{\"name\": \"x\", \"target\": {\"app\": \"twice-app\", \"route\": \"/\"},\n"
         " \"models\": [\"thread\"], " WORKLOAD ", \"servers\": [1]}",
         "s.json:2:24: \"workload\" goes with a \"targets\" list"},
        {"{\"name\": \"x\", \"targets\": [" APP("a") "], \"servers\": [1]}",
         "s.json:1:1: \"workload\" is required"},
        {"{\"name\": \"x\", \"workload\": {\"check\": \"ctx\"}, \"targets\": [" APP(
             "a") "], "
                  "\"servers\": [1]}",
         "s.json:1:27: \"workload.route\" is required"},
        {"{\"name\": \"x\", \"workload\": {\"route\": \"/\", \"app\": \"twice-app\"}, \"targets\": "
         "[" APP("a") "], \"servers\": [1]}",
         "s.json:1:42: unknown key \"app\" in workload"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [], \"servers\": [1]}",
         "s.json:1:58: \"targets\" must be a non-empty list of the servers to compare, got []"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": {}, \"servers\": [1]}",
         "\"targets\" must be a non-empty list of the servers to compare, got an object"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [\"thread\"], \"servers\": [1]}",
         "s.json:1:59: \"targets[0]\" must be an object such as {\"label\": \"thread\", "
         "\"app\": \"twice-app\", \"model\": \"thread\"}, got a string"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"app\": \"twice-app\", \"model\": "
         "\"thread\"}], \"servers\": [1]}",
         "s.json:1:59: \"targets[0].label\" is required"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [" APP("a b") "], \"servers\": [1]}",
         "s.json:1:69: \"targets[0].label\" must be 1 to 100 letters, digits, '.', '-' or '_'"},
        {"{\"name\": \"x\", " WORKLOAD
         ", \"targets\": [" APP("a") ",\n " APP("a") "],"
                                                     " \"servers\": [1]}",
         "s.json:2:12: \"targets[1].label\" \"a\" is targets[0]'s label already"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\"}], \"servers\": [1]}",
         "s.json:1:59: \"targets[0]\" needs exactly one of \"app\" (\"twice-app\") and "
         "\"command\""},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": \"twice-app\","
         " \"command\": \"s {port}\"}], \"servers\": [1]}",
         "\"targets[0]\" needs exactly one of \"app\" (\"twice-app\") and \"command\""},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": \"flask\"}],"
         " \"servers\": [1]}",
         "s.json:1:81: \"targets[0].app\" must be \"twice-app\" (for any other server, use "
         "\"command\"), got \"flask\""},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": "
         "\"twice-app\"}], \"servers\": [1]}",
         "s.json:1:59: \"targets[0].model\" is required with \"app\": one of \"process\", "
         "\"thread\", \"coroutine\""},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": "
         "\"twice-app\", \"model\": \"fibers\"}], \"servers\": [1]}",
         "s.json:1:103: \"targets[0].model\" must be one of \"process\", \"thread\", "
         "\"coroutine\", got \"fibers\""},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": "
         "\"twice-app\", \"model\": \"thread\", \"workers\": 0}], \"servers\": [1]}",
         "\"targets[0].workers\" must be a whole number from 1 to 1024, got 0"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": "
         "\"twice-app\", \"model\": \"thread\", \"cwd\": \"/\"}], \"servers\": [1]}",
         "s.json:1:113: \"targets[0].cwd\" applies to a command only"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": \"s "
         "{port}\", \"model\": \"thread\"}], \"servers\": [1]}",
         "s.json:1:97: \"targets[0].model\" applies to twice-app only: a command has its own "
         "concurrency, set in the command"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": \"s "
         "{port}\", \"threads\": 8}], \"servers\": [1]}",
         "\"targets[0].threads\" applies to twice-app only"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": \"s "
         "{port}\", \"db_pool\": 2}], \"servers\": [1]}",
         "\"targets[0].db_pool\" applies to twice-app only"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": "
         "\"twice-app\", \"model\": \"coroutine\", \"db_pool\": 4097}], \"servers\": [1]}",
         "s.json:1:127: \"targets[0].db_pool\" must be a whole number from 0 to 4096, got 4097"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"app\": "
         "\"twice-app\", \"model\": \"coroutine\", \"db_pool\": \"2\"}], \"servers\": [1]}",
         "\"targets[0].db_pool\" must be a whole number from 0 to 4096, got a string"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": "
         "\"srv\"}], \"servers\": [1]}",
         "s.json:1:85: \"targets[0].command\" must contain {port}, where each server's port "
         "goes"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": \"s "
         "{port}\", \"cwd\": \"no-such-folder\"}], \"servers\": [1]}",
         "s.json:1:104: \"targets[0].cwd\" must be a folder (relative to the scenario file's), "
         "but \"" SCENARIOS_DIR "/no-such-folder\" is none"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": \"s "
         "{port}\", \"cwd\": \"s.json\"}], \"servers\": [1]}",
         "\"targets[0].cwd\" must be a folder"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"lable\": \"a\", \"command\": \"s "
         "{port}\"}], \"servers\": [1]}",
         "s.json:1:60: unknown key \"lable\"; did you mean \"label\"?"},
        {"{\"name\": \"x\", " WORKLOAD ", \"targets\": [{\"label\": \"a\", \"command\": \"\"}],"
         " \"servers\": [1]}",
         "\"targets[0].command\" must be a non-empty string, got \"\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(parse(cases[i].text), -1, "case %zu should fail", i);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: got \"%s\", expected \"%s\"", i,
                  err, cases[i].message);
    }
}

Test(scenario_targets, at_most_sixteen_targets)
{
    char text[4096] = "{\"name\": \"many\", " WORKLOAD ", \"targets\": [";
    for (int i = 0; i <= SCENARIO_MAX_TARGETS; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text),
                 "%s{\"label\": \"t%d\", \"command\": \"s {port}\"}", i ? ", " : "", i);
    strcat(text, "], \"servers\": [1]}");
    cr_assert_eq(parse(text), -1);
    cr_assert(strstr(err, "\"targets[16]\"") == NULL && strstr(err, "at most 16 targets") != NULL,
              "%s", err);
    /* One fewer is fine. */
    char *last = strstr(text, ", {\"label\": \"t16\"");
    cr_assert_not_null(last);
    strcpy(last, "], \"servers\": [1]}");
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_eq(sc.ntargets, SCENARIO_MAX_TARGETS);
}
