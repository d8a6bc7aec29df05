/*
 * analyze.c - see analyze.h. The order of the work: summarise each step,
 * compare each with the first (E(N)) with intervals, fit the law to every
 * repetition, then decide (verdict.c). A step without throughput stops the fit (X(N) divides), and
 * the analysis says so in its error, for the report and the gate, rather than holding NaN or
 * nothing.
 */
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "fit_runs.h"
#include "predict.h"
#include "rng.h"
#include "verdict.h"

/* The analysis of figures that cannot be analysed: an unknown verdict and why. */
static void unknown(analysis *out, const char *why)
{
    out->verdict = "unknown";
    out->limiting_factor = NULL;
    snprintf(out->error, sizeof(out->error), "%s", why);
    out->fitted = 0;
    memset(&out->usl, 0, sizeof(out->usl));
    snprintf(out->usl.notes, sizeof(out->usl.notes), "%s", why);
}

/*
 * The law fitted to every repetition (not the medians: the fit then knows the noise, and its
 * intervals say so). 0, or -1 with why: the fit failed with two server counts or more. With
 * one, there is no fit and the notes say why, which is not an error.
 */
static int fit_every_run(const analysis_input *steps, size_t nsteps, analysis *out, char *why,
                         size_t whylen)
{
    out->fitted = fit_runs(steps, nsteps, 0, &out->usl, why, whylen) == 0;
    if (out->fitted)
        return 0;
    memset(&out->usl, 0, sizeof(out->usl));
    snprintf(out->usl.notes, sizeof(out->usl.notes), "%s", why);
    return nsteps >= 2 ? -1 : 0;
}

/*
 * The 95% intervals of each step's median and E(N), each from a seed of its own drawn from
 * seed. E(N) = X(N) / (N X(1)) is the ratio of medians scaled by first / N; the first step is
 * the reference, E = 1 exactly. Returns 0, or -1 with why (a run without throughput, which
 * the ratio cannot divide by) in why.
 */
static int intervals(const analysis_input *steps, size_t nsteps, uint64_t seed, analysis *out,
                     char *why, size_t whylen)
{
    char reason[256];
    /* Until the bootstrap gives one, each interval is its point: never an absent figure. */
    for (size_t i = 0; i < nsteps; i++) {
        analysis_step *s = &out->steps[i];
        s->throughput_ci = (bootstrap_interval){s->throughput.median, s->throughput.median};
        s->efficiency_ci = (bootstrap_interval){s->efficiency, s->efficiency};
    }
    for (size_t i = 0; i < nsteps; i++) {
        analysis_step *s = &out->steps[i];
        const analysis_input *first = &steps[0];
        if (bootstrap_median(steps[i].throughputs, steps[i].nruns, ANALYSIS_RESAMPLES,
                             rng_splitmix64(&seed), &s->throughput_ci, reason,
                             sizeof(reason)) != 0 ||
            (i > 0 &&
             bootstrap_median_ratio(steps[i].throughputs, steps[i].nruns, first->throughputs,
                                    first->nruns, ANALYSIS_RESAMPLES, rng_splitmix64(&seed),
                                    &s->efficiency_ci, reason, sizeof(reason)) != 0)) {
            snprintf(why, whylen, "no interval at %u servers: %s", steps[i].servers, reason);
            return -1;
        }
        double scale = (double)first->servers / steps[i].servers;
        s->efficiency_ci =
            i == 0 ? (bootstrap_interval){1, 1}
                   : (bootstrap_interval){s->efficiency_ci.lo * scale, s->efficiency_ci.hi * scale};
    }
    return 0;
}

int analysis_run(const analysis_input *steps, size_t nsteps, const analysis_options *options,
                 analysis *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (nsteps == 0 || nsteps > ANALYSIS_MAX_STEPS) {
        snprintf(err, errlen, "%zu steps to analyse: expected 1 to %d", nsteps, ANALYSIS_MAX_STEPS);
        return -1;
    }
    if (options->npredict > ANALYSIS_MAX_PREDICT) {
        snprintf(err, errlen, "%zu predictions asked for: at most %d", options->npredict,
                 ANALYSIS_MAX_PREDICT);
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
        if (options->repetitions != 0 && steps[i].nruns != options->repetitions) {
            snprintf(err, errlen, "step %zu (%u servers) has %zu of its %u repetitions", i + 1,
                     steps[i].servers, steps[i].nruns, options->repetitions);
            return -1;
        }
        out->steps[i].throughput = stats_summarize(steps[i].throughputs, steps[i].nruns);
        n[i] = steps[i].servers;
        x[i] = out->steps[i].throughput.median;
        valid &= steps[i].valid;
    }
    out->nsteps = nsteps;
    out->min_efficiency = 1;
    out->has_efficiency = x[0] > 0;
    for (size_t i = 0; i < nsteps && out->has_efficiency; i++) {
        double e = stats_efficiency(x[i], steps[i].servers, x[0], steps[0].servers);
        out->steps[i].efficiency = e;
        out->min_efficiency = e < out->min_efficiency ? e : out->min_efficiency;
    }
    char why[sizeof(out->usl.notes)];
    int have_intervals = intervals(steps, nsteps, options->seed, out, why, sizeof(why)) == 0;
    for (size_t i = 0; i < nsteps; i++) {
        if (!(x[i] > 0)) {
            snprintf(why, sizeof(why),
                     "no throughput at %.0f servers: sigma and kappa cannot be estimated", n[i]);
            unknown(out, why);
            return 0;
        }
    }
    if (!have_intervals) {
        unknown(out, why);
        return 0;
    }
    if (fit_every_run(steps, nsteps, out, why, sizeof(why)) != 0) {
        unknown(out, why);
        return 0;
    }
    if (!valid)
        out->verdict = "invalid";
    else if (nsteps < 2)
        out->verdict = "unknown";
    else
        verdict_decide(steps, out);
    predict_all(steps, options->predict, options->npredict, out);
    return 0;
}
