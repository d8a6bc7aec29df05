/*
 * step_figures.h - a step's measured windows as the breakdown and the flags
 * read them (step_figures.c): each run's "resources" object of the report
 * turned into plain structs, once, so that the analysis works on C values,
 * not JSON. Runs without resources (no window could be measured) are left
 * out.
 */
#ifndef TWICE_STEP_FIGURES_H
#define TWICE_STEP_FIGURES_H

#include <jansson.h>

#include "breakdown.h"

typedef struct step_figures {
    breakdown_run *runs; /* nruns of them (malloc'd) */
    size_t nruns;
    breakdown_server *servers; /* every run's servers, one block the runs point into */
} step_figures;

/**
 * Reads the runs of a step (the report's run objects) whose wrk ran wrk_threads threads.
 * 0, or -1 when memory runs out (out then holds nothing). Figures are those step_resources.c
 * writes; a null (not measured) figure reads as "not counted" or "no cgroup".
 */
int step_figures_read(json_t *runs, unsigned wrk_threads, step_figures *out);
void step_figures_free(step_figures *figures);

#endif
