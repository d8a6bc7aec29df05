/*
 * test_report_formats.c - the Markdown, JUnit and HTML reports of a fixed
 * JSON report, compared with the expected files beside it (tests/fixtures);
 * and of hostile ones: names that are markup, controls that XML forbids,
 * many models, figures at the ends of what a double holds.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "read_file.h"
#include "report.h"
#include "report_doc.h"
#include "report_table.h"

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

static void fixture(report_doc *doc)
{
    char err[256];
    cr_assert_eq(report_read_file(doc, FIXTURES_DIR "/report.json", err, sizeof(err)), 0, "%s",
                 err);
}

static void matches_expected(const report_format *format, const char *expected_path)
{
    report_doc doc;
    size_t len;
    char err[256];
    fixture(&doc);
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
    matches_expected(&report_markdown, FIXTURES_DIR "/report.md");
}

Test(report_formats, junit)
{
    matches_expected(&report_junit, FIXTURES_DIR "/report.junit.xml");
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* The HTML is checked for structure (its rendering is checked in Chromium, tests/html). */
Test(report_formats, html_is_self_contained_escaped_and_charted)
{
    report_doc doc;
    size_t len;
    fixture(&doc);
    char *html = render(&report_html, &doc, &len);
    cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    cr_assert_eq(count(html, "<svg"), 3, "throughput, efficiency, latency");
    /* Throughput: measured, linear ideal and USL fit; efficiency: one; latency: p50 and p99. */
    cr_assert_eq(count(html, "<polyline"), 6);
    cr_assert_eq(count(html, "class=\"error-bar\""), 2, "each step's 95%% interval of throughput");
    cr_assert(strstr(html, "fixture &lt;&amp;&gt; &quot;quoted&quot;") != NULL, "name escaped");
    cr_assert(strstr(html, "&lt;tags&gt;") != NULL, "description escaped");
    cr_assert(strstr(html, "<tags>") == NULL && strstr(html, "<&>") == NULL);
    cr_assert(strstr(html, "<script") == NULL, "no script");
    cr_assert(strstr(html, "src=") == NULL && strstr(html, "href=") == NULL, "nothing to fetch");
    cr_assert(strstr(html, "FLAGGED") != NULL, "the flagged step shows as such");
    cr_assert(strstr(html, "repetitions too noisy") != NULL);
    cr_assert_eq(count(html, ">FAIL<"), 3, "the gate's failures");
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
    cr_assert_eq(count(md, "**bold**"), 1, "raw only inside the route's code span: %s", md);
    cr_assert_null(memchr(md, '\x1b', len), "no raw escape sequence");
    /* Title, description, cpu, kernel, table cell, verdict line (model, verdict, limiting
     * factor, error, note), flag line (model, flag), error, and the gate's check names. */
    cr_assert_geq(count(md, escaped), 15, "%s", md);
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
    cr_assert_eq(count(html, "<svg"), 3);
    cr_assert_eq(count(html, "class=\"legend\">m#n"), 6 * (nmodels - 1),
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
