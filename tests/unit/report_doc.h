/*
 * report_doc.h - for the harness's unit tests: a report in JSON read through
 * the typed reader, failing the test when the reader refuses it.
 */
#ifndef TWICE_TEST_REPORT_DOC_H
#define TWICE_TEST_REPORT_DOC_H

#include <criterion/criterion.h>

#include "report_read.h"

/** Reads json (stolen) into doc; the test fails when the reader refuses it. */
static inline void read_doc(report_doc *doc, json_t *json)
{
    char err[512];
    cr_assert_not_null(json, "the test's JSON did not pack");
    cr_assert_eq(report_read_json(doc, json, "test.json", err, sizeof(err)), 0, "%s", err);
    json_decref(json);
}

#endif
