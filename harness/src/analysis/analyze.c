/*
 * analyze.c - see analyze.h. The order of the work: summarise each step,
 * compare each with the first (E(N)), fit the law to the medians, then
 * decide. A step without throughput stops the fit (X(N) divides), and the
 * analysis says so in its error, for the report and the gate, rather than
 * holding NaN or nothing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "rng.h"

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

/*
 * How many repetitions in all would likely move an interval of E(N) that straddles the
 * threshold off it: the half-width shrinks as 1 / sqrt(n), and must shrink below the distance
 * from E(N) to the threshold. 0 when E(N) sits on the threshold: no number of repetitions
 * can be promised.
 */
static unsigned repetitions_to_decide(const analysis_step *s, size_t nruns)
{
    double half = (s->efficiency_ci.hi - s->efficiency_ci.lo) / 2;
    double distance = fabs(s->efficiency - ANALYSIS_LINEAR_EFFICIENCY);
    if (!(distance > 1e-9))
        return 0;
    double n = ceil((double)nruns * (half / distance) * (half / distance));
    return n > nruns ? (n < 1e6 ? (unsigned)n : 1000000) : (unsigned)nruns + 1;
}

/* The verdict of valid figures from two or more server counts, from the E(N) intervals. */
static void decide(const analysis_input *steps, analysis *out)
{
    const analysis_step *below = NULL; /* the first step whose interval lies below */
    size_t straddling = 0;
    int undecidable = 0; /* a straddling E(N) sits on the threshold */
    for (size_t i = 1; i < out->nsteps; i++) {
        const analysis_step *s = &out->steps[i];
        if (s->efficiency_ci.hi < ANALYSIS_LINEAR_EFFICIENCY) {
            if (below == NULL)
                snprintf(out->verdict_note, sizeof(out->verdict_note),
                         "E(%u) = %.2f, 95%% interval [%.2f, %.2f], lies below %.2f",
                         steps[i].servers, s->efficiency, s->efficiency_ci.lo, s->efficiency_ci.hi,
                         ANALYSIS_LINEAR_EFFICIENCY);
            below = s;
        } else if (s->efficiency_ci.lo < ANALYSIS_LINEAR_EFFICIENCY) {
            unsigned needed = repetitions_to_decide(s, steps[i].nruns);
            undecidable |= needed == 0;
            if (needed > out->repetitions_needed)
                out->repetitions_needed = needed;
            if (straddling++ == 0 && below == NULL)
                snprintf(out->verdict_note, sizeof(out->verdict_note),
                         "E(%u) = %.2f, 95%% interval [%.2f, %.2f], straddles %.2f",
                         steps[i].servers, s->efficiency, s->efficiency_ci.lo, s->efficiency_ci.hi,
                         ANALYSIS_LINEAR_EFFICIENCY);
        }
    }
    if (below != NULL || undecidable)
        out->repetitions_needed = 0;
    if (below != NULL) {
        out->verdict = "sub-linear";
    } else if (straddling != 0) {
        out->verdict = "inconclusive";
        size_t used = strlen(out->verdict_note);
        if (out->repetitions_needed != 0)
            snprintf(out->verdict_note + used, sizeof(out->verdict_note) - used,
                     "%s: about %u repetitions in all would likely decide it",
                     straddling > 1 ? " (and other steps too)" : "", out->repetitions_needed);
        else
            snprintf(out->verdict_note + used, sizeof(out->verdict_note) - used,
                     ": E(N) sits on the threshold, which no number of repetitions may decide");
    } else {
        out->verdict = "linear";
        snprintf(out->verdict_note, sizeof(out->verdict_note),
                 "every step's E(N) interval lies at or above %.2f", ANALYSIS_LINEAR_EFFICIENCY);
    }
}

int analysis_run(const analysis_input *steps, size_t nsteps, uint64_t seed, analysis *out,
                 char *err, size_t errlen)
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
    char why[sizeof(out->usl.note)];
    int have_intervals = intervals(steps, nsteps, seed, out, why, sizeof(why)) == 0;
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
    out->usl = usl_fit_points(n, x, nsteps);
    if (!out->usl.fitted && nsteps >= 2) {
        snprintf(why, sizeof(why), "%s", out->usl.note);
        unknown(out, why);
        return 0;
    }
    if (!valid)
        out->verdict = "invalid";
    else if (nsteps < 2)
        out->verdict = "unknown";
    else
        decide(steps, out);
    if (strcmp(out->verdict, "sub-linear") == 0 && out->usl.fitted)
        out->limiting_factor = limiting_factor(&out->usl, n[nsteps - 1]);
    return 0;
}
