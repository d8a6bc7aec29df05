/*
 * analysis_json.c - see analysis_json.h. Only figures go out: every one the
 * analysis holds is finite, so jansson can write them all.
 */
#include "analysis_json.h"

void analysis_json_steps(const analysis *a, json_t *steps)
{
    for (size_t i = 0; i < a->nsteps; i++) {
        const analysis_step *s = &a->steps[i];
        json_t *summary = json_object_get(json_array_get(steps, i), "summary");
        json_object_set_new(summary, "throughput",
                            json_pack("{s:f, s:f, s:f, s:[f, f]}", "median", s->throughput.median,
                                      "min", s->throughput.min, "max", s->throughput.max, "ci95",
                                      s->throughput_ci.lo, s->throughput_ci.hi));
        json_object_set_new(summary, "efficiency", json_real(s->efficiency));
        json_object_set_new(summary, "efficiency_ci95",
                            json_pack("[f, f]", s->efficiency_ci.lo, s->efficiency_ci.hi));
    }
}

json_t *analysis_json_statistics(uint64_t seed)
{
    return json_pack("{s:s, s:I}", "interval", ANALYSIS_INTERVAL, "seed", (json_int_t)seed);
}

static json_t *usl_json(const usl_fit *fit)
{
    json_t *usl = json_pack("{s:b, s:b, s:f, s:f, s:f, s:f, s:s}", "fitted", fit->fitted, "amdahl",
                            fit->amdahl, "lambda", fit->lambda, "sigma", fit->sigma, "kappa",
                            fit->kappa, "r2", fit->r2, "note", fit->note);
    if (fit->has_errors) {
        json_object_set_new(usl, "sigma_se", json_real(fit->sigma_se));
        json_object_set_new(usl, "kappa_se", json_real(fit->kappa_se));
    }
    json_object_set_new(usl, "peak_servers",
                        fit->peak_n > 0 ? json_real(fit->peak_n) : json_null());
    return usl;
}

json_t *analysis_json(const analysis *a)
{
    if (*a->error != '\0')
        return json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", a->verdict, "error", a->error,
                         "limiting_factor", "usl", "fitted", 0, "note", a->usl.note);
    json_t *out = json_pack(
        "{s:o, s:s, s:o, s:f}", "usl", usl_json(&a->usl), "verdict", a->verdict, "limiting_factor",
        a->limiting_factor != NULL ? json_string(a->limiting_factor) : json_null(),
        "min_efficiency", a->min_efficiency);
    /* Every figure is finite, so only memory can fail this: still, never an absent analysis. */
    return out != NULL ? out
                       : json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", "unknown", "error",
                                   "the analysis could not be recorded", "limiting_factor", "usl",
                                   "fitted", 0, "note", "the analysis could not be recorded");
}
