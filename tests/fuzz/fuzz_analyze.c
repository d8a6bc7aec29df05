/*
 * fuzz_analyze.c - the analysis of a model's steps (analyze.h) over arbitrary
 * measurements: bytes become up to 8 steps of up to 6 repetitions each (the
 * throughputs spanning tiny to huge, zeros included) and up to 4 counts to
 * predict. Whatever the figures, the analysis must give a verdict, and every
 * number it hands the report must be finite, so that its JSON is written
 * whole (the fallback "could not be recorded" would be a bug).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_json.h"

/* The next byte of the input, 0 past its end. */
static unsigned next(const uint8_t *data, size_t size, size_t *at)
{
    return *at < size ? data[(*at)++] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double scales[] = {1e-9, 1e-3, 1, 10, 1e3, 1e6, 1e9, 1e12};
    static double x[ANALYSIS_MAX_STEPS][6];
    static analysis a; /* large: kept off the stack */
    analysis_input steps[8];
    unsigned predict[4];
    size_t at = 0;
    size_t nsteps = 1 + next(data, size, &at) % 8, nruns = 1 + next(data, size, &at) % 6;
    double scale = scales[next(data, size, &at) % 8];
    for (size_t i = 0; i < nsteps; i++) {
        unsigned servers = 1 + next(data, size, &at) % 64;
        for (size_t r = 0; r < nruns; r++)
            x[i][r] = (next(data, size, &at) << 8 | next(data, size, &at)) * scale;
        steps[i] = (analysis_input){servers, x[i], nruns, next(data, size, &at) % 8 != 0};
    }
    size_t npredict = next(data, size, &at) % 5;
    for (size_t i = 0; i < npredict; i++)
        predict[i] = 1 + (next(data, size, &at) << 8 | next(data, size, &at));
    analysis_options options = {.seed = next(data, size, &at), predict, npredict};
    char err[256];
    if (analysis_run(steps, nsteps, &options, &a, err, sizeof(err)) != 0)
        abort(); /* the input keeps the contract: refusing it is a bug */
    if (a.verdict == NULL)
        abort();
    json_t *json = analysis_json(&a);
    const char *error = json_string_value(json_object_get(json, "error"));
    if (error != NULL && strcmp(error, "the analysis could not be recorded") == 0)
        abort();
    json_decref(json);
    /* The steps' figures too: json_real gives NULL for a NaN or an infinity. */
    json_t *report_steps = json_array();
    for (size_t i = 0; i < nsteps; i++)
        json_array_append_new(report_steps, json_pack("{s:{}}", "summary"));
    analysis_json_steps(&a, report_steps);
    for (size_t i = 0; i < nsteps; i++) {
        json_t *summary = json_object_get(json_array_get(report_steps, i), "summary");
        if (json_object_get(summary, "throughput") == NULL ||
            (json_object_get(summary, "efficiency_ci95") != NULL) != a.has_efficiency ||
            (json_object_get(summary, "efficiency") != NULL) != a.has_efficiency)
            abort(); /* E(N) exactly where it is defined */
    }
    json_decref(report_steps);
    return 0;
}
