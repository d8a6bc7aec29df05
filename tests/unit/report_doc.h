/*
 * report_doc.h - for the harness's unit tests: a report in JSON read through
 * the typed reader, failing the test when the reader refuses it (or when it
 * accepts what it must refuse), and a count of what a writer wrote.
 */
#ifndef TWICE_TEST_REPORT_DOC_H
#define TWICE_TEST_REPORT_DOC_H

#include <criterion/criterion.h>
#include <string.h>

#include "report_read.h"

/** Reads json (stolen) into doc; the test fails when the reader refuses it. */
static inline void read_doc(report_doc *doc, json_t *json)
{
    char err[512];
    cr_assert_not_null(json, "the test's JSON did not pack");
    cr_assert_eq(report_read_json(doc, json, "test.json", err, sizeof(err)), 0, "%s", err);
    json_decref(json);
}

/** json (stolen) refused by the reader (as "r.json") with exactly expected. */
static inline void read_refused(json_t *json, const char *expected)
{
    report_doc doc;
    char err[512];
    cr_assert_eq(report_read_json(&doc, json, "r.json", err, sizeof(err)), -1, "accepted");
    cr_assert_str_eq(err, expected);
    json_decref(json);
}

/** How many times needle occurs in haystack (overlapping ones too). */
static inline size_t occurrences(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

#endif
