/*
 * report_steps.h - for tests that read or edit a report's JSON: the first
 * model's steps and their summaries, by index, as twice writes them.
 */
#ifndef TWICE_TEST_REPORT_STEPS_H
#define TWICE_TEST_REPORT_STEPS_H

#include <jansson.h>

/** The first model's step i of report (borrowed), or NULL. */
static inline json_t *report_step_json(json_t *report, size_t i)
{
    return json_array_get(
        json_object_get(json_array_get(json_object_get(report, "models"), 0), "steps"), i);
}

/** That step's summary (borrowed), or NULL. */
static inline json_t *report_summary_json(json_t *report, size_t i)
{
    return json_object_get(report_step_json(report, i), "summary");
}

#endif
