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
 * Writes report to dir/NAME-YYYYmmdd-HHMMSS.json, or -2, -3... after the stamp when that
 * exists (never replacing a file), atomically (a run killed half-way never leaves half a
 * report). NAME is name made a safe file name (report_files.h). The path written goes to
 * *path_out (malloc'd). 0 or -1 with err.
 */
int report_write(json_t *report, const char *dir, const char *name, char **path_out, char *err,
                 size_t errlen);

/** Writes report (with the gate's checks) in format to path atomically, or to stdout when
 * path is NULL. Replaces a regular file at path, refuses anything else there. 0 or -1 with
 * err. */
int report_write_format(const report_format *format, json_t *report, json_t *checks,
                        const char *path, char *err, size_t errlen);
/** Writes report in format beside the JSON report at json_path: its name with the format's
 * extension for ".json". Never replaces a file. 0 or -1 with err. */
int report_write_beside(const report_format *format, json_t *report, json_t *checks,
                        const char *json_path, char *err, size_t errlen);

#endif
