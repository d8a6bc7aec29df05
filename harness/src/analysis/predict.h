/*
 * predict.h - predict, then verify (predict.c): X(N) from the fit at the
 * server counts a scenario names, each with its 95% prediction interval;
 * where N was measured too, from a fit to the other steps, and whether the
 * measurement fell inside.
 */
#ifndef TWICE_PREDICT_H
#define TWICE_PREDICT_H

#include "analyze.h"

/**
 * Fills out->predictions for servers[0..n) (n <= ANALYSIS_MAX_PREDICT) from out's fit (and,
 * steps being the out->nsteps steps analysed,
 * for measured counts, a fit without them), and appends what each measured one showed to
 * out->verdict_note.
 */
void predict_all(const analysis_input *steps, const unsigned *servers, size_t n, analysis *out);

#endif
