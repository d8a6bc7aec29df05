/*
 * report_figures.h - a step's figures as the terminal table, Markdown and
 * HTML print them (report_figures.c), so that the three say the same: the
 * median with its 95% interval where the report has one, else with the
 * min-max range of older reports.
 */
#ifndef TWICE_REPORT_FIGURES_H
#define TWICE_REPORT_FIGURES_H

#include <stddef.h>

#include "report_read.h"

/** The column's heading for a step's throughput in report. */
const char *report_throughput_heading(const report_doc *report);
/** "1000 [990-1010]" (95% interval) or "1000 (990-1010)" (min-max) into buf; returns buf. */
char *report_throughput_text(char *buf, size_t len, const report_summary *s);
/** "0.85 [0.78-0.88]", "0.85" without an interval, or "-" without E(N); returns buf. */
char *report_efficiency_text(char *buf, size_t len, const report_summary *s);

#endif
