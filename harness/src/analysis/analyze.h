/*
 * analyze.h - what a model's measured steps say (analyze.c): each step's
 * throughput summarised over its repetitions, its efficiency E(N) against
 * the model's first step, the Universal Scalability Law fitted to them, and
 * the verdict. It takes plain C arrays and returns a struct, so that the run
 * only measures and records, and the analysis can be tested on known data.
 */
#ifndef TWICE_ANALYZE_H
#define TWICE_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "bootstrap.h"
#include "stats.h"
#include "usl_nls.h"

/* No scenario steps through more server counts (scenario.h's SCENARIO_MAX_STEPS). */
#define ANALYSIS_MAX_STEPS 64
/*
 * Every step at least this efficient: the model scaled. The verdict reads each step's E(N)
 * interval against it: "linear" when every interval lies at or above it, "sub-linear" when
 * one lies wholly below it, "inconclusive" when one straddles it (and none is below).
 */
#define ANALYSIS_LINEAR_EFFICIENCY 0.90

/** One step as measured: borrowed by analysis_run, which keeps no pointer. */
typedef struct analysis_input {
    unsigned servers;          /* >= 1 */
    const double *throughputs; /* every repetition's, requests per second */
    size_t nruns;              /* >= 1 */
    int valid;                 /* 0: the step is flagged, its figure is not the system's */
} analysis_input;

typedef struct analysis_step {
    stats_summary throughput;         /* median, min and max over the repetitions */
    bootstrap_interval throughput_ci; /* 95% bootstrap percentile interval of the median */
    double efficiency;                /* E(N) of the medians against the first step */
    bootstrap_interval efficiency_ci; /* of the ratio of medians; [1, 1] for the first step,
                                         the reference itself */
} analysis_step;

/* No scenario asks for more predictions (scenario.h's SCENARIO_MAX_PREDICT). */
#define ANALYSIS_MAX_PREDICT 64

/**
 * X(N) predicted by the fit, with its 95% prediction interval. When the scenario measured N
 * too, the prediction comes from a fit to the other steps only, and says whether the
 * measured median fell inside it: predict, then verify.
 */
typedef struct analysis_prediction {
    unsigned servers;
    int ok;             /* 0: no prediction (note says why) */
    usl_prediction law; /* when ok */
    int measured;       /* 1: N was measured, and the fit left it out */
    double median;      /* the measured median, when measured */
    int held;           /* when measured and ok: the median lies in the prediction interval */
    char note[256];
} analysis_prediction;

typedef struct analysis_options {
    uint64_t seed;           /* of the bootstrap */
    const unsigned *predict; /* server counts to predict X(N) at, npredict of them */
    size_t npredict;
    unsigned repetitions; /* when > 0: the runs every step must have; a step with fewer (a
                             measurement cut short) is refused, never analysed as if whole */
} analysis_options;

typedef struct analysis {
    analysis_step steps[ANALYSIS_MAX_STEPS]; /* in the order given */
    size_t nsteps;
    const char *verdict;         /* "linear", "sub-linear", "inconclusive", "invalid" or "unknown"
                                    (static) */
    char verdict_note[512];      /* for people: which interval decided, or why none did; or "" */
    unsigned repetitions_needed; /* when inconclusive: the repetitions in all that would likely
                                    decide it; 0 when no number can be given */
    const char *limiting_factor; /* "contention", "coherency" (static), or NULL */
    int has_efficiency;          /* 0 when the first step had no throughput: E(N) against
                                    nothing is undefined, not 0, and steps show none */
    double min_efficiency;       /* the lowest E(N), when has_efficiency */
    char error[1024];            /* "" or why the figures could not be analysed */
    int fitted;                  /* 0: no USL fit (usl.notes says why) */
    usl_nls usl;                 /* fitted to every repetition of every step */
    analysis_prediction predictions[ANALYSIS_MAX_PREDICT]; /* options' predict, in order */
    size_t npredictions;
} analysis;

/* The resamples of every bootstrap interval, and how the report names the intervals. */
#define ANALYSIS_RESAMPLES BOOTSTRAP_DEFAULT_RESAMPLES
#define ANALYSIS_INTERVAL "bootstrap percentile, 95%, 4000 resamples"

/**
 * Analyses nsteps steps (1 to ANALYSIS_MAX_STEPS, each with at least one
 * repetition) into *out, with the predictions options asks for (at most
 * ANALYSIS_MAX_PREDICT); options' seed seeds the bootstrap, so that the same
 * figures and seed give the same intervals. Returns 0, or -1 with the reason in err when the
 * input breaks that contract. Figures that cannot be analysed (a step
 * without throughput, a fit that fails) are not an error: the verdict is
 * then "unknown" and out->error says why.
 */
int analysis_run(const analysis_input *steps, size_t nsteps, const analysis_options *options,
                 analysis *out, char *err, size_t errlen);

#endif
