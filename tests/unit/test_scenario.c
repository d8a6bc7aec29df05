/*
 * test_scenario.c - scenario files: a good one with its defaults, and bad
 * ones, each with the message, line and column it must produce; hostile
 * bytes, names and routes; what a machine can hold.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_positions.h"
#include "scenario.h"
#include "scenario_machine.h"
#include "scenario_strings.h"

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
    scenario_free(&sc); /* what an earlier parse of the test left */
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
                       "  \"connections_per_server\": 32, \"warmup_s\": 1, \"duration_s\": 2,\n"
                       "  \"repetitions\": 3, \"seed\": 9007199254740991, \"front\": \"direct\",\n"
                       "  \"predict\": [16, 4],\n"
                       "  \"cpu_cap\": 0.5,\n"
                       "  \"gate\": {\"min_efficiency\": 0.9, \"max_p99_ms\": 50}\n"
                       "}\n";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_str_eq(sc.name, "full");
    cr_assert_str_eq(sc.route, "/ctx?id=x");
    cr_assert_eq(sc.workers, 2);
    cr_assert_eq(sc.threads, 4);
    cr_assert_eq(sc.check, SCENARIO_CHECK_CTX);
    cr_assert_eq(sc.ntargets, 2, "one twice-app target per model");
    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(sc.targets[i].kind, SCENARIO_TARGET_APP);
        cr_assert_str_eq(sc.targets[i].label, sc.targets[i].model, "labelled by its model");
        cr_assert_eq(sc.targets[i].workers, 2);
        cr_assert_eq(sc.targets[i].threads, 4);
        cr_assert_null(sc.targets[i].command);
    }
    cr_assert_str_eq(sc.targets[1].model, "coroutine");
    cr_assert_eq(sc.nservers, 4);
    cr_assert_eq(sc.servers[3], 8);
    cr_assert_eq(sc.connections_per_server, 32);
    cr_assert_float_eq(sc.warmup_s, 1, 1e-9);
    cr_assert_float_eq(sc.duration_s, 2, 1e-9);
    cr_assert_eq(sc.repetitions, 3);
    cr_assert(sc.has_seed);
    cr_assert_eq(sc.seed, 9007199254740991u);
    cr_assert_eq(sc.npredict, 2);
    cr_assert_eq(sc.predict[0], 16);
    cr_assert_eq(sc.predict[1], 4);
    cr_assert_eq(sc.front, &front_direct);
    cr_assert_null(sc.balance, "direct balances nothing");
    cr_assert_float_eq(sc.cpu_cap, 0.5, 1e-9);
    cr_assert(sc.gate.has_min_efficiency && !sc.gate.has_max_sigma && sc.gate.has_max_p99_ms);
    cr_assert_float_eq(sc.gate.min_efficiency, 0.9, 1e-9);
}

Test(scenario, defaults_and_an_external_command)
{
    const char *text = "{\"name\": \"ext\", \"target\": {\"command\": \"srv --port {port}\", "
                       "\"route\": \"/\"}, \"servers\": [1]}";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_eq(sc.ntargets, 1);
    cr_assert_eq(sc.targets[0].kind, SCENARIO_TARGET_COMMAND);
    cr_assert_str_eq(sc.targets[0].command, "srv --port {port}");
    cr_assert_str_eq(sc.targets[0].label, "external", "the label it always had");
    cr_assert_null(sc.targets[0].cwd);
    cr_assert_eq(sc.targets[0].command_line, 1);
    cr_assert_eq(sc.targets[0].command_column, 39);
    cr_assert_eq(sc.workers, 1);
    cr_assert_eq(sc.connections_per_server, 16);
    cr_assert_float_eq(sc.duration_s, 5, 1e-9);
    cr_assert_float_eq(sc.warmup_s, 1, 1e-9);
    cr_assert_eq(sc.repetitions, 5, "enough repetitions for an interval");
    cr_assert(!sc.has_seed, "the run picks one");
    cr_assert_eq(sc.front, &front_reuseport);
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
         "s.json:2:17: \"duration_s\" must be >= 1 and at most 3600, got 0"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"repetitions\": \"3\"}",
         "s.json:2:18: \"repetitions\" must be a whole number from 1 to 100, got a string"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"predict\": [8, 0]}",
         "s.json:2:18: \"predict[1]\" must be a whole number of servers from 1 to 1000000"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"predict\": 8}",
         "s.json:2:14: \"predict\" must be a list of server counts, such as [8, 16], got an "
         "integer"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"seed\": -1}",
         "s.json:2:11: \"seed\" must be a whole number from 0 to 9007199254740991, got -1"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"seed\": 9007199254740992}",
         "s.json:2:11: \"seed\" must be a whole number from 0 to 9007199254740991, got "
         "9007199254740992"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1],\n"
         "  \"seed\": 1.5}",
         "s.json:2:11: \"seed\" must be a whole number from 0 to 9007199254740991, got a number"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"fibers\"], \"servers\": [1]}",
         "s.json:1:76: unknown model \"fibers\""},
        {"{\"name\": \"x\", " BASE_TARGET ", \"servers\": [1]}", "\"models\" is required"},
        {"{\"name\": \"x\", \"servers\": [1]}", "s.json:1:1: \"targets\" is required"},
        {"{\"name\": \"x\", \"target\": {\"route\": \"/\"}, \"servers\": [1]}",
         "\"target\" needs exactly one of \"app\" (\"twice-app\") and \"command\""},
        {"{\"name\": \"x\", \"target\": {\"app\": \"twice-app\", \"route\": \"json\"}, "
         "\"models\": [\"process\"], \"servers\": [1]}",
         "\"target.route\" must be '/' then URL path and query characters"},
        {"{\"name\": \"x\", \"target\": {\"command\": \"srv\", \"route\": \"/\"}, "
         "\"servers\": [1]}",
         "\"target.command\" must contain {port}"},
        {"{\"name\": \"x\", " BASE_TARGET ", \"models\": [\"process\"], \"servers\": [1], "
         "\"front\": \"nginx\"}",
         "\"front\" must be one of \"reuseport\", \"direct\", \"haproxy\", got \"nginx\""},
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
        /* Columns count characters, not bytes: "\u00e9\u00e9" is two. */
        {"{\"description\": \"\xc3\xa9\xc3\xa9\", \"zzzz\": 1}",
         "s.json:1:23: unknown key \"zzzz\" in the scenario"},
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

/* Every file in scenarios/ is one users copy: each must load on this machine, as `twice
 * validate` loads it (with its programs installed: scripts/deps.sh). */
Test(scenario, every_shipped_scenario_is_valid)
{
    DIR *shipped = opendir(SCENARIOS_DIR);
    cr_assert_not_null(shipped);
    size_t checked = 0;
    struct dirent *entry;
    while ((entry = readdir(shipped)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 5, ".json") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", SCENARIOS_DIR, entry->d_name);
        cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
        scenario_free(&sc);
        checked++;
    }
    closedir(shipped);
    cr_assert_geq(checked, 8, "the shipped scenarios, peers.json and plaintext-peers.json too");
}

/* A scenario with one top-level member added (or replacing a default): VALID_BODY plus
 * extra. */
#define VALID_BODY                                                                                 \
    "\"target\": {\"app\": \"twice-app\", \"route\": \"/json\"}, "                                 \
    "\"models\": [\"process\"], \"servers\": [1]"

static int parse_with(const char *name_json, const char *extra)
{
    char *text;
    cr_assert_geq(
        asprintf(&text, "{\"name\": %s, " VALID_BODY "%s%s}", name_json, *extra ? ", " : "", extra),
        0);
    scenario_free(&sc);
    int rc = parse(text);
    free(text);
    return rc;
}

/* "front" names a front from front.c's table; "balance" goes with a front that balances. */
Test(scenario, front_and_balance)
{
    cr_assert_eq(parse_with("\"f\"", "\"front\": \"haproxy\""), 0, "%s", err);
    cr_assert_eq(sc.front, &front_haproxy);
    cr_assert_str_eq(sc.balance, "roundrobin", "HAProxy's default");
    cr_assert_eq(parse_with("\"f\"", "\"front\": \"haproxy\", \"balance\": \"leastconn\""), 0, "%s",
                 err);
    cr_assert_str_eq(sc.balance, "leastconn");
    cr_assert_eq(parse_with("\"f\"", ""), 0, "%s", err);
    cr_assert_eq(sc.front, &front_reuseport, "the default front");
    cr_assert_null(sc.balance);
    struct {
        const char *extra, *message;
    } cases[] = {
        {"\"front\": \"nginx\"", "s.json:1:113: \"front\" must be one of \"reuseport\", "
                                 "\"direct\", \"haproxy\", got \"nginx\""},
        {"\"front\": 1", "\"front\" must be one of \"reuseport\", \"direct\", \"haproxy\", got "
                         "an integer"},
        {"\"front\": \"haproxy\", \"balance\": \"random\"",
         "\"balance\" must be one of \"roundrobin\", \"leastconn\", got \"random\""},
        {"\"front\": \"direct\", \"balance\": \"leastconn\"",
         "s.json:1:123: \"balance\" applies to a front that balances (\"haproxy\"); front "
         "\"direct\" has none"},
        {"\"balance\": \"roundrobin\"", "front \"reuseport\" has none"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(parse_with("\"f\"", cases[i].extra), -1, "%s", cases[i].extra);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
    }
}

/* A NUL byte is refused where it is, whatever jansson made of it: "[1\0]" once made the
 * position scanner loop forever, "{"a":1\0}" read past the buffer. */
Test(scenario, a_nul_byte_is_refused_with_its_position)
{
    struct {
        const char *text;
        size_t len;
        const char *message;
    } cases[] = {
        {"[1\0]", 4, "s.json:1:3: a NUL byte"},
        {"{\"a\":1\0}", 8, "s.json:1:7: a NUL byte"},
        {"{\"name\": \"x\",\n  \0 \"target\": {}}", 31, "s.json:2:3: a NUL byte"},
        {"{}\0", 3, "s.json:1:3: a NUL byte"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(scenario_parse(&sc, "s.json", cases[i].text, cases[i].len, err, sizeof(err)),
                     -1, "case %zu", i);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
        scenario_free(&sc);
    }
}

/* Positions cost memory in proportion to the text: a scenario is refused past 1 MiB, long
 * before the 16 MiB any input file may be. */
Test(scenario, a_scenario_has_a_size_limit)
{
    size_t len = SCENARIO_MAX_BYTES + 1;
    char *text = malloc(len);
    memset(text, ' ', len);
    memcpy(text, "{}", 2);
    cr_assert_eq(scenario_parse(&sc, "s.json", text, len, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "s.json: is 1048577 bytes; a scenario file is at most 1024 KiB");
    free(text);
}

/* The scanner stands on its own: text that is not JSON ends in an error with a position,
 * never in a loop or a read past the end. */
Test(scenario, the_position_scanner_refuses_what_is_not_json)
{
    const char *bad[] = {"[1",         "[1 2]",      "{\"a\"", "{\"a\":",     "{\"a\" 1}",
                         "{1:2}",      "\"abc",      "[\"\\",  "[\"\\u12\"]", "[\"\\q\"]",
                         "{\"a\":1,}", "[,]",        "]",      "[1]]",        "",
                         "{\"a\":}",   "[\"a\\u00e9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_positions positions;
        json_error_t error;
        cr_assert_eq(json_positions_scan(&positions, bad[i], strlen(bad[i]), &error), -1,
                     "\"%s\" should be refused", bad[i]);
        cr_assert_gt(error.line, 0);
        cr_assert_neq(error.text[0], '\0');
        cr_assert_eq(positions.count, 0);
    }
    /* Nesting beyond the limit is refused, not followed down the stack. */
    size_t depth = JSON_POSITIONS_MAX_DEPTH + 1;
    char *deep = malloc(2 * depth);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    json_positions positions;
    json_error_t error;
    cr_assert_eq(json_positions_scan(&positions, deep, 2 * depth, &error), -1);
    cr_assert(strstr(error.text, "nested deeper than") != NULL, "%s", error.text);
    free(deep);
}

/* Paths are as long as their keys, and keys are unescaped as jansson unescapes them: an
 * error about a long or escaped key points at that key, not at 1:1. */
Test(scenario, positions_of_long_and_escaped_keys)
{
    char key[3000];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    char *text;
    cr_assert_geq(asprintf(&text, "{\"target\": {\"%s\": 1},\n \"\\u00e9t\\u00e9\": 2}", key), 0);
    json_positions positions;
    json_error_t error;
    cr_assert_eq(json_positions_scan(&positions, text, strlen(text), &error), 0, "%s", error.text);
    char *path;
    cr_assert_geq(asprintf(&path, "target.%s", key), 0);
    const json_position *pos = json_positions_find(&positions, path);
    cr_assert_not_null(pos);
    cr_assert_eq(pos->key_column, 13);
    pos = json_positions_find(&positions, "\xc3\xa9t\xc3\xa9");
    cr_assert_not_null(pos);
    cr_assert(pos->key_line == 2 && pos->key_column == 2);
    json_positions_free(&positions);
    free(path);
    free(text);
}

/* The name makes the report's file names: a plain file name, or refused saying what is
 * allowed (and showing what was given escaped). */
Test(scenario, names_are_plain_file_names)
{
    const char *bad[] = {"\"../../x\"",        "\"/etc/x\"",  "\"a/b\"", "\"a\\nb\"",
                         "\"\\u001b[31mred\"", "\".hidden\"", "\"a b\"", "\"caf\\u00e9\"",
                         "\"a\\\\b\"",         "\"\\u0085x\""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_eq(parse_with(bad[i], ""), -1, "%s should be refused", bad[i]);
        cr_assert(strstr(err, "s.json:1:10: \"name\" must be 1 to 100 letters, digits, '.', '-' "
                              "or '_', not starting with '.'") != NULL,
                  "%s: %s", bad[i], err);
        for (const char *p = err; *p != '\0'; p++)
            cr_assert((unsigned char)*p >= 0x20 && *p != 0x7f, "raw control byte in: %s", err);
    }
    cr_assert(strstr(err, "\\u0085") != NULL, "a C1 control is shown escaped: %s", err);
    char long_name[110];
    memset(long_name, 'a', sizeof(long_name));
    snprintf(long_name, sizeof(long_name), "\"%0101d\"", 0);
    cr_assert_eq(parse_with(long_name, ""), -1);
    cr_assert(strstr(err, "(101 bytes)") != NULL, "%s", err);
    cr_assert_eq(parse_with("\"a.b-c_1.X\"", ""), 0, "%s", err);
}

/* A route is a URL path and query: nothing that splits a request line or a Markdown table,
 * and no length that a fixed buffer would cut. */
Test(scenario, routes_are_url_paths_and_queries)
{
    struct {
        const char *route, *problem;
    } bad[] = {
        {"/a b", "(byte 3, \" \", is not allowed)"},
        {"/a\\r\\nHost: x", "(byte 3, \"\\r\", is not allowed)"},
        {"/a\\tb", "(byte 3, \"\\t\", is not allowed)"},
        {"/a#top", "(byte 3, \"#\", is not allowed)"},
        {"/a|b", "(byte 3, \"|\", is not allowed)"},
        {"/%zz", "(byte 2, \"%\", is not followed by two hex digits)"},
        {"/{x}", "(byte 2, \"{\", is not allowed)"},
        {"/\\u00e9", "(byte 2, \"\\xc3\", is not allowed)"},
        {"json", "(it does not start with '/')"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char extra[256];
        snprintf(extra, sizeof(extra), "\"target\": {\"app\": \"twice-app\", \"route\": \"%s\"}",
                 bad[i].route);
        char *text;
        cr_assert_geq(asprintf(&text,
                               "{\"name\": \"r\", %s, \"models\": [\"process\"], "
                               "\"servers\": [1]}",
                               extra),
                      0);
        scenario_free(&sc);
        cr_assert_eq(parse(text), -1, "%s should be refused", bad[i].route);
        cr_assert(strstr(err, "\"target.route\" must be '/' then URL path and query") != NULL, "%s",
                  err);
        cr_assert(strstr(err, bad[i].problem) != NULL, "%s: %s", bad[i].route, err);
        free(text);
    }
    /* Up to the limit and no further, with escapes and {id}. */
    char *route = malloc(SCENARIO_ROUTE_MAX + 2), *text;
    memset(route, 'a', SCENARIO_ROUTE_MAX + 1);
    route[0] = '/';
    route[SCENARIO_ROUTE_MAX] = '\0';
    for (int len = SCENARIO_ROUTE_MAX; len <= SCENARIO_ROUTE_MAX + 1; len++) {
        route[len - 1] = 'a';
        route[len] = '\0';
        cr_assert_geq(asprintf(&text,
                               "{\"name\": \"r\", \"target\": {\"app\": \"twice-app\", "
                               "\"route\": \"%s\"}, \"models\": [\"process\"], "
                               "\"servers\": [1]}",
                               route),
                      0);
        scenario_free(&sc);
        int rc = parse(text);
        free(text);
        if (len == SCENARIO_ROUTE_MAX) {
            cr_assert_eq(rc, 0, "%s", err);
            cr_assert_eq(strlen(sc.route), SCENARIO_ROUTE_MAX, "kept whole");
        } else {
            cr_assert_eq(rc, -1);
            cr_assert(strstr(err, "(4097 bytes; at most 4096)") != NULL, "%s", err);
        }
    }
    free(route);
    scenario_free(&sc);
    cr_assert_eq(parse("{\"name\": \"r\", \"target\": {\"app\": \"twice-app\", \"route\": "
                       "\"/ctx?id={id}&ms=5&q=%2F~_.-!$'()*+,;=:@/?\"}, \"models\": [\"process\"], "
                       "\"servers\": [1]}"),
                 0, "%s", err);
}

/* Strings from the file are shown escaped in every message: keys and values alike. */
Test(scenario, messages_escape_what_they_quote)
{
    cr_assert_eq(parse_with("\"x\"", "\"\\u001b]0;owned\\u0007\": 1"), -1);
    cr_assert(strstr(err, "unknown key \"\\x1b]0;owned\\x07\"") != NULL, "%s", err);
    cr_assert_eq(parse_with("\"x\"", "\"front\": \"\\u001b[2J\""), -1);
    cr_assert(strstr(err, "got \"\\x1b[2J\"") != NULL, "%s", err);
    cr_assert_eq(parse("{\"name\": \"x\", \"target\": {\"app\": \"twice-app\", \"route\": \"/\"},"
                       " \"models\": [\"\\r\\nprocess\"], \"servers\": [1]}"),
                 -1);
    cr_assert(strstr(err, "unknown model \"\\r\\nprocess\"") != NULL, "%s", err);
    /* A long value is cut visibly, saying how long it was. */
    char *text, value[600];
    memset(value, 'v', sizeof(value) - 1);
    value[sizeof(value) - 1] = '\0';
    cr_assert_geq(asprintf(&text, "\"front\": \"%s\"", value), 0);
    cr_assert_eq(parse_with("\"x\"", text), -1);
    cr_assert(strstr(err, "...\" (599 bytes)") != NULL, "%s", err);
    free(text);
}

/* Bound messages print the value as it is: 3600.0001 is not "3600". */
Test(scenario, bound_messages_show_the_value_exactly)
{
    struct {
        const char *extra, *message;
    } cases[] = {
        {"\"duration_s\": 3600.0001", "\"duration_s\" must be >= 1 and at most 3600, got "
                                      "3600.0001"},
        {"\"warmup_s\": -1e-9", "\"warmup_s\" must be >= 0 and at most 3600, got -1e-09"},
        {"\"gate\": {\"max_sigma\": 1.0000000000000002}",
         "\"gate.max_sigma\" must be >= 0 and at most 1, got 1.0000000000000002"},
        {"\"gate\": {\"max_p99_ms\": 3600000.5}",
         "\"gate.max_p99_ms\" must be > 0 and at most 3600000, got 3600000.5"},
        {"\"cpu_cap\": 1024.001", "\"cpu_cap\" must be >= 0.01 and at most 1024, got 1024.001"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(parse_with("\"b\"", cases[i].extra), -1, "%s", cases[i].extra);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
    }
}

/* Values a run could not honour: wrk runs whole seconds, cgroups cap at 1% of a core. */
Test(scenario, durations_and_caps_a_run_can_honour)
{
    struct {
        const char *extra, *message;
    } cases[] = {
        {"\"duration_s\": 1e-300", "\"duration_s\" must be >= 1 and at most 3600, got 1e-300"},
        {"\"duration_s\": 2.5", "\"duration_s\" must be a whole number of seconds (wrk runs "
                                "whole seconds), got 2.5"},
        {"\"warmup_s\": 0.5", "\"warmup_s\" must be a whole number of seconds"},
        {"\"cpu_cap\": 1e-300", "\"cpu_cap\" must be >= 0.01 and at most 1024, got 1e-300"},
        {"\"cpu_cap\": 0", "\"cpu_cap\" must be >= 0.01"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(parse_with("\"b\"", cases[i].extra), -1, "%s", cases[i].extra);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
    }
    cr_assert_eq(parse_with("\"b\"", "\"duration_s\": 2.0, \"warmup_s\": 0, \"cpu_cap\": 0.01"), 0,
                 "%s", err);
    cr_assert_float_eq(sc.duration_s, 2, 1e-9);
}

/* Products of values each in range can still be more than a machine holds. */
Test(scenario, the_largest_step_must_fit_the_machine)
{
    const machine_limits small = {.open_files = 4096,
                                  .ports = 28232,
                                  .tasks = 4096,
                                  .open_files_from = "ulimit -n",
                                  .ports_from = "net.ipv4.ip_local_port_range",
                                  .tasks_from = "kernel.threads-max"};
    cr_assert_eq(parse("{\"name\": \"m\", \"target\": {\"app\": \"twice-app\", \"route\": \"/\","
                       " \"workers\": 4, \"threads\": 64}, \"models\": [\"process\", \"thread\"],"
                       " \"servers\": [1, 16], \"connections_per_server\": 64}"),
                 0, "%s", err);
    cr_assert_eq(scenario_check_machine(&sc, &small, err, sizeof(err)), 0, "%s", err);
    sc.servers[1] = 256;
    cr_assert_eq(scenario_check_machine(&sc, &small, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "s.json: \"connections_per_server\" 64 x 256 servers is 16384 "
                          "connections at the largest step, each an open file in wrk, but this "
                          "machine allows 4096 open files (ulimit -n), 32 of which wrk needs "
                          "for itself");
    machine_limits many_files = small;
    many_files.open_files = 1u << 30;
    sc.connections_per_server = 200;
    sc.servers[1] = 200;
    cr_assert_eq(scenario_check_machine(&sc, &many_files, err, sizeof(err)), -1);
    cr_assert(strstr(err, "opens 40000 connections to one server port, but loopback has 28232 "
                          "ports to connect from (net.ipv4.ip_local_port_range)") != NULL,
              "%s", err);
    sc.front = &front_direct;
    cr_assert_eq(scenario_check_machine(&sc, &many_files, err, sizeof(err)), -1,
                 "each server's port takes its own 200, but the threads do not fit");
    cr_assert_str_eq(err, "s.json: target \"thread\": 4 workers x 64 threads x 200 servers is "
                          "51200 threads at the largest step, but this machine allows 4096 "
                          "(kernel.threads-max)");
    sc.targets[1].threads = 1;
    cr_assert_eq(scenario_check_machine(&sc, &many_files, err, sizeof(err)), 0, "%s", err);
}

/* validate and run check a file against this machine's own limits. */
Test(scenario, loading_checks_this_machines_limits)
{
    char path[] = "/tmp/twice-scenario-XXXXXX";
    int fd = mkstemp(path);
    const char *text = "{\"name\": \"huge\", \"target\": {\"app\": \"twice-app\", \"route\": \"/\","
                       " \"workers\": 1024, \"threads\": 4096}, \"models\": [\"thread\"],"
                       " \"servers\": [256], \"connections_per_server\": 100000}";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), -1);
    cr_assert(strstr(err, "at the largest step") != NULL, "%s", err);
    unlink(path);
}
