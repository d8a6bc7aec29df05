/*
 * scenario_fields.c - see scenario_fields.h. The messages quote the path of
 * the value ("target.route", "targets[2].workers") and show what was there
 * instead, escaped: a scenario's strings reach the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_type.h"
#include "message_text.h"
#include "scenario_fields.h"

int scenario_field_keys(scenario_loader *ld, json_t *obj, const char *const *known,
                        const char *path)
{
    return json_schema_check_keys(&ld->schema, obj, known, path, "the scenario");
}

const char *scenario_shown_value(char *buf, size_t buflen, const json_t *value)
{
    return json_is_string(value) ? message_quote(buf, buflen, json_string_value(value))
                                 : json_type_name(value);
}

int scenario_field_string(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          int required, char **out)
{
    char child[512];
    json_schema_child(child, sizeof(child), path, key);
    json_t *value = json_object_get(obj, key);
    if (value == NULL) {
        if (required)
            return json_schema_fail(&ld->schema, path, 0, "\"%s\" is required", child);
        return 0;
    }
    if (!json_is_string(value) || json_string_length(value) == 0)
        return json_schema_fail(&ld->schema, child, 0, "\"%s\" must be a non-empty string, got %s",
                                child, json_is_string(value) ? "\"\"" : json_type_name(value));
    *out = strdup(json_string_value(value));
    return *out != NULL ? 0 : -1;
}

int scenario_field_number(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          double min, int min_exclusive, double max, double dflt, double *out,
                          int *present)
{
    char child[512];
    json_schema_child(child, sizeof(child), path, key);
    json_t *value = json_object_get(obj, key);
    *out = dflt;
    if (present != NULL)
        *present = value != NULL;
    if (value == NULL)
        return 0;
    if (!json_is_number(value))
        return json_schema_fail(&ld->schema, child, 0, "\"%s\" must be a number, got %s", child,
                                json_type_name(value));
    double v = json_number_value(value);
    if ((min_exclusive ? v <= min : v < min) || v > max) {
        char low[MESSAGE_NUMBER_SIZE], high[MESSAGE_NUMBER_SIZE], got[MESSAGE_NUMBER_SIZE];
        return json_schema_fail(&ld->schema, child, 0,
                                "\"%s\" must be %s %s and at most %s, got %s", child,
                                min_exclusive ? ">" : ">=", message_number(low, min),
                                message_number(high, max), message_number(got, v));
    }
    *out = v;
    return 0;
}

int scenario_field_uint(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                        unsigned min, unsigned max, unsigned dflt, unsigned *out)
{
    char child[512];
    json_schema_child(child, sizeof(child), path, key);
    json_t *value = json_object_get(obj, key);
    *out = dflt;
    if (value == NULL)
        return 0;
    if (!json_is_integer(value))
        return json_schema_fail(&ld->schema, child, 0,
                                "\"%s\" must be a whole number from %u to %u, got %s", child, min,
                                max, json_type_name(value));
    long long v = json_integer_value(value);
    if (v < min || v > max)
        return json_schema_fail(&ld->schema, child, 0,
                                "\"%s\" must be a whole number from %u to %u, got %lld", child, min,
                                max, v);
    *out = (unsigned)v;
    return 0;
}

int scenario_field_choice(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          const char *const *names, int dflt, int *out)
{
    char child[512], list[256] = "";
    json_schema_child(child, sizeof(child), path, key);
    json_t *value = json_object_get(obj, key);
    *out = dflt;
    if (value == NULL)
        return 0;
    for (int i = 0; names[i] != NULL; i++) {
        if (json_is_string(value) && strcmp(json_string_value(value), names[i]) == 0) {
            *out = i;
            return 0;
        }
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"", i ? ", " : "",
                 names[i]);
    }
    char quoted[MESSAGE_QUOTE_SIZE];
    return json_schema_fail(&ld->schema, child, 0, "\"%s\" must be one of %s, got %s", child, list,
                            scenario_shown_value(quoted, sizeof(quoted), value));
}

int scenario_field_object(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          int required, json_t **out)
{
    char child[512];
    json_schema_child(child, sizeof(child), path, key);
    *out = json_object_get(obj, key);
    if (*out == NULL)
        return required ? json_schema_fail(&ld->schema, path, 0, "\"%s\" is required", child) : 0;
    if (!json_is_object(*out))
        return json_schema_fail(&ld->schema, child, 0, "\"%s\" must be an object, got %s", child,
                                json_type_name(*out));
    return 0;
}
