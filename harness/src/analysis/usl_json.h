/*
 * usl_json.h - a USL fit (usl_nls.h) as JSON (usl_json.c), one shape for the
 * run's report and `twice fit --json`: each parameter as {"value": v,
 * "ci95": [lo, hi]} (null without an interval), the peak where there is one.
 */
#ifndef TWICE_USL_JSON_H
#define TWICE_USL_JSON_H

#include <jansson.h>

#include "usl_nls.h"

/** [lo, hi] when has, else null (a new reference). */
json_t *usl_interval_json(int has, double lo, double hi);
/** {"value": v, "ci95": [lo, hi] or null} (a new reference). */
json_t *usl_estimate_json(const usl_estimate *e);
/**
 * sigma, kappa, lambda, peak_servers and peak_throughput (null without a peak), residual_se
 * (null without degrees of freedom), measurements, server_counts and degrees_of_freedom: a
 * new object, or NULL when a figure is not finite (jansson cannot write it).
 */
json_t *usl_json(const usl_nls *fit);

#endif
