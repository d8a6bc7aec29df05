/*
 * predict.c - see predict.h. A measured count is left out of the fit that
 * predicts it: a prediction checked against data it was fitted to would hold
 * by construction.
 */
#include <stdio.h>
#include <string.h>

#include "fit_runs.h"
#include "predict.h"

static const analysis_step *measured_step(const analysis_input *steps, const analysis *out,
                                          unsigned servers)
{
    for (size_t i = 0; i < out->nsteps; i++) {
        if (steps[i].servers == servers)
            return &out->steps[i];
    }
    return NULL;
}

static void predict_one(const analysis_input *steps, analysis *out, analysis_prediction *p)
{
    const analysis_step *step = measured_step(steps, out, p->servers);
    usl_nls held_out;
    const usl_nls *fit = &out->usl;
    char why[sizeof(held_out.notes)];
    p->measured = step != NULL;
    if (step != NULL) {
        p->median = step->throughput.median;
        if (fit_runs(steps, out->nsteps, p->servers, &held_out, why, sizeof(why)) != 0) {
            snprintf(p->note, sizeof(p->note), "no fit without the %u-server step: %.200s",
                     p->servers, why);
            return;
        }
        fit = &held_out;
    } else if (!out->fitted) {
        snprintf(p->note, sizeof(p->note), "no USL fit to predict from");
        return;
    }
    if (usl_nls_predict(fit, p->servers, &p->law, why, sizeof(why)) != 0) {
        snprintf(p->note, sizeof(p->note), "%.250s", why);
        return;
    }
    if (!p->law.has_intervals) {
        snprintf(p->note, sizeof(p->note),
                 "no prediction interval: the fit has no degrees of "
                 "freedom");
        p->ok = !p->measured; /* a measured count is verified against an interval, or not */
        return;
    }
    p->ok = 1;
    p->held = p->measured && p->law.pi_lo <= p->median && p->median <= p->law.pi_hi;
}

void predict_all(const analysis_input *steps, const unsigned *servers, size_t n, analysis *out)
{
    out->npredictions = n;
    for (size_t i = 0; i < n; i++) {
        analysis_prediction *p = &out->predictions[i];
        memset(p, 0, sizeof(*p));
        p->servers = servers[i];
        predict_one(steps, out, p);
        if (!p->measured || !p->ok)
            continue;
        size_t used = strlen(out->verdict_note);
        snprintf(out->verdict_note + used, sizeof(out->verdict_note) - used,
                 "%sthe prediction at %u servers %s: measured %.0f, predicted %.0f [%.0f, %.0f] "
                 "from the other steps",
                 used != 0 ? "; " : "", p->servers, p->held ? "held" : "did not hold", p->median,
                 p->law.value, p->law.pi_lo, p->law.pi_hi);
    }
}
