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
 * Writes report to dir/NAME-YYYYmmdd-HHMMSS.json atomically (a temporary
 * file renamed into place: a run killed half-way never leaves half a
 * report). Writes the path to path_out. 0 or -1 with err.
 */
int report_write(json_t *report, const char *dir, const char *name, char *path_out, size_t path_len,
                 char *err, size_t errlen);

#endif
