/*
 * report_junit.c - the gate as JUnit XML: one test case per check, so that
 * any CI system shows a failed threshold as a failed test, by name, and one
 * more per target whose run failed (its figures are absent, so no check
 * could fail it: the run itself is the failed test). A step's first test
 * case (its validity: a disturbed or otherwise flagged step fails it) also
 * carries, as its output, where the step's lost throughput went. Every
 * name comes from the report and goes through markup_escape(): the file is
 * well-formed XML whatever the scenario and its models are called.
 */
#include <string.h>

#include "markup.h"
#include "report_figures.h"
#include "report_format.h"

/* Whether check i is its step's first, the one that carries what the step says beyond the
 * gate's figures (a step's checks are made one after another). */
static int first_of_step(const gate_checks *checks, size_t i)
{
    const gate_check_result *c = &checks->items[i];
    return c->step != NULL && !c->vs_baseline && (i == 0 || checks->items[i - 1].step != c->step);
}

/* A step's output opened: "<system-out>MODEL N servers: ". */
static void system_out_open(FILE *out, const gate_check_result *c)
{
    fputs("    <system-out>", out);
    markup_escape(out, c->model->name);
    fprintf(out, " %lld servers: ", c->step->servers);
}

/* Where the step's gain came from, for the reader of a CI log. */
static void gain_out(FILE *out, const gate_check_result *c)
{
    char line[1024];
    system_out_open(out, c);
    markup_escape(out, report_gain_text(line, sizeof(line), &c->step->summary.gain));
    fputs("</system-out>\n", out);
}

/* Where the step's lost throughput went, with each part's evidence: for the reader of a CI
 * log, never a failure by itself. */
static void breakdown_out(FILE *out, const gate_check_result *c)
{
    const report_breakdown *b = &c->step->summary.breakdown;
    char line[512];
    system_out_open(out, c);
    markup_escape(out, report_breakdown_text(line, sizeof(line), b)); /* "<1%" is markup */
    fputs("\n", out);
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++) {
        if (!b->parts[p].present || *b->parts[p].evidence == '\0')
            continue;
        fprintf(out, "%s: ", report_loss_part_label(p));
        markup_escape(out, b->parts[p].evidence);
        fputs("\n", out);
    }
    fputs("</system-out>\n", out);
}

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
        int breakdown = first_of_step(checks, i) && c->step->summary.breakdown.present;
        int gained = first_of_step(checks, i) && c->step->summary.gain.present;
        if (c->pass && !breakdown && !gained) {
            fputs("\"/>\n", out);
            continue;
        }
        fputs("\">\n", out);
        if (!c->pass) {
            char figure[64];
            fprintf(out, "    <failure message=\"%s, limit ",
                    report_number_text(figure, sizeof(figure), "%.3f", c->figure));
            markup_escape(out, c->limit);
            if (*c->detail != '\0') {
                fputs(" (", out);
                markup_escape(out, c->detail);
                fputs(")", out);
            }
            fputs("\">", out);
            markup_escape(out, c->note);
            fputs("</failure>\n", out);
        }
        if (breakdown)
            breakdown_out(out, c);
        if (gained)
            gain_out(out, c);
        fputs("  </testcase>\n", out);
    }
    fputs("</testsuite>\n", out);
    return ferror(out) ? -1 : 0;
}

const report_format report_junit = {"junit", "junit.xml", write_junit};
