/*
 * verdict.h - the verdict of a model's analysed steps (verdict.c): linear,
 * sub-linear (and, when the USL fit supports it, what limits it) or
 * inconclusive, from each step's E(N) interval against
 * ANALYSIS_LINEAR_EFFICIENCY.
 */
#ifndef TWICE_VERDICT_H
#define TWICE_VERDICT_H

#include "analyze.h"

/**
 * Sets out->verdict, verdict_note, repetitions_needed and limiting_factor from out's steps
 * (two or more, valid, with intervals) and its fit. steps are the measurements analysed.
 */
void verdict_decide(const analysis_input *steps, analysis *out);

#endif
