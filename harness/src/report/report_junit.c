/*
 * report_junit.c - the gate as JUnit XML: one test case per check, so that
 * any CI system shows a failed threshold as a failed test, by name. Every
 * name comes from the report and goes through markup_escape(): the file is
 * well-formed XML whatever the scenario and its models are called.
 */
#include "markup.h"
#include "report_format.h"

static int write_junit(FILE *out, const report_doc *report, const gate_checks *checks)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"twice ", out);
    markup_escape(out, report->name);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", checks->n, checks->failed);
    for (size_t i = 0; i < checks->n; i++) {
        const gate_check_result *c = &checks->items[i];
        fputs("  <testcase classname=\"twice.", out);
        markup_escape(out, report->name);
        fputs("\" name=\"", out);
        markup_escape(out, c->name);
        if (c->pass) {
            fputs("\"/>\n", out);
            continue;
        }
        fprintf(out, "\">\n    <failure message=\"%.3f, limit ", c->figure);
        markup_escape(out, c->limit);
        if (*c->detail != '\0') {
            fputs(" (", out);
            markup_escape(out, c->detail);
            fputs(")", out);
        }
        fputs("\">", out);
        markup_escape(out, c->note);
        fputs("</failure>\n  </testcase>\n", out);
    }
    fputs("</testsuite>\n", out);
    return ferror(out) ? -1 : 0;
}

const report_format report_junit = {"junit", "junit.xml", write_junit};
