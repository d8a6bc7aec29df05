/*
 * test_scenario_services.c - a scenario's "services": none, the defaults, every
 * setting given, and each bad case with the message, line and column it must
 * produce.
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

TestSuite(scenario_services, .fini = fini);

/* A valid scenario whose second line is "services": followed by services. */
static int parse_services(const char *services)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"name\": \"db\", \"target\": {\"app\": \"twice-app\", \"route\": \"/db/read\"}, "
             "\"models\": [\"process\"], \"servers\": [1],\n"
             "\"services\": %s}",
             services);
    err[0] = '\0';
    scenario_free(&sc);
    return scenario_parse(&sc, "s.json", text, strlen(text), err, sizeof(err));
}

Test(scenario_services, a_scenario_without_services_has_none)
{
    const char *text = "{\"name\": \"x\", \"target\": {\"app\": \"twice-app\", \"route\": \"/\"}, "
                       "\"models\": [\"thread\"], \"servers\": [1]}";
    cr_assert_eq(scenario_parse(&sc, "s.json", text, strlen(text), err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(sc.services.postgres.enabled, 0);
}

Test(scenario_services, an_empty_postgres_takes_the_defaults)
{
    cr_assert_eq(parse_services("{\"postgres\": {}}"), 0, "%s", err);
    cr_assert_eq(sc.services.postgres.enabled, 1);
    cr_assert_eq(sc.services.postgres.rows, SCENARIO_POSTGRES_DEFAULT_ROWS);
    cr_assert_eq(sc.services.postgres.max_connections, SCENARIO_POSTGRES_DEFAULT_CONNECTIONS);
    cr_assert_eq(sc.services.postgres.cpu_cap, 0);
    cr_assert_eq(sc.services.postgres.synchronous_commit, 0);
}

Test(scenario_services, every_setting_given)
{
    cr_assert_eq(parse_services("{\"postgres\": {\"rows\": 500, \"max_connections\": 200, "
                                "\"cpu_cap\": 0.5, \"synchronous_commit\": true}}"),
                 0, "%s", err);
    cr_assert_eq(sc.services.postgres.enabled, 1);
    cr_assert_eq(sc.services.postgres.rows, 500);
    cr_assert_eq(sc.services.postgres.max_connections, 200);
    cr_assert_float_eq(sc.services.postgres.cpu_cap, 0.5, 1e-12);
    cr_assert_eq(sc.services.postgres.synchronous_commit, 1);
    cr_assert_eq(parse_services("{\"postgres\": {\"synchronous_commit\": false}}"), 0, "%s", err);
    cr_assert_eq(sc.services.postgres.synchronous_commit, 0);
}

Test(scenario_services, the_bounds_themselves_are_accepted)
{
    cr_assert_eq(parse_services("{\"postgres\": {\"rows\": 1, \"max_connections\": 10000, "
                                "\"cpu_cap\": 0.01}}"),
                 0, "%s", err);
    cr_assert_eq(sc.services.postgres.rows, 1);
    cr_assert_eq(sc.services.postgres.max_connections, 10000);
    cr_assert_eq(parse_services("{\"postgres\": {\"rows\": 10000000, \"cpu_cap\": 1024}}"), 0, "%s",
                 err);
    cr_assert_eq(sc.services.postgres.rows, 10000000);
}

Test(scenario_services, bad_services_say_what_and_where)
{
    struct {
        const char *services;
        const char *message;
    } cases[] = {
        {"[]", "s.json:2:13: \"services\" must be an object, got an array"},
        {"{\"postgress\": {}}",
         "s.json:2:14: unknown key \"postgress\"; did you mean \"postgres\"?"},
        {"{\"postgres\": 1}", "s.json:2:26: \"services.postgres\" must be an object, got an "
                              "integer"},
        {"{\"postgres\": {\"row\": 5}}",
         "s.json:2:27: unknown key \"row\"; did you mean \"rows\"?"},
        {"{\"postgres\": {\"rows\": 0}}",
         "s.json:2:35: \"services.postgres.rows\" must be a whole number from 1 to 10000000, "
         "got 0"},
        {"{\"postgres\": {\"rows\": 10000001}}",
         "s.json:2:35: \"services.postgres.rows\" must be a whole number from 1 to 10000000, "
         "got 10000001"},
        {"{\"postgres\": {\"rows\": 1.5}}",
         "s.json:2:35: \"services.postgres.rows\" must be a whole number from 1 to 10000000, "
         "got a number"},
        {"{\"postgres\": {\"max_connections\": \"200\"}}",
         "s.json:2:46: \"services.postgres.max_connections\" must be a whole number from 1 to "
         "10000, got a string"},
        {"{\"postgres\": {\"max_connections\": 0}}",
         "s.json:2:46: \"services.postgres.max_connections\" must be a whole number from 1 to "
         "10000, got 0"},
        {"{\"postgres\": {\"cpu_cap\": 0.001}}",
         "s.json:2:38: \"services.postgres.cpu_cap\" must be a number from 0.01 to 1024, got "
         "0.001"},
        {"{\"postgres\": {\"cpu_cap\": 2000}}",
         "s.json:2:38: \"services.postgres.cpu_cap\" must be a number from 0.01 to 1024, got "
         "2000"},
        {"{\"postgres\": {\"cpu_cap\": true}}",
         "s.json:2:38: \"services.postgres.cpu_cap\" must be a number from 0.01 to 1024, got "
         "a boolean"},
        {"{\"postgres\": {\"synchronous_commit\": \"on\"}}",
         "s.json:2:49: \"services.postgres.synchronous_commit\" must be true or false, got a "
         "string"},
        {"{\"postgres\": {\"synchronous_commit\": 1}}",
         "s.json:2:49: \"services.postgres.synchronous_commit\" must be true or false, got an "
         "integer"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(parse_services(cases[i].services), -1, "%s should be refused",
                     cases[i].services);
        cr_expect_str_eq(err, cases[i].message, "%s gave: %s", cases[i].services, err);
    }
}

Test(scenario_services, a_target_that_needs_a_database_needs_the_service)
{
    const char *command = "{\"name\": \"x\",\n\"target\": {\"command\": \"app --port {port} "
                          "--db {db}\", \"route\": \"/\"}, \"servers\": [1]}";
    cr_assert_eq(scenario_parse(&sc, "s.json", command, strlen(command), err, sizeof(err)), -1);
    cr_assert_str_eq(err, "s.json:2:23: \"target.command\" uses {db}, but the scenario has no "
                          "database: add \"services\": {\"postgres\": {}}");
    scenario_free(&sc);
    const char *route = "{\"name\": \"x\", \"target\": {\"app\": \"twice-app\",\n\"route\": "
                        "\"/db/read?id=1\"}, \"models\": [\"thread\"], \"servers\": [1]}";
    cr_assert_eq(scenario_parse(&sc, "s.json", route, strlen(route), err, sizeof(err)), -1);
    cr_assert_str_eq(err, "s.json:2:10: \"target.route\" /db/read?id=1 needs a database: add "
                          "\"services\": {\"postgres\": {}}");
}

/* The same in a scenario of targets: a command's {db}, or a twice-app target on a /db route. */
Test(scenario_services, a_target_of_a_list_that_needs_a_database_needs_the_service)
{
    const char *command = "{\"name\": \"x\", \"workload\": {\"route\": \"/\"}, \"targets\": [\n"
                          "{\"label\": \"a\", \"command\": \"app --port {port} --db {db}\"}],"
                          " \"servers\": [1]}";
    cr_assert_eq(scenario_parse(&sc, "s.json", command, strlen(command), err, sizeof(err)), -1);
    cr_assert_str_eq(err, "s.json:2:27: \"targets[0].command\" uses {db}, but the scenario has no "
                          "database: add \"services\": {\"postgres\": {}}");
    scenario_free(&sc);
    const char *route = "{\"name\": \"x\",\n\"workload\": {\"route\": \"/db/read?id=1\"},"
                        " \"targets\": [{\"label\": \"t\", \"app\": \"twice-app\", \"model\":"
                        " \"thread\"}], \"servers\": [1]}";
    cr_assert_eq(scenario_parse(&sc, "s.json", route, strlen(route), err, sizeof(err)), -1);
    cr_assert_str_eq(err, "s.json:2:23: \"workload.route\" /db/read?id=1 needs a database: add "
                          "\"services\": {\"postgres\": {}}");
}
