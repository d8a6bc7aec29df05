/*
 * json_schema.h - what every loader of a JSON input file shares
 * (json_schema.c): the document parsed with the position of each value, and
 * errors of the form "FILE:LINE:COLUMN: what is wrong" at a value or its key.
 * An unknown key is answered with the nearest known one, since it is almost
 * always a typo. The scenario and inventory loaders are built on it; each
 * knows its own schema.
 */
#ifndef TWICE_JSON_SCHEMA_H
#define TWICE_JSON_SCHEMA_H

#include <stdarg.h>
#include <stddef.h>

#include <jansson.h>

#include "json_positions.h"

typedef struct json_schema {
    const char *file;         /* names the input in messages; not owned */
    json_positions positions; /* of every value in the text */
    char *err;                /* the caller's message buffer */
    size_t errlen;
} json_schema;

/**
 * Parses text (len bytes; duplicate keys refused) into *root (a new reference the caller
 * owns) and records every value's position. 0, or -1 with "FILE:LINE:COLUMN: ..." in err and
 * *root NULL. Either way json_schema_close frees what schema holds.
 */
int json_schema_open(json_schema *schema, const char *file, const char *text, size_t len,
                     json_t **root, char *err, size_t errlen);
void json_schema_close(json_schema *schema);
/** Writes "FILE:LINE:COLUMN: message" for the value at path ("a.b[2]"; "" for the document),
 * or for its key when at_key and it has one, into the error buffer. Returns -1. */
int json_schema_fail(json_schema *schema, const char *path, int at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int json_schema_vfail(json_schema *schema, const char *path, int at_key, const char *fmt,
                      va_list ap);
/** 0 when every key of obj (at path; "" for the top, then described as what) is one of known
 * (NULL-terminated); -1 with "unknown key "K"; did you mean "N"?" at the first other key. */
int json_schema_check_keys(json_schema *schema, json_t *obj, const char *const *known,
                           const char *path, const char *what);
/** "path.key", or "key" when path is "" (into buf). */
const char *json_schema_child(char *buf, size_t buflen, const char *path, const char *key);

#endif
