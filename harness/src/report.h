/*
 * report.h - the JSON report (report_json.c): versioned, with the scenario
 * as run, the machine it ran on, every raw run and each step's summary.
 */
#ifndef TWICE_REPORT_H
#define TWICE_REPORT_H

#include <jansson.h>

#include "report_format.h"
#include "scenario.h"

#define REPORT_SCHEMA "twice.report/1"

/** A new report for sc: schema, scenario, machine facts, git commit, start time. */
json_t *report_new(const scenario *sc, const char *app_path);
/**
 * Writes report to dir/NAME-YYYYmmdd-HHMMSS.json atomically (a temporary
 * file renamed into place: a run killed half-way never leaves half a
 * report). Writes the path to path_out. 0 or -1 with err.
 */
int report_write(json_t *report, const char *dir, const char *name, char *path_out, size_t path_len,
                 char *err, size_t errlen);

/** Writes report (with the gate's checks) in format to path atomically, or to stdout when
 * path is NULL. 0 or -1 with err. */
int report_write_format(const report_format *format, json_t *report, json_t *checks,
                        const char *path, char *err, size_t errlen);

#endif
