/*
 * verdict.c - see verdict.h. Intervals decide, not points: a step whose
 * E(N) interval straddles the threshold cannot be called either way, and a
 * cause is named only when the fit's own intervals say it is there.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verdict.h"

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
static void from_intervals(const analysis_input *steps, analysis *out)
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

/* Appends to the verdict's note. */
static void note(analysis *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(analysis *out, const char *fmt, ...)
{
    size_t used = strlen(out->verdict_note);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->verdict_note + used, sizeof(out->verdict_note) - used, fmt, ap);
    va_end(ap);
}

/*
 * What costs more at the largest step N: waiting for each other (sigma (N - 1)) or keeping in
 * step (kappa N (N - 1)). Named only when that parameter's interval lies above 0: a cost the
 * fit cannot tell from nothing limits nothing it can show.
 */
static void limiting_factor(analysis *out, double top)
{
    const usl_nls *fit = &out->usl;
    if (!out->fitted) {
        note(out, "; no USL fit to say what limits it");
        return;
    }
    int contention = fit->sigma.value * (top - 1) >= fit->kappa.value * top * (top - 1);
    const usl_estimate *e = contention ? &fit->sigma : &fit->kappa;
    const char *name = contention ? "sigma" : "kappa";
    if (!e->has_ci) {
        note(out, "; %s (%.4g) would limit it, but the fit gives it no interval", name, e->value);
        return;
    }
    if (!(e->lo > 0)) {
        note(out,
             "; %s, 95%% interval [%.4g, %.4g], is not distinguishable from 0: the fit does "
             "not say what limits it",
             name, e->lo, e->hi);
        return;
    }
    out->limiting_factor = contention ? "contention" : "coherency";
    note(out,
         "; limited by %s: %s = %.4g, 95%% interval [%.4g, %.4g], costs the most at %.0f "
         "servers",
         out->limiting_factor, name, e->value, e->lo, e->hi, top);
}

void verdict_decide(const analysis_input *steps, analysis *out)
{
    from_intervals(steps, out);
    if (strcmp(out->verdict, "sub-linear") == 0)
        limiting_factor(out, steps[out->nsteps - 1].servers);
}
