/*
 * test_scenario.c - scenario files: a good one with its defaults, and bad
 * ones, each with the message, line and column it must produce.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scenario.h"

static scenario sc;
static char err[1024];

static void fini(void)
{
    scenario_free(&sc);
}

TestSuite(scenario, .fini = fini);

static int parse(const char *text)
{
    err[0] = '\0';
    return scenario_parse(&sc, "s.json", text, strlen(text), err, sizeof(err));
}

Test(scenario, a_full_scenario)
{
    const char *text = "{\n"
                       "  \"name\": \"full\",\n"
                       "  \"target\": {\"app\": \"twice-app\", \"route\": \"/ctx?id=x\",\n"
                       "             \"workers\": 2, \"threads\": 4, \"check\": \"ctx\"},\n"
                       "  \"models\": [\"process\", \"coroutine\"],\n"
                       "  \"servers\": [1, 2, 4, 8],\n"
                       "  \"connections_per_server\": 32, \"warmup_s\": 0.5, \"duration_s\": 2,\n"
                       "  \"repetitions\": 3, \"front\": \"direct\", \"cpu_cap\": 0.5,\n"
                       "  \"gate\": {\"min_efficiency\": 0.9, \"max_p99_ms\": 50}\n"
                       "}\n";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_str_eq(sc.name, "full");
    cr_assert_str_eq(sc.app, "twice-app");
    cr_assert_null(sc.command);
    cr_assert_str_eq(sc.route, "/ctx?id=x");
    cr_assert_eq(sc.workers, 2);
    cr_assert_eq(sc.threads, 4);
    cr_assert_eq(sc.check, SCENARIO_CHECK_CTX);
    cr_assert_eq(sc.nmodels, 2);
    cr_assert_str_eq(sc.models[1], "coroutine");
    cr_assert_eq(sc.nservers, 4);
    cr_assert_eq(sc.servers[3], 8);
    cr_assert_eq(sc.connections_per_server, 32);
    cr_assert_float_eq(sc.warmup_s, 0.5, 1e-9);
    cr_assert_float_eq(sc.duration_s, 2, 1e-9);
    cr_assert_eq(sc.repetitions, 3);
    cr_assert_eq(sc.front, SCENARIO_FRONT_DIRECT);
    cr_assert_float_eq(sc.cpu_cap, 0.5, 1e-9);
    cr_assert(sc.gate.has_min_efficiency && !sc.gate.has_max_sigma && sc.gate.has_max_p99_ms);
    cr_assert_float_eq(sc.gate.min_efficiency, 0.9, 1e-9);
}

Test(scenario, defaults_and_an_external_command)
{
    const char *text = "{\"name\": \"ext\", \"target\": {\"command\": \"srv --port {port}\", "
                       "\"route\": \"/\"}, \"servers\": [1]}";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_str_eq(sc.command, "srv --port {port}");
    cr_assert_eq(sc.nmodels, 0);
    cr_assert_eq(sc.workers, 1);
    cr_assert_eq(sc.connections_per_server, 16);
    cr_assert_float_eq(sc.duration_s, 5, 1e-9);
    cr_assert_float_eq(sc.warmup_s, 1, 1e-9);
    cr_assert_eq(sc.repetitions, 1);
    cr_assert_eq(sc.front, SCENARIO_FRONT_REUSEPORT);
    cr_assert_eq(sc.check, SCENARIO_CHECK_STATUS);
    cr_assert_float_eq(sc.cpu_cap, 0, 1e-9);
}

#define BASE_TARGET "\"target\": {\"app\": \"twice-app\", \"route\": \"/json\"}"

Test(scenario, bad_files_say_what_and_where)
{
    struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"{\"name\": \"x\",\n \"target\": {\"app\": \"twice-app\" \"route\": \"/\"}}",
         "s.json:2:38: '}' expected near '\"route\"'"}, /* a syntax error, located by jansson */
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"conections_per_server\": 4}",
         "s.json:2:3: unknown key \"conections_per_server\"; did you mean "
         "\"connections_per_server\"?"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1], "
         "\"zzzz\": 1}",
         "unknown key \"zzzz\" in the scenario"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": []}",
         "s.json:1:99: \"servers\" must be a non-empty list of server counts"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1, 4, 2]}",
         "s.json:1:106: server counts must increase, but 2 follows 4"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"duration_s\": 0}",
         "s.json:2:17: \"duration_s\" must be > 0 and at most 3600, got 0"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"repetitions\": \"3\"}",
         "s.json:2:18: \"repetitions\" must be a whole number from 1 to 100, got a string"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"fibers\"], \"servers\": [1]}",
         "s.json:1:76: unknown model \"fibers\""},
        {"{\"name\": \"x\", " BASE_TARGET ", \"servers\": [1]}", "\"models\" is required"},
        {"{\"name\": \"x\", \"target\": {\"route\": \"/\"}, \"servers\": [1]}",
         "\"target\" needs exactly one of \"app\" (\"twice-app\") and \"command\""},
        {"{\"name\": \"x\", \"target\": {\"app\": \"twice-app\", \"route\": \"json\"}, "
         "\"models\": [\"process\"], \"servers\": [1]}",
         "\"target.route\" must start with '/', got \"json\""},
        {"{\"name\": \"x\", \"target\": {\"command\": \"srv\", \"route\": \"/\"}, "
         "\"servers\": [1]}",
         "\"target.command\" must contain {port}"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1], "
         "\"front\": \"haproxy\"}",
         "\"front\" must be one of \"reuseport\", \"direct\", got \"haproxy\""},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1], "
         "\"gate\": {\"min_eficiency\": 0.9}}",
         "did you mean \"min_efficiency\"?"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1], "
         "\"gate\": {\"min_efficiency\": 1.5}}",
         "\"gate.min_efficiency\" must be > 0 and at most 1, got 1.5"},
        {"[1, 2]", "s.json:1:1: a scenario is a JSON object, got an array"},
        {"{\"name\": \"\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1]}",
         "\"name\" must be a non-empty string, got \"\""},
        {"{\"name\": \"x\", \"name\": \"y\"}", "duplicate object key"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(parse(cases[i].text), -1, "case %zu should fail", i);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: got \"%s\", expected \"%s\"", i,
                  err, cases[i].message);
        scenario_free(&sc);
    }
}

Test(scenario, a_missing_file_is_named)
{
    cr_assert_eq(scenario_load(&sc, "/nonexistent/x.json", err, sizeof(err)), -1);
    cr_assert_str_eq(err, "/nonexistent/x.json: No such file or directory");
}

Test(scenario, every_shipped_scenario_is_valid)
{
    const char *shipped[] = {SCENARIOS_DIR "/quick.json",      SCENARIOS_DIR "/io-wait.json",
                             SCENARIOS_DIR "/cpu-capped.json", SCENARIOS_DIR "/context.json",
                             SCENARIOS_DIR "/contention.json", SCENARIOS_DIR "/models.json"};
    for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
        cr_assert_eq(scenario_load(&sc, shipped[i], err, sizeof(err)), 0, "%s", err);
        scenario_free(&sc);
    }
}
