/*
 * test_report_formats.c - the Markdown and JUnit reports of a fixed JSON
 * report, compared with the expected files beside it (tests/fixtures).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "read_file.h"
#include "report.h"

static void matches_expected(const report_format *format, const char *expected_path)
{
    json_error_t error;
    json_t *report = json_load_file(FIXTURES_DIR "/report.json", 0, &error);
    cr_assert_not_null(report, "%s", error.text);
    gate_limits limits = gate_limits_from_report(report);
    char err[256];
    int failed;
    json_t *checks = gate_check(report, NULL, &limits, &failed, err, sizeof(err));
    cr_assert_not_null(checks, "%s", err);
    char *got = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&got, &len);
    cr_assert_eq(format->write(out, report, checks), 0);
    fclose(out);
    char *expected = read_file(expected_path, NULL, err, sizeof(err));
    cr_assert_not_null(expected, "%s", err);
    cr_assert_str_eq(got, expected);
    free(got);
    free(expected);
    json_decref(checks);
    json_decref(report);
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
    json_t *report = json_load_file(FIXTURES_DIR "/report.json", 0, NULL);
    gate_limits limits = gate_limits_from_report(report);
    char err[256], *html = NULL;
    int failed;
    size_t len = 0;
    json_t *checks = gate_check(report, NULL, &limits, &failed, err, sizeof(err));
    FILE *out = open_memstream(&html, &len);
    cr_assert_eq(report_html.write(out, report, checks), 0);
    fclose(out);
    cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    cr_assert_eq(count(html, "<svg"), 3, "throughput, efficiency, latency");
    /* Throughput: measured, linear ideal and USL fit; efficiency: one; latency: p50 and p99. */
    cr_assert_eq(count(html, "<polyline"), 6);
    cr_assert(strstr(html, "fixture &lt;&amp;&gt; &quot;quoted&quot;") != NULL, "name escaped");
    cr_assert(strstr(html, "&lt;tags&gt;") != NULL, "description escaped");
    cr_assert(strstr(html, "<tags>") == NULL && strstr(html, "<&>") == NULL);
    cr_assert(strstr(html, "<script") == NULL, "no script");
    cr_assert(strstr(html, "src=") == NULL && strstr(html, "href=") == NULL, "nothing to fetch");
    cr_assert(strstr(html, "FLAGGED") != NULL, "the flagged step shows as such");
    cr_assert(strstr(html, "repetitions too noisy") != NULL);
    cr_assert_eq(count(html, ">FAIL<"), 3, "the gate's failures");
    free(html);
    json_decref(checks);
    json_decref(report);
}

Test(report_formats, formats_are_found_by_name)
{
    cr_assert_eq(report_format_find("md"), &report_markdown);
    cr_assert_eq(report_format_find("junit"), &report_junit);
    cr_assert_eq(report_format_find("html"), &report_html);
    cr_assert_null(report_format_find("pdf"));
}
