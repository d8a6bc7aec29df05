/*
 * breakdown_json.h - a step's loss breakdown (breakdown.h) as the report's
 * "breakdown" object (breakdown_json.c).
 */
#ifndef TWICE_BREAKDOWN_JSON_H
#define TWICE_BREAKDOWN_JSON_H

#include <jansson.h>

#include "breakdown.h"

/** {"ideal", "measured", "lost", "parts": [{"part", "lost", "evidence"}...], "largest"}; NULL
 * b gives JSON null (no loss to split). A new reference. */
json_t *breakdown_json(const breakdown *b);

#endif
