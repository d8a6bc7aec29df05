/*
 * report_table.c - see report_table.h. What a run prints when it ends: one
 * row per step, its flags under it, the resources its servers used and
 * where its lost throughput went (when the report measured them), then one
 * line per model with the verdict and the USL fit. Every string from the
 * report is escaped for the terminal (message_text.h).
 */
#include <string.h>

#include "message_text.h"
#include "report_figures.h"
#include "report_table.h"

static void print_analysis(FILE *out, const report_model *m)
{
    const report_analysis *a = &m->analysis;
    if (!a->present)
        return;
    message_print(out, m->name);
    fputs(": ", out);
    message_print(out, a->verdict);
    if (a->limiting_factor != NULL) {
        fputs(" (limited by ", out);
        message_print(out, a->limiting_factor);
        fputc(')', out);
    }
    if (*a->verdict_note != '\0') {
        fputs(": ", out);
        message_print(out, a->verdict_note);
    }
    if (a->error != NULL) {
        fputs(": ", out);
        message_print(out, a->error);
    }
    const report_usl *usl = &a->usl;
    static const report_usl_names names = {"sigma", "kappa", "lambda"};
    char fit[512];
    if (usl->fitted)
        fprintf(out, "; USL: %s", report_usl_text(fit, sizeof(fit), usl, &names));
    if (*usl->note != '\0') {
        fputs("; ", out);
        message_print(out, usl->note);
    }
    fputc('\n', out);
    for (size_t i = 0; i < a->npredictions; i++) {
        char text[256];
        fprintf(out, "    %s", report_prediction_text(text, sizeof(text), &a->predictions[i]));
        if (*a->predictions[i].note != '\0') {
            fputs(" (", out);
            message_print(out, a->predictions[i].note);
            fputc(')', out);
        }
        fputc('\n', out);
    }
}

/* A step measured in none or only some of its rounds (its target failed, or the run stopped
 * first): no figure at all, rather than one made from what was there. */
static void print_unmeasured_step(FILE *out, int width, const report_model *m,
                                  const report_step *step)
{
    char name[64];
    /* The dash is three bytes in one column: widths grow by two to keep the columns. */
    fprintf(out, "%-*s %7lld %28s %19s %18s %11s %11s %9s %9s\n", width,
            message_escape(name, sizeof(name), m->name), step->servers, REPORT_NO_FIGURE,
            REPORT_NO_FIGURE, REPORT_NO_FIGURE, REPORT_NO_FIGURE, REPORT_NO_FIGURE,
            REPORT_NO_FIGURE, REPORT_NO_FIGURE);
}

/* Each target's label and what it ran, once, above the table. */
static void print_targets(FILE *out, const report_doc *report)
{
    if (!report_has_targets(report))
        return;
    fputs("targets:\n", out);
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        char what[REPORT_COMMAND_SHOWN + 256];
        if (!m->target.present)
            continue;
        fputs("  ", out);
        message_print(out, m->name);
        fputs(": ", out);
        message_print(out, report_target_text(what, sizeof(what), &m->target));
        fputc('\n', out);
    }
}

static void print_step(FILE *out, int width, const report_model *m, const report_step *step)
{
    const report_summary *s = &step->summary;
    char name[64], range[64], efficiency[64], bound[32] = "-", share[32], errors[64];
    /* A tiny bound beside a huge median: no ratio a double holds. */
    if (s->best_bound > 0)
        snprintf(bound, sizeof(bound), "%s of %.0f",
                 report_number_text(share, sizeof(share), "%.2f", s->median / s->best_bound),
                 s->best_bound);
    fprintf(out, "%-*s %7lld %26s %17s %16s %9.2f %9.2f %7s %7.0f%s\n", width,
            message_escape(name, sizeof(name), m->name), step->servers,
            report_throughput_text(range, sizeof(range), s),
            report_efficiency_text(efficiency, sizeof(efficiency), s), bound, s->p50_ms, s->p99_ms,
            report_errors_text(errors, sizeof(errors), s), s->failed_checks,
            s->disturbed ? "  INVALID: disturbed"
            : s->valid   ? ""
                         : "  INVALID");
    if (s->front.present) {
        char *figures = NULL;
        size_t size = 0;
        FILE *line = open_memstream(&figures, &size);
        if (line != NULL && report_front_figures(line, step) && fclose(line) == 0)
            fprintf(out, "    balancer: %s\n", figures);
        else if (line != NULL)
            fclose(line);
        free(figures);
        if (*s->front.cpu_unmeasured != '\0') {
            fputs("    balancer CPU not measured ", out);
            message_print(out, s->front.cpu_unmeasured);
            fputc('\n', out);
        }
    }
    for (size_t k = 0; k < s->nflags; k++) {
        fputs("    ! ", out);
        message_print(out, s->flags[k]);
        fputc('\n', out);
    }
    char line[512];
    if (s->resources.present)
        fprintf(out, "    resources: %s\n",
                report_resources_text(line, sizeof(line), &s->resources));
    if (s->breakdown.present)
        fprintf(out, "    %s\n", report_breakdown_text(line, sizeof(line), &s->breakdown));
    char gained[1024];
    if (s->gain.present)
        fprintf(out, "    %s\n", report_gain_text(gained, sizeof(gained), &s->gain));
}

/* "front: haproxy (roundrobin)" over the table: every step of a run has the same. */
static void print_front(FILE *out, const report_doc *report)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            const report_front *f = &report->models[i].steps[j].summary.front;
            if (!report->models[i].steps[j].has_summary || !f->present)
                continue;
            fputs("front: ", out);
            message_print(out, f->name);
            if (*f->balance != '\0') {
                fputs(" (", out);
                message_print(out, f->balance);
                fputc(')', out);
            }
            fputc('\n', out);
            return;
        }
    }
}

void report_print_table(FILE *out, const report_doc *report)
{
    print_front(out, report);
    print_targets(out, report);
    /* The first column as wide as the longest label (as the rows print it), so that the
     * figures of "twice-coroutine" and "gunicorn-gthread" line up. */
    int width = 10;
    for (size_t i = 0; i < report->nmodels; i++) {
        char name[64];
        int len = (int)strlen(message_escape(name, sizeof(name), report->models[i].name));
        width = len > width ? len : width;
    }
    fprintf(out, "%-*s %7s %26s %17s %16s %9s %9s %7s %7s\n", width, "model", "servers",
            report_throughput_heading(report), *report->interval != '\0' ? "E(N) [95% CI]" : "E(N)",
            "of best bound", "p50 ms", "p99 ms", "errors", "failed");
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        for (size_t j = 0; j < m->nsteps; j++) {
            if (m->steps[j].has_summary)
                print_step(out, width, m, &m->steps[j]);
            else if (m->steps[j].servers > 0)
                print_unmeasured_step(out, width, m, &m->steps[j]);
        }
    }
    for (size_t i = 0; i < report->nmodels; i++)
        print_analysis(out, &report->models[i]);
}
