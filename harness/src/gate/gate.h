/*
 * gate.h - deciding whether a report passes (gate.c): thresholds on each
 * step and model, read against the report's intervals, and a comparison with
 * a baseline report that fails a drop only when it is both beyond the
 * tolerance and significant (Mann-Whitney U over the two reports'
 * repetitions, p < GATE_SIGNIFICANCE).
 */
#ifndef TWICE_GATE_H
#define TWICE_GATE_H

#include <stdio.h>

#include "report_read.h"
#include "scenario.h"

#define GATE_DEFAULT_TOLERANCE 0.10
/* A baseline drop is significant below this two-sided p-value. */
#define GATE_SIGNIFICANCE 0.05

typedef struct gate_limits {
    scenario_gate thresholds; /* from the scenario, overridden by flags */
    double tolerance;         /* a baseline drop must exceed this fraction to fail */
    int strict;               /* 1: an efficiency whose interval straddles the limit fails */
} gate_limits;

/** One check: a figure against a limit. */
typedef struct gate_check_result {
    char *name;     /* "efficiency thread 2 servers" (owned) */
    double figure;  /* NaN where none is finite (a ratio to almost nothing): printed "n/a" */
    char limit[32]; /* ">= 0.90" */
    int pass;
    const char *note;          /* "" or why: static, or a string of the report checked */
    char detail[128];          /* "" or the figures behind the judgement (a drop and its p) */
    const report_model *model; /* of the report checked */
    const report_step *step;   /* of the report checked; NULL for a check of a whole model or
                                  of a step in the baseline only */
    int vs_baseline;           /* a throughput comparison with the baseline */
} gate_check_result;

/** The checks of one report, in the order they were made. */
typedef struct gate_checks {
    gate_check_result *items;
    size_t n, cap;
    size_t failed;
} gate_checks;

/** The scenario's thresholds as stored in a report (none set when it has none). */
gate_limits gate_limits_from_report(const report_doc *report);

/**
 * Checks report against limits and, if given, baseline, into checks (free with
 * gate_checks_free()). Returns 0, or -1 with err for reports that cannot be
 * gated: an incomplete run, one where nothing was measured (no models, a model
 * without steps, a step without a summary), a baseline of another scenario.
 */
int gate_check(gate_checks *checks, const report_doc *report, const report_doc *baseline,
               const gate_limits *limits, char *err, size_t errlen);
void gate_checks_free(gate_checks *checks);
/**
 * Prints reports a (before) and b (after) side by side, per model and step,
 * with the judgement of the baseline checks in checks (gate_check(b, a, ...)),
 * and every model or step that only one of them has. When both reports measured
 * the servers' resources, each step's requests per server CPU-second too, with
 * their ratio B/A.
 */
void gate_print_comparison(FILE *out, const report_doc *a, const report_doc *b,
                           const gate_checks *checks);
/** The checks as a table, and a last line with the outcome. */
void gate_print(FILE *out, const gate_checks *checks);

#endif
