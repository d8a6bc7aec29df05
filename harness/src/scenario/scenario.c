/*
 * scenario.c - loading and checking scenario files. jansson parses; this
 * file knows the schema's top level: which keys exist, their types and
 * ranges, and their defaults (the workload and the targets are
 * scenario_targets.c's, reading one field scenario_fields.c's). Every error points at the offending
 * value (or key) in the file, and an unknown key is answered with the nearest known one, since it
 * is almost always a typo.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_type.h"
#include "message_text.h"
#include "read_file.h"
#include "scenario.h"
#include "scenario_fields.h"
#include "scenario_machine.h"
#include "scenario_programs.h"
#include "scenario_strings.h"
#include "scenario_targets.h"

static const char *const top_keys[] = {
    "name",     "description", "workload",    "targets",
    "target",   "models",      "servers",     "connections_per_server",
    "warmup_s", "duration_s",  "repetitions", "seed",
    "predict",  "front",       "balance",     "cpu_cap",
    "gate",     "services",    NULL};
static const char *const gate_keys[] = {"min_efficiency", "max_sigma", "max_p99_ms",
                                        "max_error_rate", NULL};

/* cgroups' smallest CPU quota is 1 ms per period, and a period is at most 1 s; cpucap.c gives
 * 0.01 cores a 100 ms period. */
#define CPU_CAP_MIN 0.01

static int parse_servers(scenario_loader *ld, json_t *top)
{
    scenario *sc = ld->sc;
    json_t *servers = json_object_get(top, "servers");
    if (servers == NULL)
        return json_schema_fail(&ld->schema, "", 0,
                                "\"servers\" is required: the server counts to step "
                                "through, such as [1, 2, 4]");
    if (!json_is_array(servers) || json_array_size(servers) == 0)
        return json_schema_fail(
            &ld->schema, "servers", 0,
            "\"servers\" must be a non-empty list of server counts, such as [1, 2, 4]");
    if (json_array_size(servers) > SCENARIO_MAX_STEPS)
        return json_schema_fail(&ld->schema, "servers", 0, "\"servers\" has more than %d steps",
                                SCENARIO_MAX_STEPS);
    for (size_t i = 0; i < json_array_size(servers); i++) {
        json_t *n = json_array_get(servers, i);
        char path[64];
        snprintf(path, sizeof(path), "servers[%zu]", i);
        if (!json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > 256)
            return json_schema_fail(&ld->schema, path, 0,
                                    "a server count must be a whole number from 1 to 256");
        unsigned count = (unsigned)json_integer_value(n);
        if (sc->nservers > 0 && count <= sc->servers[sc->nservers - 1])
            return json_schema_fail(&ld->schema, path, 0,
                                    "server counts must increase, but %u follows %u", count,
                                    sc->servers[sc->nservers - 1]);
        sc->servers[sc->nservers++] = count;
    }
    return 0;
}

static int parse_gate(scenario_loader *ld, json_t *top)
{
    scenario_gate *gate = &ld->sc->gate;
    json_t *obj;
    if (scenario_field_object(ld, top, "", "gate", 0, &obj) != 0)
        return -1;
    if (obj == NULL)
        return 0;
    return scenario_field_keys(ld, obj, gate_keys, "gate") != 0 ||
                   scenario_field_number(ld, obj, "gate", "min_efficiency", 0, 1, 1, 0,
                                         &gate->min_efficiency, &gate->has_min_efficiency) != 0 ||
                   scenario_field_number(ld, obj, "gate", "max_sigma", 0, 0, 1, 0, &gate->max_sigma,
                                         &gate->has_max_sigma) != 0 ||
                   scenario_field_number(ld, obj, "gate", "max_p99_ms", 0, 1, 3600000, 0,
                                         &gate->max_p99_ms, &gate->has_max_p99_ms) != 0 ||
                   scenario_field_number(ld, obj, "gate", "max_error_rate", 0, 0, 1, 0,
                                         &gate->max_error_rate, &gate->has_max_error_rate) != 0
               ? -1
               : 0;
}

/* The name is part of the report's file names: it must be a plain file name. */
static int check_name(scenario_loader *ld)
{
    char why[512];
    if (scenario_name_check(ld->sc->name, why, sizeof(why)) != 0)
        return json_schema_fail(&ld->schema, "name", 0, "\"name\" %s", why);
    return 0;
}

/* A top-level duration: wrk runs whole seconds (its -d takes no fraction), so a fraction
 * would be run as another length than the report says. */
/* The optional server counts to predict: "predict, then verify". */
static int parse_predict(scenario_loader *ld, json_t *top)
{
    scenario *sc = ld->sc;
    json_t *predict = json_object_get(top, "predict");
    if (predict == NULL)
        return 0;
    if (!json_is_array(predict))
        return json_schema_fail(
            &ld->schema, "predict", 0,
            "\"predict\" must be a list of server counts, such as [8, 16], got %s",
            json_type_name(predict));
    if (json_array_size(predict) > SCENARIO_MAX_PREDICT)
        return json_schema_fail(&ld->schema, "predict", 0,
                                "\"predict\" has %zu server counts; at most %d",
                                json_array_size(predict), SCENARIO_MAX_PREDICT);
    for (size_t i = 0; i < json_array_size(predict); i++) {
        json_t *n = json_array_get(predict, i);
        char path[64];
        snprintf(path, sizeof(path), "predict[%zu]", i);
        if (!json_is_integer(n) || json_integer_value(n) < 1 ||
            json_integer_value(n) > SCENARIO_MAX_PREDICT_SERVERS)
            return json_schema_fail(&ld->schema, path, 0,
                                    "\"%s\" must be a whole number of servers from 1 to %d", path,
                                    SCENARIO_MAX_PREDICT_SERVERS);
        sc->predict[sc->npredict++] = (unsigned)json_integer_value(n);
    }
    return 0;
}

/* The optional seed of the run's random order: a whole number, exact in any JSON reader. */
static int parse_seed(scenario_loader *ld, json_t *top)
{
    json_t *value = json_object_get(top, "seed");
    scenario *sc = ld->sc;
    sc->has_seed = value != NULL;
    if (value == NULL)
        return 0;
    if (!json_is_integer(value))
        return json_schema_fail(&ld->schema, "seed", 0,
                                "\"seed\" must be a whole number from 0 to %llu, got %s",
                                SCENARIO_MAX_SEED, json_type_name(value));
    if (json_integer_value(value) < 0 ||
        (unsigned long long)json_integer_value(value) > SCENARIO_MAX_SEED)
        return json_schema_fail(&ld->schema, "seed", 0,
                                "\"seed\" must be a whole number from 0 to %llu, got %lld",
                                SCENARIO_MAX_SEED, (long long)json_integer_value(value));
    sc->seed = (uint64_t)json_integer_value(value);
    return 0;
}

/* "front" by name (front.h), and "balance" for a front that balances, one of its own. */
static int parse_front(scenario_loader *ld, json_t *top)
{
    scenario *sc = ld->sc;
    const char *const *names = front_names();
    int front, balance;
    if (scenario_field_choice(ld, top, "", "front", names, 0, &front) != 0)
        return -1;
    sc->front = front_by_name(names[front]);
    if (sc->front->balances == NULL) {
        if (json_object_get(top, "balance") != NULL)
            return json_schema_fail(&ld->schema, "balance", 1,
                                    "\"balance\" applies to a front that balances (\"haproxy\"); "
                                    "front \"%s\" has none",
                                    sc->front->name);
        return 0;
    }
    if (scenario_field_choice(ld, top, "", "balance", sc->front->balances, 0, &balance) != 0)
        return -1;
    sc->balance = sc->front->balances[balance];
    return 0;
}

static int get_seconds(scenario_loader *ld, json_t *top, const char *key, double min, double dflt,
                       double *out)
{
    char got[MESSAGE_NUMBER_SIZE];
    if (scenario_field_number(ld, top, "", key, min, 0, 3600, dflt, out, NULL) != 0)
        return -1;
    if (*out != floor(*out))
        return json_schema_fail(
            &ld->schema, key, 0,
            "\"%s\" must be a whole number of seconds (wrk runs whole seconds), got %s", key,
            message_number(got, *out));
    return 0;
}

int scenario_parse(scenario *sc, const char *path, const char *text, size_t len, char *err,
                   size_t errlen)
{
    memset(sc, 0, sizeof(*sc));
    sc->path = strdup(path);
    if (len > SCENARIO_MAX_BYTES) {
        snprintf(err, errlen, "%s: is %zu bytes; a scenario file is at most %u KiB", path, len,
                 SCENARIO_MAX_BYTES >> 10);
        return -1;
    }
    scenario_loader ld = {.sc = sc};
    if (json_schema_open(&ld.schema, sc->path, text, len, &sc->json, err, errlen) != 0) {
        json_schema_close(&ld.schema);
        return -1;
    }
    int rc = -1;
    if (!json_is_object(sc->json)) {
        json_schema_fail(&ld.schema, "", 0, "a scenario is a JSON object, got %s",
                         json_type_name(sc->json));
    } else if (scenario_field_keys(&ld, sc->json, top_keys, "") == 0 &&
               scenario_field_string(&ld, sc->json, "", "name", 1, &sc->name) == 0 &&
               check_name(&ld) == 0 &&
               scenario_field_string(&ld, sc->json, "", "description", 0, &sc->description) == 0 &&
               scenario_parse_targets(&ld, sc->json) == 0 && parse_servers(&ld, sc->json) == 0 &&
               scenario_field_uint(&ld, sc->json, "", "connections_per_server", 1, 100000, 16,
                                   &sc->connections_per_server) == 0 &&
               get_seconds(&ld, sc->json, "warmup_s", 0, 1, &sc->warmup_s) == 0 &&
               get_seconds(&ld, sc->json, "duration_s", 1, 5, &sc->duration_s) == 0 &&
               scenario_field_uint(&ld, sc->json, "", "repetitions", 1, SCENARIO_MAX_REPETITIONS,
                                   SCENARIO_DEFAULT_REPETITIONS, &sc->repetitions) == 0 &&
               parse_seed(&ld, sc->json) == 0 && parse_predict(&ld, sc->json) == 0 &&
               parse_front(&ld, sc->json) == 0 &&
               scenario_field_number(&ld, sc->json, "", "cpu_cap", CPU_CAP_MIN, 0, 1024, 0,
                                     &sc->cpu_cap, NULL) == 0 &&
               parse_gate(&ld, sc->json) == 0 &&
               scenario_parse_services(&ld.schema, sc->json, &sc->services) == 0) {
        rc = 0;
    }
    json_schema_close(&ld.schema);
    return rc;
}

int scenario_load(scenario *sc, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = read_file(path, &len, err, errlen);
    if (text == NULL) {
        memset(sc, 0, sizeof(*sc));
        return -1;
    }
    int rc = scenario_parse(sc, path, text, len, err, errlen);
    free(text);
    machine_limits limits;
    machine_limits_probe(&limits);
    if (rc == 0)
        rc = scenario_check_machine(sc, &limits, err, errlen);
    return rc;
}

void scenario_free(scenario *sc)
{
    free(sc->path);
    free(sc->name);
    free(sc->description);
    free(sc->route);
    for (size_t i = 0; i < sc->ntargets; i++)
        scenario_target_free(&sc->targets[i]);
    json_decref(sc->json);
    memset(sc, 0, sizeof(*sc));
}
