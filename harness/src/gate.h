/*
 * gate.h - deciding whether a report passes (gate.c): thresholds on each
 * step and model, and a comparison with a baseline report that knows a drop
 * within the runs' own noise is not a regression.
 */
#ifndef TWICE_GATE_H
#define TWICE_GATE_H

#include <stdio.h>

#include <jansson.h>

#include "scenario.h"

#define GATE_DEFAULT_TOLERANCE 0.10

typedef struct gate_limits {
    scenario_gate thresholds; /* from the scenario, overridden by flags */
    double tolerance;         /* a baseline drop must exceed this fraction to fail */
} gate_limits;

/** The scenario's thresholds as stored in a report (none set when it has none). */
gate_limits gate_limits_from_report(json_t *report);

/**
 * Checks report against limits and, if given, baseline. Returns a JSON array
 * of checks ({"check", "figure", "limit", "pass", "note"}) and sets *failed
 * to how many failed; NULL with err for reports that cannot be gated (an
 * incomplete run, another schema, a baseline of another scenario).
 */
json_t *gate_check(json_t *report, json_t *baseline, const gate_limits *limits, int *failed,
                   char *err, size_t errlen);
/**
 * Prints reports a (before) and b (after) side by side, per model and step,
 * with the judgement of the baseline checks in checks (gate_check(b, a, ...)).
 */
void gate_print_comparison(FILE *out, json_t *a, json_t *b, json_t *checks);
/** The checks as a table, and a last line with the outcome. */
void gate_print(FILE *out, json_t *checks, int failed);

#endif
