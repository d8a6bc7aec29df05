/*
 * usl_json.c - see usl_json.h.
 */
#include "usl_json.h"

json_t *usl_interval_json(int has, double lo, double hi)
{
    return has ? json_pack("[f, f]", lo, hi) : json_null();
}

json_t *usl_estimate_json(const usl_estimate *e)
{
    return json_pack("{s:f, s:o}", "value", e->value, "ci95",
                     usl_interval_json(e->has_ci, e->lo, e->hi));
}

json_t *usl_json(const usl_nls *fit)
{
    return json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}", "sigma", usl_estimate_json(&fit->sigma),
        "kappa", usl_estimate_json(&fit->kappa), "lambda", usl_estimate_json(&fit->lambda),
        "peak_servers", fit->has_peak ? usl_estimate_json(&fit->peak_n) : json_null(),
        "peak_throughput", fit->has_peak ? usl_estimate_json(&fit->peak_x) : json_null(),
        "residual_se", fit->dof > 0 ? json_real(fit->residual_se) : json_null(), "measurements",
        (json_int_t)fit->points, "server_counts", (json_int_t)fit->counts, "degrees_of_freedom",
        (json_int_t)fit->dof);
}
