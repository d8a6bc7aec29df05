/*
 * run.h - running a scenario (run.c): for each target and each server count,
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
    const inventory *inventory; /* where things run; NULL: everything on this machine */
} run_options;

/**
 * Runs sc, adding every run and each step's summary to report (from
 * report_new()) and setting its "status": "complete", "failed" or
 * "interrupted". A target that fails is recorded as failed in its entry (its analysis says
 * why) and the others are still run. Returns 0 when complete, -1 otherwise with err saying
 * why (which targets failed, and how).
 */
int run_scenario(const scenario *sc, const run_options *options, json_t *report, char *err,
                 size_t errlen);

#endif
