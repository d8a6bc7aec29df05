/*
 * analyze.c - see analyze.h. The order of the work: summarise each step,
 * compare each with the first (E(N)), fit the law to the medians, then
 * decide. A step without throughput stops the fit (X(N) divides), and the
 * analysis says so in its error, for the report and the gate, rather than
 * holding NaN or nothing.
 */
#include <stdio.h>
#include <string.h>

#include "analyze.h"

/* The analysis of figures that cannot be analysed: an unknown verdict and why. */
static void unknown(analysis *out, const char *why)
{
    out->verdict = "unknown";
    out->limiting_factor = NULL;
    snprintf(out->error, sizeof(out->error), "%s", why);
    memset(&out->usl, 0, sizeof(out->usl));
    snprintf(out->usl.note, sizeof(out->usl.note), "%s", why);
}

/* What costs more at the largest step: waiting for each other, or keeping in step. */
static const char *limiting_factor(const usl_fit *fit, double top)
{
    return fit->sigma * (top - 1) >= fit->kappa * top * (top - 1) ? "contention" : "coherency";
}

int analysis_run(const analysis_input *steps, size_t nsteps, analysis *out, char *err,
                 size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (nsteps == 0 || nsteps > ANALYSIS_MAX_STEPS) {
        snprintf(err, errlen, "%zu steps to analyse: expected 1 to %d", nsteps, ANALYSIS_MAX_STEPS);
        return -1;
    }
    double n[ANALYSIS_MAX_STEPS], x[ANALYSIS_MAX_STEPS];
    int valid = 1;
    for (size_t i = 0; i < nsteps; i++) {
        if (steps[i].nruns == 0 || steps[i].servers == 0) {
            snprintf(err, errlen, "step %zu has %s", i + 1,
                     steps[i].servers == 0 ? "no servers" : "no repetitions");
            return -1;
        }
        out->steps[i].throughput = stats_summarize(steps[i].throughputs, steps[i].nruns);
        n[i] = steps[i].servers;
        x[i] = out->steps[i].throughput.median;
        valid &= steps[i].valid;
    }
    out->nsteps = nsteps;
    out->min_efficiency = 1;
    for (size_t i = 0; i < nsteps; i++) {
        double e = stats_efficiency(x[i], steps[i].servers, x[0], steps[0].servers);
        out->steps[i].efficiency = e;
        out->min_efficiency = e < out->min_efficiency ? e : out->min_efficiency;
    }
    for (size_t i = 0; i < nsteps; i++) {
        if (!(x[i] > 0)) {
            char why[160];
            snprintf(why, sizeof(why),
                     "no throughput at %.0f servers: sigma and kappa cannot be estimated", n[i]);
            unknown(out, why);
            return 0;
        }
    }
    out->usl = usl_fit_points(n, x, nsteps);
    if (!out->usl.fitted && nsteps >= 2) {
        char why[sizeof(out->usl.note)];
        snprintf(why, sizeof(why), "%s", out->usl.note);
        unknown(out, why);
        return 0;
    }
    out->verdict = !valid                                              ? "invalid"
                   : nsteps < 2                                        ? "unknown"
                   : out->min_efficiency >= ANALYSIS_LINEAR_EFFICIENCY ? "linear"
                                                                       : "sub-linear";
    if (strcmp(out->verdict, "sub-linear") == 0 && out->usl.fitted)
        out->limiting_factor = limiting_factor(&out->usl, n[nsteps - 1]);
    return 0;
}
