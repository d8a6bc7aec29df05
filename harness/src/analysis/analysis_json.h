/*
 * analysis_json.h - an analysis (analyze.h) as the report's JSON
 * (analysis_json.c): each step's figures go into its "summary", the model's
 * verdict and fit into its "analysis".
 */
#ifndef TWICE_ANALYSIS_JSON_H
#define TWICE_ANALYSIS_JSON_H

#include <jansson.h>

#include "analyze.h"

/** Sets "throughput" and, where E(N) is defined (a->has_efficiency), "efficiency" in the
 * "summary" of each of steps (a->nsteps of them). */
void analysis_json_steps(const analysis *a, json_t *steps);
/** The report's "statistics": how intervals are made, and the run's seed (a new reference). */
json_t *analysis_json_statistics(uint64_t seed);
/** The model's "analysis" object (a new reference). */
json_t *analysis_json(const analysis *a);
/** The analysis of a model (a target) whose run failed: verdict "failed", and why, with no
 * figure drawn from what it measured before it failed. */
json_t *analysis_json_failed(const char *why);

#endif
