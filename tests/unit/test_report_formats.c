/*
 * test_report_formats.c - the Markdown, JUnit and HTML reports and the
 * terminal table of fixed JSON reports (one with measured resources and loss
 * breakdowns), compared with the expected files beside them
 * (tests/fixtures); of hostile ones: names that are markup, controls that
 * XML forbids, many models, figures at the ends of what a double holds; and
 * the stacked bar chart the HTML report draws the loss with.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "read_file.h"
#include "report.h"
#include "report_doc.h"
#include "report_figures.h"
#include "report_table.h"
#include "svg_chart.h"

/* format's output for doc, gated against its own thresholds (malloc'd). */
static char *render(const report_format *format, const report_doc *doc, size_t *len)
{
    gate_limits limits = gate_limits_from_report(doc);
    char err[256], *text = NULL;
    gate_checks checks;
    if (gate_check(&checks, doc, NULL, &limits, err, sizeof(err)) != 0)
        memset(&checks, 0, sizeof(checks));
    FILE *out = open_memstream(&text, len);
    cr_assert_eq(format->write(out, doc, &checks), 0);
    fclose(out);
    gate_checks_free(&checks);
    return text;
}

static void fixture_at(report_doc *doc, const char *path)
{
    char err[256];
    cr_assert_eq(report_read_file(doc, path, err, sizeof(err)), 0, "%s", err);
}

static void fixture(report_doc *doc)
{
    fixture_at(doc, FIXTURES_DIR "/report.json");
}

/* The fixture with measured resources, loss breakdowns and a disturbed step. */
#define RESOURCES_FIXTURE FIXTURES_DIR "/report-resources.json"

/* format's output for the report at path is the file at expected_path. */
static void renders_as(const report_format *format, const char *path, const char *expected_path)
{
    report_doc doc;
    size_t len;
    char err[256];
    fixture_at(&doc, path);
    char *got = render(format, &doc, &len);
    char *expected = read_file(expected_path, NULL, err, sizeof(err));
    cr_assert_not_null(expected, "%s", err);
    cr_assert_str_eq(got, expected);
    free(got);
    free(expected);
    report_doc_free(&doc);
}

Test(report_formats, markdown)
{
    renders_as(&report_markdown, FIXTURES_DIR "/report.json", FIXTURES_DIR "/report.md");
}

Test(report_formats, junit)
{
    renders_as(&report_junit, FIXTURES_DIR "/report.json", FIXTURES_DIR "/report.junit.xml");
}

/* Resources as columns, a disturbed step marked so, and a section per model on where the lost
 * efficiency went: each part's loss, the largest's share and every part's evidence. */
Test(report_formats, markdown_with_resources_and_breakdowns)
{
    renders_as(&report_markdown, RESOURCES_FIXTURE, FIXTURES_DIR "/report-resources.md");
}

/* A step's breakdown is its first test case's output and fails nothing; a disturbed step fails
 * its validity, saying what disturbed it. */
Test(report_formats, junit_with_breakdowns_and_a_disturbed_step)
{
    renders_as(&report_junit, RESOURCES_FIXTURE, FIXTURES_DIR "/report-resources.junit.xml");
    cr_assert_eq(system("xmllint --noout " FIXTURES_DIR "/report-resources.junit.xml"), 0,
                 "the expected file is well-formed XML (a share below 1%% is written &lt;1%%)");
}

/* The terminal table: a resources line and a breakdown line under each step that has them,
 * a disturbed step INVALID with its flag; an older report prints none of it. */
Test(report_formats, terminal_table_shows_resources_and_the_loss)
{
    report_doc doc;
    char *text = NULL;
    size_t len;
    fixture_at(&doc, RESOURCES_FIXTURE);
    FILE *out = open_memstream(&text, &len);
    report_print_table(out, &doc);
    fclose(out);
    cr_assert_eq(occurrences(text, "    resources: "), 6, "%s", text);
    cr_assert(strstr(text,
                     "    resources: CPU 8.00 s per window (user 5.60, system 2.40), peak RSS "
                     "14.4 MiB (largest server), 22250 requests per CPU-second\n") != NULL,
              "%s", text);
    cr_assert(strstr(text, "    lost 11%: front imbalance 9%, system 2%; largest: front "
                           "imbalance, 82% of the loss\n") != NULL,
              "%s", text);
    cr_assert(strstr(text, "    lost 2%: system 2%, CPU starvation <1%; largest: system, 75% of "
                           "the loss\n") != NULL,
              "%s", text);
    cr_assert_eq(occurrences(text, "    lost "), 3, "only the steps with a breakdown: %s", text);
    cr_assert(strstr(text, "  INVALID: disturbed\n    ! disturbed: other processes used 0.62") !=
                  NULL,
              "%s", text);
    free(text);
    report_doc_free(&doc);
    fixture(&doc);
    out = open_memstream(&text, &len);
    report_print_table(out, &doc);
    fclose(out);
    cr_assert_null(strstr(text, "resources:"), "%s", text);
    cr_assert_null(strstr(text, "lost"), "%s", text);
    cr_assert(strstr(text, "  INVALID\n    ! repetitions too noisy") != NULL, "%s", text);
    free(text);
    report_doc_free(&doc);
}

/* The HTML is checked for structure (its rendering is checked in Chromium, tests/html). */
Test(report_formats, html_is_self_contained_escaped_and_charted)
{
    report_doc doc;
    size_t len;
    fixture(&doc);
    char *html = render(&report_html, &doc, &len);
    cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    cr_assert_eq(occurrences(html, "<svg"), 3, "throughput, efficiency, latency");
    /* Throughput: measured, linear ideal and USL fit; efficiency: one; latency: p50 and p99. */
    cr_assert_eq(occurrences(html, "<polyline"), 6);
    cr_assert_eq(occurrences(html, "class=\"error-bar\""), 2,
                 "each step's 95%% interval of throughput");
    cr_assert(strstr(html, "fixture &lt;&amp;&gt; &quot;quoted&quot;") != NULL, "name escaped");
    cr_assert(strstr(html, "&lt;tags&gt;") != NULL, "description escaped");
    cr_assert(strstr(html, "<tags>") == NULL && strstr(html, "<&>") == NULL);
    cr_assert(strstr(html, "<script") == NULL, "no script");
    cr_assert(strstr(html, "src=") == NULL && strstr(html, "href=") == NULL, "nothing to fetch");
    cr_assert(strstr(html, "FLAGGED") != NULL, "the flagged step shows as such");
    cr_assert(strstr(html, "repetitions too noisy") != NULL);
    cr_assert_eq(occurrences(html, ">FAIL<"), 3, "the gate's failures");
    free(html);
    report_doc_free(&doc);
}

Test(report_formats, formats_are_found_by_name)
{
    cr_assert_eq(report_format_find("md"), &report_markdown);
    cr_assert_eq(report_format_find("junit"), &report_junit);
    cr_assert_eq(report_format_find("html"), &report_html);
    cr_assert_null(report_format_find("pdf"));
}

/* A complete report of nmodels models named name (with "#i" after it), two steps each, whose
 * medians are median. */
static json_t *hostile(const char *name, size_t nmodels, double median)
{
    json_t *models = json_array();
    for (size_t i = 0; i < nmodels; i++) {
        json_t *steps = json_array();
        for (int n = 1; n <= 2; n++)
            json_array_append_new(
                steps, json_pack("{s:i, s:{s:{s:f, s:f, s:f}, s:f, s:b, s:[s], s:{s:f, s:f}, "
                                 "s:f, s:f, s:f, s:f}}",
                                 "servers", n, "summary", "throughput", "median", median, "min",
                                 median, "max", median, "efficiency", 0.5, "valid", 0, "flags",
                                 name, "latency_ms", "p50", median, "p99", median, "requests", 1.0,
                                 "errors", 0.0, "non2xx", 0.0, "failed_checks", 0.0));
        json_array_append_new(
            models,
            json_pack("{s:s++, s:o, s:{s:s, s:s, s:s, s:s, s:{s:b, s:b, s:b, s:{s:f, s:[f, f]}, "
                      "s:{s:f, s:n}, s:{s:f, s:n}, s:f, s:n, s:n, s:s}}}",
                      "model", name, "#", i == 0 ? "0" : "n", "steps", steps, "analysis", "verdict",
                      name, "verdict_note", name, "limiting_factor", name, "error", name, "usl",
                      "fitted", 1, "amdahl", 0, "super_linear", 0, "lambda", "value", median,
                      "ci95", median, median, "sigma", "value", 0.5, "ci95", "kappa", "value", 0.25,
                      "ci95", "residual_se", median, "peak_servers", "peak_throughput", "note",
                      name));
    }
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:{s:s}, s:{s:f, s:f}}, s:{s:s, s:s, s:i}, "
                     "s:o}",
                     "schema", "twice.report/1", "status", "complete", "error", name, "scenario",
                     "name", name, "description", name, "target", "route", name, "gate",
                     "min_efficiency", 0.9, "max_p99_ms", 1.0, "machine", "cpu_model", name,
                     "kernel", name, "cores", 2, "models", models);
}

/* Every string of the report is escaped in Markdown: nothing of it is markup any more. */
Test(report_formats, markdown_escapes_every_string_from_the_report)
{
    report_doc doc;
    size_t len;
    read_doc(&doc,
             hostile("**bold** | [link](x) <b> `code` _em_ #1 \\ ~x~ &amp; \x1b[31m", 1, 100));
    char *md = render(&report_markdown, &doc, &len);
    const char *escaped =
        "\\*\\*bold\\*\\* \\| \\[link\\](x) \\<b\\> \\`code\\` \\_em\\_ \\#1 \\\\ \\~x\\~ "
        "\\&amp; \\x1b\\[31m";
    cr_assert_eq(occurrences(md, "**bold**"), 1, "raw only inside the route's code span: %s", md);
    cr_assert_null(memchr(md, '\x1b', len), "no raw escape sequence");
    /* Title, description, cpu, kernel, table cell, verdict line (model, verdict, limiting
     * factor, error, note), flag line (model, flag), error, and the gate's check names. */
    cr_assert_geq(occurrences(md, escaped), 15, "%s", md);
    cr_assert(strstr(md, "Status: complete. Route `**bold** | [link](x) <b> 'code' _em_ #1 \\ "
                         "~x~ &amp; \\x1b[31m`") != NULL,
              "the route's code span shows it as written: %s", md);
    cr_assert(strstr(md, "- FAIL efficiency \\*\\*bold") != NULL, "gate check names: %s", md);
    free(md);
    report_doc_free(&doc);

    read_doc(&doc, hostile("- 1. # not a block", 1, 100));
    md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "\n\\- 1. \\# not a block\n") != NULL, "%s", md);
    free(md);
    report_doc_free(&doc);
    read_doc(&doc, hostile("12. not a list", 1, 100));
    md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "\n12\\. not a list\n") != NULL, "%s", md);
    free(md);
    report_doc_free(&doc);
}

/* The fixture with its steps behind a front: HAProxy's counts on the second step's runs, a
 * front without figures on the first; the front's name is name. */
/* The plain fixture's Markdown, which has no front, gains or the like: what lacks. */
static void plain_markdown_lacks(const char *what)
{
    report_doc doc;
    size_t len;
    fixture(&doc);
    char *md = render(&report_markdown, &doc, &len);
    cr_assert_null(strstr(md, what), "%s", md);
    free(md);
    report_doc_free(&doc);
}

static json_t *fixture_with_front(const char *name)
{
    json_error_t error;
    json_t *json = json_load_file(FIXTURES_DIR "/report.json", 0, &error), *run;
    cr_assert_not_null(json, "%s", error.text);
    json_t *steps = json_object_get(json_array_get(json_object_get(json, "models"), 0), "steps");
    json_t *one = json_array_get(steps, 0), *two = json_array_get(steps, 1);
    size_t i;
    json_array_foreach(json_object_get(two, "runs"), i, run) json_object_set_new(
        run, "front",
        json_pack("{s:s, s:f, s:[{s:i, s:i}, {s:i, s:i}]}", "name", name, "cpu", 0.4, "servers",
                  "sessions", 1, "requests", 200, "sessions", 1, "requests", 190));
    json_object_set_new(json_object_get(two, "summary"), "front",
                        json_pack("{s:s, s:s, s:f, s:f}", "name", name, "balance", "roundrobin",
                                  "cpu", 0.42, "spread", 0.0526));
    json_object_set_new(json_object_get(one, "summary"), "front", json_pack("{s:s}", "name", name));
    return json;
}

/* The Markdown's Front section: each step's front, and the balancer's figures where it has
 * them; the front's name escaped like every string. The terminal table says the same. */
Test(report_formats, markdown_and_table_show_the_front)
{
    report_doc doc;
    size_t len;
    read_doc(&doc, fixture_with_front("haproxy"));
    char *md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "\n### Front\n\n"
                         "- thread, 1 servers: haproxy: nothing counted per server\n"
                         "- thread, 2 servers: haproxy (roundrobin): CPU 42% of its core; requests "
                         "per server 1000, 950; spread 5.3%\n") != NULL,
              "%s", md);
    free(md);
    char *table = NULL;
    FILE *out = open_memstream(&table, &len);
    report_print_table(out, &doc);
    fclose(out);
    cr_assert(strncmp(table, "front: haproxy\n", 15) == 0, "%s", table);
    cr_assert(strstr(table, "\n    balancer: CPU 42% of its core; requests per server 1000, 950; "
                            "spread 5.3%\n") != NULL,
              "%s", table);
    free(table);
    report_doc_free(&doc);
    read_doc(&doc, fixture_with_front("**x** | y"));
    md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "- thread, 2 servers: \\*\\*x\\*\\* \\| y (roundrobin): ") != NULL, "%s",
              md);
    free(md);
    report_doc_free(&doc);
    /* A report without a front (the fixture) has no Front section. */
    plain_markdown_lacks("Front");
}

/* The JUnit file is well-formed XML whatever the names hold: xmllint is the judge. */
Test(report_formats, junit_is_well_formed_with_control_characters_in_names)
{
    report_doc doc;
    size_t len;
    read_doc(&doc,
             hostile("a\x01\x02\x1b\x7f\t\n\r<>&\"' \xc2\x85 \xef\xbf\xbe \xef\xbf\xbf z", 2, 100));
    char *xml = render(&report_junit, &doc, &len);
    char path[] = "/tmp/twice-junit-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fwrite(xml, 1, len, f);
    fclose(f);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
    int status = system(cmd);
    unlink(path);
    cr_assert_eq(status, 0, "xmllint refused:\n%s", xml);
    cr_assert(strstr(xml, "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd&#9;&#10;&#13;&lt;&gt;"
                          "&amp;&quot;&#39; \xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd z") != NULL,
              "%s", xml);
    free(xml);
    report_doc_free(&doc);
}

/* Many models (more than the chart once had room for), at the ends of what a double holds:
 * the HTML is finished, bounded, and has no NaN or infinity in it. */
static void html_stays_bounded(size_t nmodels, double median)
{
    report_doc doc;
    size_t len;
    read_doc(&doc, hostile("m", nmodels, median));
    char *html = render(&report_html, &doc, &len);
    cr_assert_lt(len, 4000 + nmodels * 12000, "%zu bytes for %zu models", len, nmodels);
    cr_assert(strstr(html, "</body></html>\n") != NULL);
    cr_assert(strstr(html, "nan") == NULL && strstr(html, "inf") == NULL, "no NaN or inf");
    cr_assert_eq(occurrences(html, "<svg"), 3);
    cr_assert_eq(occurrences(html, "class=\"legend\">m#n"), 6 * (nmodels - 1),
                 "each model in the legends: measured, linear, USL, efficiency, p50, p99");
    free(html);
    report_doc_free(&doc);
}

Test(report_formats, html_charts_any_number_of_models_and_any_finite_value)
{
    html_stays_bounded(12, 100);
    html_stays_bounded(40, 5e-324);
    html_stays_bounded(9, 1.75e308);
    html_stays_bounded(3, 1.7976931348623157e308);
    html_stays_bounded(2, 0);
}

/* With resources: a chart of requests per CPU-second, their columns, and per model with a
 * breakdown a stacked bar chart of the loss, its table and its evidence. */
Test(report_formats, html_charts_the_loss_and_requests_per_cpu_second)
{
    report_doc doc;
    size_t len;
    fixture_at(&doc, RESOURCES_FIXTURE);
    char *html = render(&report_html, &doc, &len);
    cr_assert_eq(occurrences(html, "<svg"), 6, "4 charts of steps and one of the loss per model");
    cr_assert(strstr(html, "<title>Requests per server CPU-second</title>") != NULL);
    cr_assert_eq(occurrences(html, "class=\"legend\">thread</text>"), 3,
                 "thread in the legends of throughput, efficiency and requests per CPU-second");
    cr_assert(strstr(html, "<th>req per CPU-s</th>") != NULL);
    cr_assert(strstr(html, "<td>8.00</td><td>14.4</td><td>22250</td>") != NULL);
    cr_assert(strstr(html, "FLAGGED: disturbed") != NULL);
    cr_assert_eq(occurrences(html, "<h2>Where the lost efficiency went</h2>"), 1);
    cr_assert(strstr(html, "<title>Where thread lost throughput</title>") != NULL);
    cr_assert(strstr(html, "<title>Where process lost throughput</title>") != NULL);
    cr_assert_eq(occurrences(html, "class=\"segment\""), 6, "only the parts that lost anything");
    cr_assert(
        strstr(html, "<title>4 servers: front imbalance 1800 req/s (82% of the bar)</title>") !=
        NULL);
    /* The fixture predates the shared service: its part is not there, and shown as such. */
    cr_assert(strstr(html, "<td>4</td><td>20000</td><td>17800</td><td>2200</td><td>1800</td>"
                           "<td>0</td><td>0</td><td>0</td><td>-</td><td>400</td>") != NULL);
    cr_assert(strstr(html, "lost 2%: system 2%, CPU starvation &lt;1%") != NULL);
    cr_assert(strstr(html, "<li>front imbalance: server 3 held 9 of 64 connections") != NULL);
    free(html);
    report_doc_free(&doc);
    /* An older report: none of it. */
    fixture(&doc);
    html = render(&report_html, &doc, &len);
    cr_assert_null(strstr(html, "lost efficiency"));
    cr_assert_null(strstr(html, "CPU-s"));
    free(html);
    report_doc_free(&doc);
}

static char *bar_svg(const bar_chart *c)
{
    char *svg = NULL;
    size_t len;
    FILE *out = open_memstream(&svg, &len);
    cr_assert_eq(bar_chart_write_svg(out, c), 0);
    fclose(out);
    return svg;
}

/* Segments stack from 0 in the kinds' order, each as tall as its value; what is not a
 * positive finite value is left out; every label is escaped; a legend entry per kind. */
Test(report_formats, stacked_bars_stack_their_segments)
{
    static const char *const kinds[] = {"<a>", "b & c"}, *const colors[] = {"#111", "#222"};
    bar_chart c = {.title = "t<",
                   .x_label = "x",
                   .y_label = "y",
                   .unit = "u",
                   .kind_labels = kinds,
                   .kind_colors = colors,
                   .nkinds = 2};
    size_t first = bar_chart_add(&c, "first \"%d\"", 1), second = bar_chart_add(&c, "second");
    bar_chart_add(&c, "empty");
    bar_chart_value(&c, first, 0, 1);
    bar_chart_value(&c, first, 1, 3);
    bar_chart_value(&c, second, 1, 2);
    bar_chart_value(&c, second, 0, -5);
    bar_chart_value(&c, second, 0, NAN);
    bar_chart_value(&c, 7, 0, 1);
    bar_chart_value(&c, first, 2, 1);
    char *svg = bar_svg(&c);
    /* The top is 4 and 5% more; the plot is 270 pixels tall from y = 310. */
    cr_assert(strstr(svg, "<rect class=\"segment\" x=\"96.7\" y=\"245.7\" width=\"80.0\" "
                          "height=\"64.3\" fill=\"#111\"><title>first &quot;1&quot;: &lt;a&gt; 1 "
                          "u (25% of the bar)</title></rect>") != NULL,
              "%s", svg);
    cr_assert(strstr(svg, "y=\"52.9\" width=\"80.0\" height=\"192.9\" fill=\"#222\"><title>first "
                          "&quot;1&quot;: b &amp; c 3 u (75% of the bar)") != NULL,
              "%s", svg);
    cr_assert(strstr(svg, "<title>second: b &amp; c 2 u (100% of the bar)</title>") != NULL, "%s",
              svg);
    cr_assert_eq(occurrences(svg, "class=\"segment\""), 3, "%s", svg);
    cr_assert(strstr(svg, ">empty</text>") != NULL, "an empty bar keeps its label");
    cr_assert_eq(occurrences(svg, "class=\"legend\""), 2);
    cr_assert(strstr(svg, "<title>t&lt;</title>") != NULL);
    free(svg);
    bar_chart_free(&c);
}

/* Values at the ends of what a double holds, and many bars: finished, bounded, no NaN. */
Test(report_formats, stacked_bars_draw_any_finite_value_in_bounded_output)
{
    static const char *const kinds[] = {"a", "b", "c"}, *const colors[] = {"#1", "#2", "#3"};
    const double values[] = {5e-324, 1.75e308, 1.7976931348623157e308, 0};
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        bar_chart c = {.title = "t",
                       .x_label = "x",
                       .y_label = "y",
                       .unit = "u",
                       .kind_labels = kinds,
                       .kind_colors = colors,
                       .nkinds = 3};
        for (int i = 0; i < 500; i++) {
            size_t bar = bar_chart_add(&c, "%d", i);
            for (size_t k = 0; k < 3; k++)
                bar_chart_value(&c, bar, k, values[v]);
        }
        char *svg = bar_svg(&c);
        cr_assert_lt(strlen(svg), 500 * 600 + 4000, "%zu bytes", strlen(svg));
        cr_assert(strstr(svg, "nan") == NULL && strstr(svg, "inf") == NULL, "value %g", values[v]);
        cr_assert_eq(occurrences(svg, "class=\"segment\""), values[v] > 0 ? 1500 : 0);
        cr_assert(strstr(svg, "</svg>\n") != NULL);
        free(svg);
        bar_chart_free(&c);
    }
}

/* The parts' percentages add up to the loss's: rounded one by one, 3.34 + 3.33 + 3.33 of a
 * 10% loss would show as 3% three times; a point too many comes off the smallest fraction. */
Test(report_formats, loss_shares_add_up_to_the_loss)
{
    report_breakdown b = {
        .present = 1, .ideal = 1000, .measured = 900, .lost = 100, .largest = REPORT_LOSS_SYSTEM};
    b.parts[REPORT_LOSS_FRONT_IMBALANCE] = (report_loss){1, 33.3, ""};
    b.parts[REPORT_LOSS_THROTTLING] = (report_loss){1, 33.3, ""};
    b.parts[REPORT_LOSS_SYSTEM] = (report_loss){1, 33.4, ""};
    char text[256];
    cr_assert_str_eq(report_breakdown_text(text, sizeof(text), &b),
                     "lost 10%: system 4%, front imbalance 3%, throttling 3%; largest: system, "
                     "33% of the loss");
    b.lost = 54;
    b.measured = 946;
    b.parts[REPORT_LOSS_FRONT_IMBALANCE].lost = 26;
    b.parts[REPORT_LOSS_THROTTLING].lost = 26;
    b.parts[REPORT_LOSS_SYSTEM].lost = 2;
    b.largest = REPORT_LOSS_FRONT_IMBALANCE;
    cr_assert_str_eq(report_breakdown_text(text, sizeof(text), &b),
                     "lost 5%: front imbalance 3%, throttling 2%, system <1%; largest: front "
                     "imbalance, 48% of the loss");
}

/* Shares of losses at the ends of what a double holds are still percentages. */
Test(report_formats, loss_shares_of_huge_figures_stay_finite)
{
    report_breakdown b = {.present = 1,
                          .ideal = 1.7976931348623157e308,
                          .lost = 1.7976931348623157e308,
                          .largest = REPORT_LOSS_CPU_STARVATION};
    b.parts[REPORT_LOSS_CPU_STARVATION] = (report_loss){1, 1.7976931348623157e308, ""};
    b.parts[REPORT_LOSS_SYSTEM] = (report_loss){1, 5e-324, ""};
    char text[256];
    cr_assert_str_eq(report_breakdown_text(text, sizeof(text), &b),
                     "lost 100%: CPU starvation 100%, system <1%; largest: CPU starvation, 100% "
                     "of the loss");
}
/* A step measured from several clients gets a table of each client's figures per run; the
 * fixture's steps, from one client, get none (the markdown test above). */
Test(report_formats, markdown_shows_each_load_client_of_a_step)
{
    json_error_t error;
    json_t *json = json_load_file(FIXTURES_DIR "/report.json", 0, &error);
    cr_assert_not_null(json, "%s", error.text);
    json_t *runs = json_object_get(
        json_array_get(json_object_get(json_array_get(json_object_get(json, "models"), 0), "steps"),
                       1),
        "runs");
    json_object_set_new(json_array_get(runs, 0), "clients",
                        json_pack("[{s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:f},"
                                  " {s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:f}]",
                                  "host", "local", "connections", 3, "threads", 1, "requests",
                                  100.0, "throughput", 95.5, "latency_ms", "p50", 1.5, "p99", 3.25,
                                  "errors", 0.0, "wrk_cpu", 0.25, "host", "ops|x@198.18.0.7",
                                  "connections", 2, "threads", 2, "requests", 200.0, "throughput",
                                  190.0, "latency_ms", "p50", 1.0, "p99", 2.0, "errors", 1.0,
                                  "wrk_cpu", 0.95));
    json_array_append_new(json_object_get(json_array_get(runs, 0), "clients"),
                          json_pack("{s:s, s:i, s:i, s:f, s:f, s:{s:f, s:f}, s:f, s:n}", "host",
                                    "root@198.18.1.11", "connections", 1, "threads", 1, "requests",
                                    0.0, "throughput", 0.0, "latency_ms", "p50", 1.0, "p99", 2.0,
                                    "errors", 0.0, "wrk_cpu"));
    report_doc doc;
    read_doc(&doc, json);
    size_t len;
    char *md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "Load clients, thread, 2 servers:\n\n| run | client | connections |") !=
                  NULL,
              "%s", md);
    cr_assert(strstr(md, "| 1 | local | 3 | 1 | 100 | 96 | 1.50 | 3.25 | 0 | 25% |\n") != NULL,
              "%s", md);
    cr_assert(
        strstr(md, "| 1 | ops\\|x@198.18.0.7 | 2 | 2 | 200 | 190 | 1.00 | 2.00 | 1 | 95% |\n") !=
            NULL,
        "a host is text from the report, escaped: %s", md);
    cr_assert(
        strstr(md, "| 1 | root@198.18.1.11 | 1 | 1 | 0 | 0 | 1.00 | 2.00 | 0 | unknown |\n") !=
            NULL,
        "a wrk CPU not known is not a number: %s", md);
    cr_assert_eq(strstr(md, "Load clients, thread, 1 servers"), NULL, "one client: no table");
    free(md);
    report_doc_free(&doc);
}

/* A report with a target that failed and one that ran: each target's command or model once,
 * and the failed one's steps with no figure at all, in the terminal table and in Markdown. */
static void failed_target_doc(report_doc *doc)
{
    json_t *json = json_load_file(FIXTURES_DIR "/report.json", 0, NULL);
    cr_assert_not_null(json);
    json_t *models = json_object_get(json, "models"), *ran = json_array_get(models, 0);
    json_object_set_new(ran, "target",
                        json_pack("{s:s, s:s}", "kind", "twice-app", "model", "thread"));
    json_t *failed = json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:[{s:i, s:[]}, {s:i, s:[]}], s:o}", "model", "gunicorn",
        "target", "kind", "command", "command",
        "gunicorn -k sync --bind {host}:{port} app:app with a long tail "
        "of options that goes on",
        "cwd", "../targets/flask", "steps", "servers", 1, "runs", "servers", 2, "runs", "analysis",
        json_pack("{s:s, s:s, s:n, s:{s:b, s:s}}", "verdict", "failed", "error",
                  "server 2 of 2 exited", "limiting_factor", "usl", "fitted", 0, "note", ""));
    json_array_append_new(models, failed);
    read_doc(doc, json);
}

Test(report_formats, a_failed_target_shows_no_figure)
{
    report_doc doc;
    failed_target_doc(&doc);
    char *table = NULL;
    size_t len;
    FILE *out = open_memstream(&table, &len);
    report_print_table(out, &doc);
    fclose(out);
    cr_assert(
        strstr(table,
               "targets:\n  thread: twice-app thread\n  gunicorn: gunicorn -k sync "
               "--bind {host}:{port} app:app with a long tail of opt... (in ../targets/flask)\n") !=
            NULL,
        "%s", table);
    cr_assert(strstr(table, "(in ../targets/flask)\n") != NULL, "%s", table);
    /* Each step's row: its label and server count, then a dash in every column. */
    for (const char *row = strstr(table, "\ngunicorn "); row != NULL;
         row = strstr(row + 1, "\ngunicorn ")) {
        size_t dashes = 0, row_len = strcspn(row + 1, "\n");
        for (const char *d = strstr(row, "—"); d != NULL && d < row + 1 + row_len;
             d = strstr(d + 1, "—"))
            dashes++;
        cr_assert_eq(dashes, 7, "%.*s", (int)row_len, row + 1);
        cr_assert_eq(strcspn(row + 19, "0123456789") >= row_len - 18, 1, "no figure: %.*s",
                     (int)row_len, row + 1);
    }
    cr_assert(strstr(table, "gunicorn: failed: server 2 of 2 exited") != NULL, "%s", table);
    char *md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "| gunicorn | 1 | — | — | — | — | — | — |\n| gunicorn | 2 | — |") != NULL,
              "%s", md);
    cr_assert(strstr(md, "- **thread**: `twice-app thread`") != NULL, "%s", md);
    free(md);
    char *junit = render(&report_junit, &doc, &len);
    cr_assert(strstr(junit, "tests=\"1\" failures=\"1\"") != NULL, "%s", junit);
    cr_assert(strstr(junit, "name=\"gunicorn: run\">\n    <failure message=\"the target's run "
                            "failed\">server 2 of 2 exited</failure>") != NULL,
              "%s", junit);
    free(junit);
    free(table);
    report_doc_free(&doc);
}

/* A balancer whose CPU could not be read: "CPU not measured" and why, escaped, in the
 * Markdown and in the terminal table; never a figure in its place. */
Test(report_formats, a_balancer_cpu_not_measured_is_said)
{
    report_doc doc;
    size_t len;
    json_t *json = fixture_with_front("haproxy");
    json_t *steps = json_object_get(json_array_get(json_object_get(json, "models"), 0), "steps");
    json_t *front = json_object_get(json_object_get(json_array_get(steps, 1), "summary"), "front");
    json_object_del(front, "cpu");
    json_object_set_new(front, "cpu_unmeasured", json_string("in 5 of 5 runs: *ssh* failed"));
    read_doc(&doc, json);
    char *md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "- thread, 2 servers: haproxy (roundrobin): CPU not measured; requests "
                         "per server 1000, 950; spread 5.3% (CPU in 5 of 5 runs: \\*ssh\\* "
                         "failed)\n") != NULL,
              "%s", md);
    free(md);
    char *table = NULL;
    FILE *out = open_memstream(&table, &len);
    report_print_table(out, &doc);
    fclose(out);
    cr_assert(strstr(table, "\n    balancer: CPU not measured; requests per server 1000, 950; "
                            "spread 5.3%\n"
                            "    balancer CPU not measured in 5 of 5 runs: *ssh* failed\n") != NULL,
              "%s", table);
    cr_assert_null(strstr(table, "CPU 0%"), "%s", table);
    free(table);
    report_doc_free(&doc);
}

/* A super-linear step's gain, under its step in the table and in every file format; its
 * evidence escaped like every string from the report. */
Test(report_formats, every_format_says_where_a_gain_came_from)
{
    json_error_t error;
    json_t *json = json_load_file(FIXTURES_DIR "/report.json", 0, &error);
    cr_assert_not_null(json, "%s", error.text);
    json_t *two = json_array_get(
        json_object_get(json_array_get(json_object_get(json, "models"), 0), "steps"), 1);
    json_object_set_new(json_object_get(two, "summary"), "gain",
                        json_pack("{s:f, s:f, s:f, s:n, s:n, s:s}", "ideal", 1360.0, "measured",
                                  1700.0, "gained", 340.0, "requests_per_cpu_s",
                                  "interrupt_s_per_request", "evidence",
                                  "fell from 6 to <3 µs & *batched*"));
    report_doc doc;
    read_doc(&doc, json);
    char *table = NULL;
    size_t len;
    FILE *out = open_memstream(&table, &len);
    report_print_table(out, &doc);
    fclose(out);
    cr_assert(strstr(table, "\n    gained 25% over N times X(1): fell from 6 to <3 µs & "
                            "*batched*\n") != NULL,
              "%s", table);
    free(table);
    char *md = render(&report_markdown, &doc, &len);
    cr_assert(strstr(md, "\n## Where super-linear gains came from\n") != NULL, "%s", md);
    cr_assert(strstr(md, "- thread, 2 servers: gained 25% over N times X(1): fell from 6 to \\<3 "
                         "µs \\& \\*batched\\*\n") != NULL,
              "%s", md);
    free(md);
    char *html = render(&report_html, &doc, &len);
    cr_assert(strstr(html, "<li>thread, 2 servers: gained 25% over N times X(1): fell from 6 to "
                           "&lt;3 µs &amp; *batched*</li>") != NULL,
              "%s", html);
    free(html);
    char *junit = render(&report_junit, &doc, &len);
    cr_assert(strstr(junit, "<system-out>thread 2 servers: gained 25% over N times X(1): fell "
                            "from 6 to &lt;3 µs &amp; *batched*</system-out>") != NULL,
              "%s", junit);
    free(junit);
    report_doc_free(&doc);
    /* A report without gains has no such section. */
    plain_markdown_lacks("gain");
}
