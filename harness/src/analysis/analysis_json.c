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
        if (!a->has_efficiency)
            continue;
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

/* Each prediction: its figure and interval, and, where N was measured, whether it held. */
static json_t *predictions_json(const analysis *a)
{
    json_t *list = json_array();
    for (size_t i = 0; i < a->npredictions; i++) {
        const analysis_prediction *p = &a->predictions[i];
        int intervals = p->ok && p->law.has_intervals;
        json_array_append_new(
            list,
            json_pack("{s:I, s:o, s:o, s:o, s:o, s:s}", "servers", (json_int_t)p->servers, "value",
                      p->ok ? json_real(p->law.value) : json_null(), "pi95",
                      usl_interval_json(intervals, p->law.pi_lo, p->law.pi_hi), "measured",
                      p->measured ? json_real(p->median) : json_null(), "held",
                      p->measured && p->ok ? json_boolean(p->held) : json_null(), "note", p->note));
    }
    return list;
}

json_t *analysis_json_failed(const char *why)
{
    return json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", "failed", "error", why,
                     "limiting_factor", "usl", "fitted", 0, "note", "");
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
    json_object_set_new(out, "predictions", predictions_json(a));
    /* Every figure is finite, so only memory can fail this: still, never an absent analysis. */
    return out != NULL ? out
                       : json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", "unknown", "error",
                                   "the analysis could not be recorded", "limiting_factor", "usl",
                                   "fitted", 0, "note", "the analysis could not be recorded");
}
