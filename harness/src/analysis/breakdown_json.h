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

/**
 * The model's analysis (its report object) read against the breakdown b of its largest step
 * (servers of them): when the fit named what limits the system ("limiting_factor") but most
 * of that step's loss is not the system's, the factor is withdrawn (null) and the verdict's
 * note says which part took the loss, with its evidence. Nothing changes otherwise.
 */
void breakdown_json_qualify(json_t *analysis, unsigned servers, const breakdown *b);

#endif
