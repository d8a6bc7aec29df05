/*
 * scenario_services.c - see scenario_services.h. Its own file so that the
 * services' schema grows without touching the rest of the scenario's; its
 * errors have the same form as every other scenario error.
 */
#include <string.h>

#include "json_type.h"
#include "message_text.h"
#include "scenario_services.h"

/* The smallest CPU cap twice gives a cgroup: a 1 ms quota in a 100 ms period (cpucap.c). */
#define SERVICE_CPU_CAP_MIN 0.01
#define SERVICE_CPU_CAP_MAX 1024

static const char *const service_names[] = {"postgres", NULL};
static const char *const postgres_keys[] = {"rows", "max_connections", "cpu_cap",
                                            "synchronous_commit", NULL};

/* The number at obj.key (path names obj) from min to max, a whole one when whole; dflt when
 * absent. */
static int get_bounded(json_schema *schema, json_t *obj, const char *path, const char *key,
                       double min, double max, int whole, double dflt, double *out)
{
    char child[256], low[MESSAGE_NUMBER_SIZE], high[MESSAGE_NUMBER_SIZE], got[MESSAGE_NUMBER_SIZE];
    json_schema_child(child, sizeof(child), path, key);
    json_t *value = json_object_get(obj, key);
    *out = dflt;
    if (value == NULL)
        return 0;
    const char *kind = whole ? "a whole number" : "a number";
    if (whole ? !json_is_integer(value) : !json_is_number(value))
        return json_schema_fail(schema, child, 0, "\"%s\" must be %s from %s to %s, got %s", child,
                                kind, message_number(low, min), message_number(high, max),
                                json_type_name(value));
    double v = json_number_value(value);
    if (!(v >= min && v <= max))
        return json_schema_fail(schema, child, 0, "\"%s\" must be %s from %s to %s, got %s", child,
                                kind, message_number(low, min), message_number(high, max),
                                message_number(got, v));
    *out = v;
    return 0;
}

/* The boolean at obj.key (path names obj) into *out; 0 (false) when absent. */
static int get_boolean(json_schema *schema, json_t *obj, const char *path, const char *key,
                       int *out)
{
    char child[256];
    json_schema_child(child, sizeof(child), path, key);
    json_t *value = json_object_get(obj, key);
    *out = json_is_true(value);
    if (value == NULL || json_is_boolean(value))
        return 0;
    return json_schema_fail(schema, child, 0, "\"%s\" must be true or false, got %s", child,
                            json_type_name(value));
}

/* 0 when value (at path) is an object, else -1 naming what it is instead. */
static int require_object(json_schema *schema, json_t *value, const char *path)
{
    if (json_is_object(value))
        return 0;
    return json_schema_fail(schema, path, 0, "\"%s\" must be an object, got %s", path,
                            json_type_name(value));
}

static int parse_postgres(json_schema *schema, json_t *obj, scenario_postgres *pg)
{
    const char *path = "services.postgres";
    double rows, connections;
    if (require_object(schema, obj, path) != 0 ||
        json_schema_check_keys(schema, obj, postgres_keys, path, "services.postgres") != 0 ||
        get_bounded(schema, obj, path, "rows", 1, SCENARIO_POSTGRES_MAX_ROWS, 1,
                    SCENARIO_POSTGRES_DEFAULT_ROWS, &rows) != 0 ||
        get_bounded(schema, obj, path, "max_connections", 1, SCENARIO_POSTGRES_MAX_CONNECTIONS, 1,
                    SCENARIO_POSTGRES_DEFAULT_CONNECTIONS, &connections) != 0 ||
        get_bounded(schema, obj, path, "cpu_cap", SERVICE_CPU_CAP_MIN, SERVICE_CPU_CAP_MAX, 0, 0,
                    &pg->cpu_cap) != 0 ||
        get_boolean(schema, obj, path, "synchronous_commit", &pg->synchronous_commit) != 0)
        return -1;
    pg->enabled = 1;
    pg->rows = (unsigned)rows;
    pg->max_connections = (unsigned)connections;
    return 0;
}

/* Whether the command at path (a target's) asks for the database; refused when it does. */
static int command_needs_none(json_schema *schema, json_t *command, const char *path)
{
    const char *text = json_string_value(command);
    if (text == NULL || strstr(text, "{db}") == NULL)
        return 0;
    return json_schema_fail(schema, path, 0,
                            "\"%s\" uses {db}, but the scenario has no database: add "
                            "\"services\": {\"postgres\": {}}",
                            path);
}

/*
 * A target that asks for the database ({db} in its command, a /db route of twice-app) would
 * only answer errors without one: refused here, where the scenario can say so. Both forms: the
 * older "target" (a command, or twice-app with "models"), and "workload" with "targets".
 */
static int check_needed(json_schema *schema, json_t *top)
{
    json_t *target = json_object_get(top, "target"), *targets = json_object_get(top, "targets");
    const char *holder = json_object_get(top, "workload") != NULL ? "workload" : "target";
    const char *route = json_string_value(json_object_get(json_object_get(top, holder), "route"));
    int app = target != NULL && json_object_get(target, "command") == NULL;
    if (command_needs_none(schema, json_object_get(target, "command"), "target.command") != 0)
        return -1;
    json_t *t;
    size_t i;
    json_array_foreach(targets, i, t)
    {
        char path[64];
        snprintf(path, sizeof(path), "targets[%zu].command", i);
        if (command_needs_none(schema, json_object_get(t, "command"), path) != 0)
            return -1;
        app |= json_object_get(t, "app") != NULL;
    }
    if (app && route != NULL && strncmp(route, "/db/", 4) == 0) {
        char path[32];
        snprintf(path, sizeof(path), "%s.route", holder);
        return json_schema_fail(schema, path, 0,
                                "\"%s\" %s needs a database: add \"services\": "
                                "{\"postgres\": {}}",
                                path, route);
    }
    return 0;
}

int scenario_parse_services(json_schema *schema, json_t *top, scenario_services *out)
{
    *out = (scenario_services){0};
    json_t *services = json_object_get(top, "services");
    if (services == NULL)
        return check_needed(schema, top);
    if (require_object(schema, services, "services") != 0 ||
        json_schema_check_keys(schema, services, service_names, "services", "services") != 0)
        return -1;
    json_t *postgres = json_object_get(services, "postgres");
    return postgres != NULL ? parse_postgres(schema, postgres, &out->postgres) : 0;
}
