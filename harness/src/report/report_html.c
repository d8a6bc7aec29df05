/*
 * report_html.c - the report as one self-contained HTML page: charts drawn
 * as inline SVG (throughput against servers, each median with its 95%
 * interval as an error bar, the linear ideal and the USL fit; efficiency per
 * step; latency percentiles; requests per server CPU-second, when measured)
 * and the tables (with where the servers ran, the front and each load
 * client, when the run had them), then where the lost efficiency went
 * (report_html_loss.c).
 * No script and no fetch: it opens anywhere, offline, and every string that
 * came from the report is escaped.
 */
#include <math.h>

#include "markup.h"
#include "report_figures.h"
#include "report_format.h"
#include "report_placement.h"
#include "report_html_loss.h"
#include "svg_chart.h"
#include "usl_nls.h"

static const char *color_of(size_t model)
{
    static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};
    return colors[model % 4];
}

/* The first step that was measured, or NULL. */
static const report_step *first_measured(const report_model *m)
{
    for (size_t j = 0; j < m->nsteps; j++) {
        if (m->steps[j].has_summary)
            return &m->steps[j];
    }
    return NULL;
}

/* Throughput per model, its linear ideal (gray, dashed) and its USL fit (dashed). */
static int throughput_chart(FILE *out, const report_doc *report)
{
    chart c = {.title = "Throughput against servers",
               .x_label = "servers",
               .y_label = "requests per second"};
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        const report_step *first = first_measured(m);
        double per_server = first != NULL ? first->summary.median / (double)first->servers : 0;
        size_t measured = chart_add(&c, color_of(i), 0, "%s", m->name);
        size_t ideal = chart_add(&c, "#999999", 1, "%s linear", m->name);
        double max_n = 0;
        for (size_t j = 0; j < m->nsteps; j++) {
            if (!m->steps[j].has_summary)
                continue;
            double n = (double)m->steps[j].servers;
            const report_interval *ci = &m->steps[j].summary.ci; /* its 95% interval */
            chart_point_range(&c, measured, n, m->steps[j].summary.median,
                              ci->present ? ci->lo : NAN, ci->present ? ci->hi : NAN);
            max_n = fmax(max_n, n);
        }
        chart_point(&c, ideal, 0, 0);
        chart_point(&c, ideal, max_n, per_server * max_n);
        if (m->analysis.usl.fitted) {
            const report_usl *fit = &m->analysis.usl;
            size_t curve = chart_add(&c, color_of(i), 1, "%s USL fit", m->name);
            for (int k = 0; k <= 40; k++) {
                double n = max_n * k / 40.0;
                double x =
                    n == 0 ? 0
                           : usl_nls_law(fit->lambda.value, fit->sigma.value, fit->kappa.value, n);
                if (x >= 0) /* a super-linear fit (sigma < 0) has no meaning past its pole */
                    chart_point(&c, curve, n, x);
            }
        }
    }
    int rc = chart_write_svg(out, &c);
    chart_free(&c);
    return rc;
}

/* A figure of a step's summary for a chart (NaN, which charts leave out, when unknown). */
typedef struct figure {
    const char *name; /* for the legend when a chart shows several */
    double (*of)(const report_summary *s);
} figure;

static double efficiency_of(const report_summary *s)
{
    return s->has_efficiency ? s->efficiency : NAN;
}

static double p50_of(const report_summary *s)
{
    return s->p50_ms;
}

static double p99_of(const report_summary *s)
{
    return s->p99_ms;
}

static double requests_per_cpu_of(const report_summary *s)
{
    return s->resources.present && s->resources.has_requests_per_cpu_s
               ? s->resources.requests_per_cpu_s
               : NAN;
}

/* Figures of each step's summary per model, against servers. */
static int step_chart(FILE *out, const report_doc *report, const char *title, const char *y_label,
                      const figure *figures, size_t nfigures)
{
    chart c = {.title = title, .x_label = "servers", .y_label = y_label};
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        for (size_t k = 0; k < nfigures; k++) {
            size_t s = chart_add(&c, color_of(i), k > 0, "%s%s%s", m->name, nfigures > 1 ? " " : "",
                                 nfigures > 1 ? figures[k].name : "");
            for (size_t j = 0; j < m->nsteps; j++) {
                if (m->steps[j].has_summary)
                    chart_point(&c, s, (double)m->steps[j].servers,
                                figures[k].of(&m->steps[j].summary));
            }
        }
    }
    int rc = chart_write_svg(out, &c);
    chart_free(&c);
    return rc;
}

/* The servers' CPU-seconds, largest peak RSS and requests per CPU-second, as table cells. */
static void resource_cells(FILE *out, const report_step_resources *r)
{
    char per_cpu[64];
    if (r->present)
        fprintf(out, "<td>%.2f</td><td>%.1f</td><td>%s</td>", r->cpu_s,
                report_largest_rss(r) / 1048576,
                report_requests_per_cpu_text(per_cpu, sizeof(per_cpu), r));
    else
        fputs("<td>-</td><td>-</td><td>-</td>", out);
}

static void results_table(FILE *out, const report_doc *report)
{
    int with_resources = report_has_resources(report);
    fprintf(out,
            "<table><tr><th>model</th><th>servers</th><th>throughput req/s</th><th>min-max</th>"
            "<th>95%% CI</th><th>E(N)</th><th>95%% CI</th><th>p50 ms</th><th>p99 "
            "ms</th><th>errors</th><th>failed checks</th>"
            "<th>valid</th>%s</tr>\n",
            with_resources ? "<th>servers' CPU s</th><th>peak RSS MiB</th><th>req per CPU-s</th>"
                           : "");
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        for (size_t j = 0; j < m->nsteps; j++) {
            const report_summary *s = &m->steps[j].summary;
            if (!m->steps[j].has_summary)
                continue;
            fputs("<tr><td>", out);
            markup_escape(out, m->name);
            fprintf(out, "</td><td>%lld</td><td>%.0f</td><td>%.0f-%.0f</td><td>",
                    m->steps[j].servers, s->median, s->min, s->max);
            if (s->ci.present)
                fprintf(out, "%.0f-%.0f", s->ci.lo, s->ci.hi);
            fputs("</td><td>", out);
            if (s->has_efficiency)
                fprintf(out, "%.2f", s->efficiency);
            else
                fputs("-", out);
            fputs("</td><td>", out);
            if (s->efficiency_ci.present)
                fprintf(out, "%.2f-%.2f", s->efficiency_ci.lo, s->efficiency_ci.hi);
            char errors[64];
            fprintf(out, "</td><td>%.2f</td><td>%.2f</td><td>%s</td><td>%.0f</td><td%s>%s</td>",
                    s->p50_ms, s->p99_ms, report_errors_text(errors, sizeof(errors), s),
                    s->failed_checks, s->valid ? "" : " class=\"bad\"",
                    s->disturbed ? "FLAGGED: disturbed"
                    : s->valid   ? "yes"
                                 : "FLAGGED");
            if (with_resources)
                resource_cells(out, &s->resources);
            fputs("</tr>\n", out);
        }
    }
    fputs("</table>\n", out);
}

/* Whether the step says where it ran or what its front saw. */
static int placed(const report_step *step)
{
    return step->has_summary && (step->nhosts > 0 || step->summary.front.present);
}

/* Per step: where its servers ran (and whether each host's CPU cap applied), its front, the
 * balancer's CPU, what it counted per server over the runs and their spread. Nothing for an
 * older report. */
static void placement_table(FILE *out, const report_doc *report)
{
    int any = 0;
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            const report_step *step = &report->models[i].steps[j];
            const report_front *f = &step->summary.front;
            char cpu[64], spread[64];
            if (!placed(step))
                continue;
            if (!any++)
                fputs("<h2>Hosts and front</h2>\n<table><tr><th>model</th><th>servers</th>"
                      "<th>server hosts</th><th>front</th><th>balancer CPU</th><th>requests per "
                      "server</th><th>spread</th></tr>\n",
                      out);
            fputs("<tr><td>", out);
            markup_escape(out, report->models[i].name);
            fprintf(out, "</td><td>%lld</td><td>", step->servers);
            if (!report_hosts_print(out, step, markup_escape))
                fputs("-", out);
            fputs("</td><td>", out);
            markup_escape(out, f->present ? f->name : "-");
            if (f->present && *f->balance != '\0') {
                fputs(" (", out);
                markup_escape(out, f->balance);
                fputs(")", out);
            }
            fprintf(out, "</td><td>%s</td><td>", report_front_cpu_text(cpu, sizeof(cpu), f));
            if (!report_server_requests_print(out, step))
                fputs("-", out);
            fprintf(out, "</td><td>%s</td></tr>\n",
                    report_front_spread_text(spread, sizeof(spread), f));
        }
    }
    if (any)
        fputs("</table>\n", out);
}

/* Per step that had several load clients, each client's own figures in each run. */
static const report_client_table client_table = {
    "<h3>Load clients, ",
    ", %lld servers</h3>\n<table><tr><th>run</th><th>client</th><th>connections</th><th>threads"
    "</th><th>requests</th><th>req/s</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>wrk "
    "CPU</th></tr>\n",
    markup_escape,
    "<tr>",
    "<td>",
    "</td>",
    "</tr>\n",
    "</table>\n"};

static void analysis_item(FILE *out, const report_model *m)
{
    const report_analysis *a = &m->analysis;
    fputs("<li><b>", out);
    markup_escape(out, m->name);
    fputs("</b>: ", out);
    markup_escape(out, a->present ? a->verdict : "not analysed");
    if (a->limiting_factor != NULL) {
        fputs(" (limited by ", out);
        markup_escape(out, a->limiting_factor);
        fputs(")", out);
    }
    if (a->present && *a->verdict_note != '\0') {
        fputs(": ", out);
        markup_escape(out, a->verdict_note);
    }
    if (a->error != NULL) {
        fputs(": no analysis: ", out);
        markup_escape(out, a->error);
    }
    static const report_usl_names names = {"&sigma;", "&kappa;", "&lambda;"};
    char fit[512];
    if (a->usl.fitted)
        fprintf(out, "; USL %s", report_usl_text(fit, sizeof(fit), &a->usl, &names));
    if (a->usl.note != NULL && *a->usl.note != '\0') {
        fputs(" <i>(", out);
        markup_escape(out, a->usl.note);
        fputs(")</i>", out);
    }
    if (a->npredictions != 0)
        fputs("<ul>", out);
    for (size_t i = 0; i < a->npredictions; i++) {
        char prediction[256];
        fprintf(out, "<li>%s",
                report_prediction_text(prediction, sizeof(prediction), &a->predictions[i]));
        if (*a->predictions[i].note != '\0') {
            fputs(" <i>(", out);
            markup_escape(out, a->predictions[i].note);
            fputs(")</i>", out);
        }
        fputs("</li>", out);
    }
    if (a->npredictions != 0)
        fputs("</ul>", out);
    fputs("</li>\n", out);
}

static void analysis_list(FILE *out, const report_doc *report)
{
    fputs("<ul class=\"analysis\">\n", out);
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        analysis_item(out, m);
        for (size_t j = 0; j < m->nsteps; j++) {
            for (size_t k = 0; k < m->steps[j].summary.nflags; k++) {
                fprintf(out, "<li class=\"bad\">flagged, %lld servers: ", m->steps[j].servers);
                markup_escape(out, m->steps[j].summary.flags[k]);
                fputs("</li>\n", out);
            }
        }
    }
    fputs("</ul>\n", out);
}

static void gate_table(FILE *out, const gate_checks *checks)
{
    if (checks->n == 0)
        return;
    fputs("<h2>Gate</h2>\n<table><tr><th>check</th><th>figure</th><th>limit</th><th>result</th>"
          "</tr>\n",
          out);
    for (size_t i = 0; i < checks->n; i++) {
        const gate_check_result *c = &checks->items[i];
        char figure[64];
        fputs("<tr><td>", out);
        markup_escape(out, c->name);
        fprintf(out, "</td><td>%s</td><td>",
                report_number_text(figure, sizeof(figure), "%.3f", c->figure));
        markup_escape(out, c->limit);
        fprintf(out, "</td><td class=\"%s\">%s</td></tr>\n", c->pass ? "good" : "bad",
                c->pass ? "PASS" : "FAIL");
    }
    fputs("</table>\n", out);
}

static void head(FILE *out, const report_doc *report)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>twice: ", out);
    markup_escape(out, report->name);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1400px}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
          "padding:4px 8px;text-align:right}th{background:#f4f4f4}.bad{color:#b00020;"
          "font-weight:bold}.good{color:#1b7e2b}.chart{margin:0.5em 1em 0.5em 0}"
          ".chart .title{font-size:15px;font-weight:bold}.chart .tick,.chart .legend{font-size:"
          "11px}.chart .label{font-size:12px}.chart .axis{stroke:#333}.chart .grid{stroke:#eee}"
          "</style></head>\n<body>\n<h1>twice: ",
          out);
    markup_escape(out, report->name);
    fputs("</h1>\n<p>", out);
    markup_escape(out, report->description);
    fputs("</p>\n<p>Status: <b>", out);
    markup_escape(out, report->status);
    fputs("</b>. Route <code>", out);
    markup_escape(out, report->route);
    fputs("</code>. Machine: ", out);
    markup_escape(out, report->cpu_model);
    fprintf(out, ", %lld cores, ", report->cores);
    markup_escape(out, report->kernel);
    fputs(".", out);
    if (*report->interval != '\0') {
        fputs(" Intervals: ", out);
        markup_escape(out, report->interval);
        fputs(".", out);
    }
    if (report->has_seed)
        fprintf(out, " Seed %lld.", report->seed);
    fputs("</p>\n", out);
    if (report->inventory.present) {
        fputs("<p>Inventory ", out);
        report_inventory_print(out, &report->inventory, markup_escape);
        fputs(".</p>\n", out);
    }
    if (*report->error != '\0') {
        fputs("<p class=\"bad\">Error: ", out);
        markup_escape(out, report->error);
        fputs("</p>\n", out);
    }
}

static int write_html(FILE *out, const report_doc *report, const gate_checks *checks)
{
    static const figure efficiency[] = {{"efficiency", efficiency_of}};
    static const figure percentiles[] = {{"p50", p50_of}, {"p99", p99_of}};
    static const figure per_cpu[] = {{"requests per CPU-second", requests_per_cpu_of}};
    head(out, report);
    fputs("<div class=\"charts\">\n", out);
    if (throughput_chart(out, report) != 0 ||
        step_chart(out, report, "Efficiency E(N) per step", "E(N)", efficiency, 1) != 0 ||
        step_chart(out, report, "Latency percentiles", "milliseconds", percentiles, 2) != 0 ||
        (report_has_resources(report) && step_chart(out, report, "Requests per server CPU-second",
                                                    "requests per CPU-second", per_cpu, 1) != 0))
        return -1;
    fputs("</div>\n<h2>Results</h2>\n", out);
    results_table(out, report);
    placement_table(out, report);
    report_client_tables(out, report, &client_table);
    fputs("<h2>Analysis</h2>\n", out);
    analysis_list(out, report);
    if (report_html_loss(out, report) != 0)
        return -1;
    report_html_gain(out, report);
    gate_table(out, checks);
    fputs("</body></html>\n", out);
    return ferror(out) ? -1 : 0;
}

const report_format report_html = {"html", "html", write_html};
