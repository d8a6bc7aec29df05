/*
 * fit_input.h - what `twice fit` fits (fit_input.c): a CSV of (servers,
 * throughput) measurements (fit_csv.h) is one data set; a Twice report
 * (read through the typed reader) gives one per model, every repetition of
 * every step. A file whose first character (past a byte order mark and
 * blanks) is '{' is taken for a report.
 */
#ifndef TWICE_FIT_INPUT_H
#define TWICE_FIT_INPUT_H

#include <stddef.h>

#include "fit_csv.h"

typedef struct fit_set {
    char *model; /* owned: the report's model; NULL for a CSV */
    fit_data data;
} fit_set;

/**
 * Reads path into *sets (*nsets of them; free with fit_sets_free). model, when not NULL,
 * picks that model of a report (an error for a CSV). Returns 0, or -1 with err naming the
 * file and what is wrong in it (FILE:LINE for a CSV, the JSON path for a report).
 */
int fit_sets_read(const char *path, const char *model, fit_set **sets, size_t *nsets, char *err,
                  size_t errlen);
void fit_sets_free(fit_set *sets, size_t nsets);

#endif
