/*
 * scenario_targets.h - the part of a scenario that says what is measured
 * (scenario_targets.c): the workload every target is asked (route, check,
 * twice-app's workers and threads), and the targets compared on it.
 *
 *   "workload": {"route": "/ctx?id={id}&ms=20", "check": "ctx"},
 *   "targets": [{"label": "thread", "app": "twice-app", "model": "thread"},
 *               {"label": "gunicorn", "command": "gunicorn -b {host}:{port} app:app",
 *                "cwd": "../targets/flask"}]
 *
 * The older form stays valid: "target" holds the workload and either
 * "app": "twice-app" with a "models" list (one target per model, labelled
 * by it) or a "command" (one target labelled "external").
 */
#ifndef TWICE_SCENARIO_TARGETS_H
#define TWICE_SCENARIO_TARGETS_H

#include "scenario_fields.h"

/** The label of the target of the older form's "command". */
#define SCENARIO_COMMAND_LABEL "external"

/** Reads the workload and the targets of the scenario top into ld->sc. 0, or -1 with
 * "FILE:LINE:COLUMN: ..." written. */
int scenario_parse_targets(scenario_loader *ld, json_t *top);
/** Frees what a target holds. */
void scenario_target_free(scenario_target *t);

#endif
