/*
 * scenario_fields.h - reading one field of a scenario (scenario_fields.c):
 * a string, a number, a whole number, one of a list of names, an object.
 * Each checks the value's type and range and, when it is wrong, writes
 * "FILE:LINE:COLUMN: what is wrong" through the loader's json_schema. The
 * top level (scenario.c) and the targets (scenario_targets.c) share them.
 */
#ifndef TWICE_SCENARIO_FIELDS_H
#define TWICE_SCENARIO_FIELDS_H

#include <jansson.h>

#include "json_schema.h"
#include "scenario.h"

/** A scenario being loaded: the struct it fills and the parsed file with its positions. */
typedef struct scenario_loader {
    scenario *sc;
    json_schema schema;
} scenario_loader;

/* In each of these, obj is the object at path ("" for the top) and key the member read;
 * they return 0, or -1 with the message written. An absent member is an error only when
 * required; otherwise *out keeps (or gets) the default. */

/** Every key of obj must be one of known (NULL-terminated). */
int scenario_field_keys(scenario_loader *ld, json_t *obj, const char *const *known,
                        const char *path);
/** A non-empty string, copied into *out (malloc'd). */
int scenario_field_string(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          int required, char **out);
/** A number from min (excluded when min_exclusive) to max; *present says whether it was
 * given (present may be NULL). */
int scenario_field_number(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          double min, int min_exclusive, double max, double dflt, double *out,
                          int *present);
/** A whole number from min to max. */
int scenario_field_uint(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                        unsigned min, unsigned max, unsigned dflt, unsigned *out);
/** One of names (NULL-terminated), as its index. */
int scenario_field_choice(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          const char *const *names, int dflt, int *out);
/** An object (borrowed into *out; NULL when absent and not required). */
int scenario_field_object(scenario_loader *ld, json_t *obj, const char *path, const char *key,
                          int required, json_t **out);
/** A value as a message shows it: a string quoted and escaped, anything else by its type. */
const char *scenario_shown_value(char *buf, size_t buflen, const json_t *value);

#endif
