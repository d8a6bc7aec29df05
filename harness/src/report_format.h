/*
 * report_format.h - the report formats beyond JSON, one file each
 * (report_markdown.c, report_junit.c), behind one small table.
 */
#ifndef TWICE_REPORT_FORMAT_H
#define TWICE_REPORT_FORMAT_H

#include <stdio.h>

#include <jansson.h>

typedef struct report_format {
    const char *name;      /* as --format names it */
    const char *extension; /* of the file twice run writes beside the JSON */
    /** Writes report (and the gate's checks, an array) to out; 0 or -1. */
    int (*write)(FILE *out, json_t *report, json_t *checks);
} report_format;

extern const report_format report_markdown;
extern const report_format report_junit;
extern const report_format report_html;

/** The format called name, or NULL. */
const report_format *report_format_find(const char *name);

#endif
