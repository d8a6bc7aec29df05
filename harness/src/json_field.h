/*
 * json_field.h - reading the fields of wrk's JSON result (load_wrk.c): a
 * number (0 when absent) or a string ("" when absent), with no NULL check
 * per field. Reports have their own typed reader (report_read.h).
 */
#ifndef TWICE_JSON_FIELD_H
#define TWICE_JSON_FIELD_H

#include <jansson.h>

static inline double json_num(json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

static inline const char *json_str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

#endif
