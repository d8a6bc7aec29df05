/*
 * json_positions.h - where each value of a JSON document sits in its text
 * (json_positions.c). jansson locates syntax errors but keeps no positions
 * for values; a scenario error such as "duration_s must be > 0" must still
 * say file, line and column, so the text is scanned once more for them.
 */
#ifndef TWICE_JSON_POSITIONS_H
#define TWICE_JSON_POSITIONS_H

#include <stddef.h>

typedef struct json_position {
    char *path;               /* "target.route", "servers[2]"; "" for the document itself */
    int line, column;         /* of the value; for an object member, also... */
    int key_line, key_column; /* ...of its key (0 when the value has no key) */
} json_position;

typedef struct json_positions {
    json_position *items;
    size_t count, cap;
} json_positions;

/** Scans text, which jansson has already parsed (so it is well-formed JSON). 0 or -1. */
int json_positions_scan(json_positions *positions, const char *text, size_t len);
/** The position recorded for path, or NULL. */
const json_position *json_positions_find(const json_positions *positions, const char *path);
void json_positions_free(json_positions *positions);

#endif
