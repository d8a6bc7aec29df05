/*
 * report_html_loss.h - the HTML report's sections on where each model's lost
 * throughput went, and where a super-linear step's gain came from
 * (report_html_loss.c).
 */
#ifndef TWICE_REPORT_HTML_LOSS_H
#define TWICE_REPORT_HTML_LOSS_H

#include <stdio.h>

#include "report_read.h"

/**
 * Writes "Where the lost efficiency went" for report: per model with a breakdown at any step,
 * a stacked bar per such step (a segment per part), a table of the parts' losses and each
 * part's evidence. Nothing for a report without breakdowns. 0, or -1 when memory ran out.
 */
int report_html_loss(FILE *out, const report_doc *report);

/** Writes "Where super-linear gains came from": one item per step with a gain, its evidence.
 * Nothing for a report without gains. */
void report_html_gain(FILE *out, const report_doc *report);

#endif
