/*
 * report_table.h - a report as the table twice run prints on the terminal
 * (report_table.c).
 */
#ifndef TWICE_REPORT_TABLE_H
#define TWICE_REPORT_TABLE_H

#include <stdio.h>

#include "report_read.h"

/** Per model and step: throughput, efficiency, its best bound, latency, errors and flags, the
 * servers' resources and the loss breakdown where the report has them; then each model's
 * verdict and USL fit. */
void report_print_table(FILE *out, const report_doc *report);

#endif
