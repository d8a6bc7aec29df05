/*
 * analysis_json.c - see analysis_json.h. Only figures go out: every one the
 * analysis holds is finite, so jansson can write them all.
 */
#include "analysis_json.h"
#include "usl_json.h"

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

/*
 * The fit: usl_json's figures, whether kappa was fixed at 0 (Amdahl), whether sigma came out
 * below 0 (super-linear, Gunther's reading, reported as it came out), and the notes. Without a
 * fit, only why.
 */
static json_t *fit_json(const analysis *a)
{
    if (!a->fitted)
        return json_pack("{s:b, s:s}", "fitted", 0, "note", a->usl.notes);
    json_t *usl = usl_json(&a->usl);
    if (usl == NULL)
        return json_pack("{s:b, s:s}", "fitted", 0, "note",
                         "a figure of the fit is not a finite number");
    json_object_set_new(usl, "fitted", json_true());
    json_object_set_new(usl, "amdahl", json_boolean(a->usl.amdahl));
    json_object_set_new(usl, "super_linear", json_boolean(a->usl.sigma.value < 0));
    json_object_set_new(usl, "note", json_string(a->usl.notes));
    return usl;
}

json_t *analysis_json(const analysis *a)
{
    if (*a->error != '\0')
        return json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", a->verdict, "error", a->error,
                         "limiting_factor", "usl", "fitted", 0, "note", a->usl.notes);
    json_t *out =
        json_pack("{s:o, s:s, s:s, s:o, s:o, s:f}", "usl", fit_json(a), "verdict", a->verdict,
                  "verdict_note", a->verdict_note, "repetitions_needed",
                  a->repetitions_needed != 0 ? json_integer(a->repetitions_needed) : json_null(),
                  "limiting_factor",
                  a->limiting_factor != NULL ? json_string(a->limiting_factor) : json_null(),
                  "min_efficiency", a->min_efficiency);
    /* Every figure is finite, so only memory can fail this: still, never an absent analysis. */
    return out != NULL ? out
                       : json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", "unknown", "error",
                                   "the analysis could not be recorded", "limiting_factor", "usl",
                                   "fitted", 0, "note", "the analysis could not be recorded");
}
