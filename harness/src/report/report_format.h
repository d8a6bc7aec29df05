/*
 * report_format.h - the report formats beyond JSON, one file each
 * (report_markdown.c, report_junit.c, report_html.c), behind one small
 * table. Every format renders a report as report_read.c checked it, never
 * raw JSON, and escapes every string from the file for its own output.
 */
#ifndef TWICE_REPORT_FORMAT_H
#define TWICE_REPORT_FORMAT_H

#include <stdio.h>

#include "gate.h"
#include "report_read.h"

typedef struct report_format {
    const char *name;      /* as --format names it */
    const char *extension; /* of the file twice run writes beside the JSON */
    /** Writes report (and the gate's checks, none when it could not be gated) to out; 0 or -1. */
    int (*write)(FILE *out, const report_doc *report, const gate_checks *checks);
} report_format;

extern const report_format report_markdown;
extern const report_format report_junit;
extern const report_format report_html;

/** The format called name, or NULL. */
const report_format *report_format_find(const char *name);

/**
 * Writes report with its gate's checks (gate_check() against the report's own
 * thresholds; none when it cannot be gated) in format to path atomically, or to
 * stdout when path is NULL. 0 or -1 with err.
 */
int report_render(const report_format *format, const report_doc *report, const char *path,
                  char *err, size_t errlen);
/**
 * Writes report in every format beside the JSON report at json_path: its name with each
 * format's extension for ".json", the gate's checks computed once for all. Never replaces a
 * file. 0 or -1 with err (at the first format that could not be written).
 */
int report_render_beside(const report_doc *report, const char *json_path, char *err, size_t errlen);

#endif
