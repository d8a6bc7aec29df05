/*
 * json_positions.h - where each value of a JSON document sits in its text
 * (json_positions.c). jansson locates syntax errors but keeps no positions
 * for values; a scenario error such as "duration_s must be > 0" must still
 * say file, line and column, so the text is scanned once more for them.
 */
#ifndef TWICE_JSON_POSITIONS_H
#define TWICE_JSON_POSITIONS_H

#include <stddef.h>

#include <jansson.h>

/** Nesting deeper than this is refused (jansson's own limit). */
#define JSON_POSITIONS_MAX_DEPTH 2048

typedef struct json_position {
    char *path;               /* "target.route", "servers[2]"; "" for the document itself */
    int line, column;         /* of the value; for an object member, also... */
    int key_line, key_column; /* ...of its key (0 when the value has no key) */
} json_position;

typedef struct json_positions {
    json_position *items;
    size_t count, cap;
} json_positions;

/** 0 when text (len bytes) holds no byte a JSON text cannot hold; -1 with error's line,
 * column and text at the first NUL byte (jansson skips one between tokens, or takes it for
 * the end of the text, so what it parsed would not be the text on disk). */
int json_text_check(const char *text, size_t len, json_error_t *error);
/**
 * Scans text (len bytes, which need not be NUL-terminated) and records the position of every
 * value. 0, or -1 with error's line, column and text set: a NUL byte anywhere
 * (json_text_check), text that is not one
 * well-formed JSON value, nesting deeper than JSON_POSITIONS_MAX_DEPTH, or no memory.
 * positions is left empty on failure.
 */
int json_positions_scan(json_positions *positions, const char *text, size_t len,
                        json_error_t *error);
/** The position recorded for path, or NULL. */
const json_position *json_positions_find(const json_positions *positions, const char *path);
void json_positions_free(json_positions *positions);

#endif
