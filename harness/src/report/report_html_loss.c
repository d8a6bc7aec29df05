/*
 * report_html_loss.c - see report_html_loss.h. A step that fell short of N
 * times X(1) lost throughput to measured causes: the chart stacks them so
 * that the largest shows at a glance, and the table and the evidence under
 * it say the figures and what they rest on. Every string from the report
 * is escaped.
 */
#include <stdlib.h>

#include "markup.h"
#include "report_figures.h"
#include "report_html_loss.h"
#include "svg_chart.h"

/* One color per part, the system's own share last and gray. */
static const char *const part_colors[REPORT_LOSS_PARTS] = {
    [REPORT_LOSS_FRONT_IMBALANCE] = "#d62728", [REPORT_LOSS_THROTTLING] = "#9467bd",
    [REPORT_LOSS_CPU_STARVATION] = "#ff7f0e",  [REPORT_LOSS_LOAD_GENERATOR] = "#8c564b",
    [REPORT_LOSS_SHARED_SERVICE] = "#1f77b4",  [REPORT_LOSS_SYSTEM] = "#7f7f7f"};

static int has_breakdown(const report_model *m)
{
    for (size_t j = 0; j < m->nsteps; j++) {
        if (m->steps[j].summary.breakdown.present)
            return 1;
    }
    return 0;
}

static int loss_chart(FILE *out, const report_model *m)
{
    const char *labels[REPORT_LOSS_PARTS];
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++)
        labels[p] = report_loss_part_label(p);
    char *title = NULL;
    if (asprintf(&title, "Where %s lost throughput", m->name) < 0)
        return -1;
    bar_chart c = {.title = title,
                   .x_label = "servers",
                   .y_label = "requests per second lost",
                   .unit = "req/s",
                   .kind_labels = labels,
                   .kind_colors = part_colors,
                   .nkinds = REPORT_LOSS_PARTS};
    for (size_t j = 0; j < m->nsteps; j++) {
        const report_breakdown *b = &m->steps[j].summary.breakdown;
        if (!b->present)
            continue;
        size_t bar = bar_chart_add(&c, "%lld servers", m->steps[j].servers);
        for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++)
            bar_chart_value(&c, bar, p, b->parts[p].lost);
    }
    int rc = bar_chart_write_svg(out, &c);
    bar_chart_free(&c);
    free(title);
    return rc;
}

static void loss_table(FILE *out, const report_model *m)
{
    fputs("<table><tr><th>servers</th><th>ideal req/s</th><th>measured req/s</th><th>lost "
          "req/s</th>",
          out);
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++)
        fprintf(out, "<th>%s</th>", report_loss_part_label(p));
    fputs("</tr>\n", out);
    for (size_t j = 0; j < m->nsteps; j++) {
        const report_breakdown *b = &m->steps[j].summary.breakdown;
        if (!b->present)
            continue;
        fprintf(out, "<tr><td>%lld</td><td>%.0f</td><td>%.0f</td><td>%.0f</td>",
                m->steps[j].servers, b->ideal, b->measured, b->lost);
        for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (b->parts[p].present)
                fprintf(out, "<td>%.0f</td>", b->parts[p].lost);
            else
                fputs("<td>-</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void evidence(FILE *out, const report_model *m)
{
    fputs("<ul class=\"evidence\">\n", out);
    for (size_t j = 0; j < m->nsteps; j++) {
        const report_breakdown *b = &m->steps[j].summary.breakdown;
        char line[512];
        if (!b->present)
            continue;
        fprintf(out, "<li>%lld servers: ", m->steps[j].servers);
        markup_escape(out, report_breakdown_text(line, sizeof(line), b));
        fputs("<ul>", out);
        for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (!b->parts[p].present || *b->parts[p].evidence == '\0')
                continue;
            fprintf(out, "<li>%s: ", report_loss_part_label(p));
            markup_escape(out, b->parts[p].evidence);
            fputs("</li>", out);
        }
        fputs("</ul></li>\n", out);
    }
    fputs("</ul>\n", out);
}

int report_html_loss(FILE *out, const report_doc *report)
{
    if (!report_has_breakdown(report))
        return 0;
    fputs("<h2>Where the lost efficiency went</h2>\n<p>The ideal is N times X(1); each part is "
          "the throughput it cost, from what was measured.</p>\n",
          out);
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        if (!has_breakdown(m))
            continue;
        fputs("<h3>", out);
        markup_escape(out, m->name);
        fputs("</h3>\n", out);
        if (loss_chart(out, m) != 0)
            return -1;
        loss_table(out, m);
        evidence(out, m);
    }
    return 0;
}

void report_html_gain(FILE *out, const report_doc *report)
{
    if (!report_has_gain(report))
        return;
    fputs("<h2>Where super-linear gains came from</h2>\n<p>A step above N times X(1) served "
          "more than N servers each as fast as one alone; what the servers cost per request "
          "says why.</p>\n<ul class=\"evidence\">\n",
          out);
    report_gain_lines(out, report, "<li>", "</li>\n", markup_escape);
    fputs("</ul>\n", out);
}
