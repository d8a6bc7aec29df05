/*
 * report.h - the JSON report (report_json.c): versioned, with the scenario
 * as run, the machine it ran on, every raw run and each step's summary.
 * report_read.h reads it back; report_format.h renders what it read.
 */
#ifndef TWICE_REPORT_H
#define TWICE_REPORT_H

#include <jansson.h>

#include "report_format.h"
#include "report_read.h"
#include "scenario.h"

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

#endif
