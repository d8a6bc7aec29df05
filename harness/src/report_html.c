/*
 * report_html.c - the report as one self-contained HTML page: charts drawn
 * as inline SVG (throughput against servers with the linear ideal and the
 * USL fit, efficiency per step, latency percentiles) and the tables. No
 * script and no fetch: it opens anywhere, offline, and every string that
 * came from a scenario is escaped.
 */
#include <math.h>
#include <string.h>

#include "json_field.h"
#include "markup.h"
#include "report_format.h"
#include "svg_chart.h"
#include "usl.h"

static const char *color_of(size_t model)
{
    static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};
    return colors[model % 4];
}

/* Throughput per model, its linear ideal (gray, dashed) and its USL fit (dashed). */
static void throughput_chart(FILE *out, json_t *models, char labels[][64])
{
    chart c = {.title = "Throughput against servers",
               .x_label = "servers",
               .y_label = "requests per second"};
    json_t *model, *step;
    size_t i, j, label = 0;
    json_array_foreach(models, i, model)
    {
        json_t *steps = json_object_get(model, "steps");
        json_t *first = json_object_get(json_array_get(steps, 0), "summary");
        double n1 =
            (double)json_integer_value(json_object_get(json_array_get(steps, 0), "servers"));
        double per_server =
            n1 > 0 ? json_num(json_object_get(first, "throughput"), "median") / n1 : 0;
        snprintf(labels[label], 64, "%s", json_str(model, "model"));
        chart_series *measured = chart_add(&c, labels[label++], color_of(i), 0);
        snprintf(labels[label], 64, "%s linear", json_str(model, "model"));
        chart_series *ideal = chart_add(&c, labels[label++], "#999999", 1);
        double max_n = 0;
        json_array_foreach(steps, j, step)
        {
            double n = (double)json_integer_value(json_object_get(step, "servers"));
            chart_point(measured, n,
                        json_num(json_object_get(json_object_get(step, "summary"), "throughput"),
                                 "median"));
            max_n = fmax(max_n, n);
        }
        chart_point(ideal, 0, 0);
        chart_point(ideal, max_n, per_server * max_n);
        json_t *usl = json_object_get(json_object_get(model, "analysis"), "usl");
        if (json_is_true(json_object_get(usl, "fitted"))) {
            usl_fit fit = {.fitted = 1,
                           .lambda = json_num(usl, "lambda"),
                           .sigma = json_num(usl, "sigma"),
                           .kappa = json_num(usl, "kappa")};
            snprintf(labels[label], 64, "%s USL fit", json_str(model, "model"));
            chart_series *curve = chart_add(&c, labels[label++], color_of(i), 1);
            for (int k = 0; k <= 40; k++) {
                double n = max_n * k / 40.0;
                chart_point(curve, n, n == 0 ? 0 : usl_predict(&fit, n));
            }
        }
    }
    chart_write_svg(out, &c);
}

/* One figure of each step's summary per model, against servers. */
static void step_chart(FILE *out, json_t *models, const char *title, const char *y_label,
                       const char *group, const char *const *keys, size_t nkeys, char labels[][64])
{
    chart c = {.title = title, .x_label = "servers", .y_label = y_label};
    json_t *model, *step;
    size_t i, j, label = 0;
    json_array_foreach(models, i, model)
    {
        for (size_t k = 0; k < nkeys; k++) {
            snprintf(labels[label], 64, "%s%s%s", json_str(model, "model"), nkeys > 1 ? " " : "",
                     nkeys > 1 ? keys[k] : "");
            chart_series *s = chart_add(&c, labels[label++], color_of(i), k > 0);
            json_array_foreach(json_object_get(model, "steps"), j, step)
            {
                json_t *summary = json_object_get(step, "summary");
                json_t *holder = group != NULL ? json_object_get(summary, group) : summary;
                chart_point(s, (double)json_integer_value(json_object_get(step, "servers")),
                            json_num(holder, keys[k]));
            }
        }
    }
    chart_write_svg(out, &c);
}

static void results_table(FILE *out, json_t *models)
{
    fputs("<table><tr><th>model</th><th>servers</th><th>throughput req/s</th><th>min-max</th>"
          "<th>E(N)</th><th>p50 ms</th><th>p99 ms</th><th>errors</th><th>failed checks</th>"
          "<th>valid</th></tr>\n",
          out);
    json_t *model, *step;
    size_t i, j;
    json_array_foreach(models, i, model)
    {
        json_array_foreach(json_object_get(model, "steps"), j, step)
        {
            json_t *s = json_object_get(step, "summary"), *x = json_object_get(s, "throughput");
            if (s == NULL)
                continue;
            int valid = json_is_true(json_object_get(s, "valid"));
            fputs("<tr><td>", out);
            markup_escape(out, json_str(model, "model"));
            fprintf(out,
                    "</td><td>%lld</td><td>%.0f</td><td>%.0f-%.0f</td><td>%.2f</td>"
                    "<td>%.2f</td><td>%.2f</td><td>%.0f</td><td>%.0f</td><td%s>%s</td></tr>\n",
                    (long long)json_integer_value(json_object_get(step, "servers")),
                    json_num(x, "median"), json_num(x, "min"), json_num(x, "max"),
                    json_num(s, "efficiency"), json_num(json_object_get(s, "latency_ms"), "p50"),
                    json_num(json_object_get(s, "latency_ms"), "p99"),
                    json_num(s, "errors") + json_num(s, "non2xx"), json_num(s, "failed_checks"),
                    valid ? "" : " class=\"bad\"", valid ? "yes" : "FLAGGED");
        }
    }
    fputs("</table>\n", out);
}

static void analysis_list(FILE *out, json_t *models)
{
    fputs("<ul class=\"analysis\">\n", out);
    json_t *model, *step;
    size_t i, j;
    json_array_foreach(models, i, model)
    {
        json_t *analysis = json_object_get(model, "analysis");
        json_t *usl = json_object_get(analysis, "usl");
        fputs("<li><b>", out);
        markup_escape(out, json_str(model, "model"));
        fputs("</b>: ", out);
        markup_escape(out, json_str(analysis, "verdict"));
        if (json_is_string(json_object_get(analysis, "limiting_factor"))) {
            fputs(" (limited by ", out);
            markup_escape(out, json_str(analysis, "limiting_factor"));
            fputs(")", out);
        }
        if (json_is_true(json_object_get(usl, "fitted")))
            fprintf(out,
                    "; USL &sigma; = %.4f, &kappa; = %.5f, &lambda; = %.0f req/s, R&sup2; = %.3f",
                    json_num(usl, "sigma"), json_num(usl, "kappa"), json_num(usl, "lambda"),
                    json_num(usl, "r2"));
        if (*json_str(usl, "note") != '\0') {
            fputs(" <i>(", out);
            markup_escape(out, json_str(usl, "note"));
            fputs(")</i>", out);
        }
        fputs("</li>\n", out);
        json_array_foreach(json_object_get(model, "steps"), j, step)
        {
            json_t *flag;
            size_t k;
            json_array_foreach(json_object_get(json_object_get(step, "summary"), "flags"), k, flag)
            {
                fprintf(out, "<li class=\"bad\">flagged, %lld servers: ",
                        (long long)json_integer_value(json_object_get(step, "servers")));
                markup_escape(out, json_string_value(flag));
                fputs("</li>\n", out);
            }
        }
    }
    fputs("</ul>\n", out);
}

static void gate_table(FILE *out, json_t *checks)
{
    if (json_array_size(checks) == 0)
        return;
    fputs("<h2>Gate</h2>\n<table><tr><th>check</th><th>figure</th><th>limit</th><th>result</th>"
          "</tr>\n",
          out);
    json_t *c;
    size_t i;
    json_array_foreach(checks, i, c)
    {
        int pass = json_is_true(json_object_get(c, "pass"));
        fputs("<tr><td>", out);
        markup_escape(out, json_str(c, "check"));
        fprintf(out, "</td><td>%.3f</td><td>", json_num(c, "figure"));
        markup_escape(out, json_str(c, "limit"));
        fprintf(out, "</td><td class=\"%s\">%s</td></tr>\n", pass ? "good" : "bad",
                pass ? "PASS" : "FAIL");
    }
    fputs("</table>\n", out);
}

static int write_html(FILE *out, json_t *report, json_t *checks)
{
    json_t *scenario = json_object_get(report, "scenario");
    json_t *machine = json_object_get(report, "machine");
    json_t *models = json_object_get(report, "models");
    char labels[CHART_MAX_SERIES * 2][64];
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>twice: ", out);
    markup_escape(out, json_str(scenario, "name"));
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1400px}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
          "padding:4px 8px;text-align:right}th{background:#f4f4f4}.bad{color:#b00020;"
          "font-weight:bold}.good{color:#1b7e2b}.chart{margin:0.5em 1em 0.5em 0}"
          ".chart .title{font-size:15px;font-weight:bold}.chart .tick,.chart .legend{font-size:"
          "11px}.chart .label{font-size:12px}.chart .axis{stroke:#333}.chart .grid{stroke:#eee}"
          "</style></head>\n<body>\n<h1>twice: ",
          out);
    markup_escape(out, json_str(scenario, "name"));
    fputs("</h1>\n<p>", out);
    markup_escape(out, json_str(scenario, "description"));
    fputs("</p>\n<p>Status: <b>", out);
    markup_escape(out, json_str(report, "status"));
    fputs("</b>. Route <code>", out);
    markup_escape(out, json_str(json_object_get(scenario, "target"), "route"));
    fputs("</code>. Machine: ", out);
    markup_escape(out, json_str(machine, "cpu_model"));
    fprintf(out, ", %lld cores, ",
            (long long)json_integer_value(json_object_get(machine, "cores")));
    markup_escape(out, json_str(machine, "kernel"));
    fputs(".</p>\n", out);
    if (*json_str(report, "error") != '\0') {
        fputs("<p class=\"bad\">Error: ", out);
        markup_escape(out, json_str(report, "error"));
        fputs("</p>\n", out);
    }
    fputs("<div class=\"charts\">\n", out);
    throughput_chart(out, models, labels);
    static const char *const efficiency[] = {"efficiency"};
    step_chart(out, models, "Efficiency E(N) per step", "E(N)", NULL, efficiency, 1, labels);
    static const char *const percentiles[] = {"p50", "p99"};
    step_chart(out, models, "Latency percentiles", "milliseconds", "latency_ms", percentiles, 2,
               labels);
    fputs("</div>\n<h2>Results</h2>\n", out);
    results_table(out, models);
    fputs("<h2>Analysis</h2>\n", out);
    analysis_list(out, models);
    gate_table(out, checks);
    fputs("</body></html>\n", out);
    return ferror(out) ? -1 : 0;
}

const report_format report_html = {"html", "html", write_html};
