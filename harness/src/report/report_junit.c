/*
 * report_junit.c - the gate as JUnit XML: one test case per check, so that
 * any CI system shows a failed threshold as a failed test, by name, and one
 * more per target whose run failed (its figures are absent, so no check
 * could fail it: the run itself is the failed test). Every
 * name comes from the report and goes through markup_escape(): the file is
 * well-formed XML whatever the scenario and its models are called.
 */
#include <string.h>

#include "markup.h"
#include "report_format.h"

/* 1 when model's run failed: the run recorded it so in its analysis. */
static int run_failed(const report_model *model)
{
    return model->analysis.present && strcmp(model->analysis.verdict, "failed") == 0;
}

/* A failed test case for each target whose run failed, saying why. */
static void failed_runs(FILE *out, const report_doc *report)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        if (!run_failed(m))
            continue;
        fputs("  <testcase classname=\"twice.", out);
        markup_escape(out, report->name);
        fputs("\" name=\"", out);
        markup_escape(out, m->name);
        fputs(": run\">\n    <failure message=\"the target's run failed\">", out);
        markup_escape(out, m->analysis.error != NULL ? m->analysis.error : "");
        fputs("</failure>\n  </testcase>\n", out);
    }
}

static int write_junit(FILE *out, const report_doc *report, const gate_checks *checks)
{
    size_t failed = 0;
    for (size_t i = 0; i < report->nmodels; i++)
        failed += run_failed(&report->models[i]);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"twice ", out);
    markup_escape(out, report->name);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", checks->n + failed,
            checks->failed + failed);
    failed_runs(out, report);
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
