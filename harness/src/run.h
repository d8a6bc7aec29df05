/*
 * run.h - running a scenario (run.c): for each model and each server count,
 * deploy, warm up, measure, check the servers survived, tear down; then
 * summarize each step into the report.
 */
#ifndef TWICE_RUN_H
#define TWICE_RUN_H

#include <jansson.h>

#include "inventory.h"
#include "scenario.h"

typedef struct run_options {
    const char *app_path;       /* twice-app */
    int allow_uncapped;         /* run without CPU caps when they cannot be set (and say so) */
    int progress;               /* live progress on stderr */
    const inventory *inventory; /* where the servers go; NULL: all on this machine */
} run_options;

/**
 * Runs sc, adding every run and each step's summary to report (from
 * report_new()) and setting its "status": "complete", "failed" or
 * "interrupted". Returns 0 when complete, -1 otherwise with err saying why.
 */
int run_scenario(const scenario *sc, const run_options *options, json_t *report, char *err,
                 size_t errlen);

#endif
