/*
 * json_type.h - how messages name the type of a JSON value ("expected a
 * number, got a string"), the same in scenario and report errors.
 */
#ifndef TWICE_JSON_TYPE_H
#define TWICE_JSON_TYPE_H

#include <jansson.h>

static inline const char *json_type_name(const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

#endif
