/*
 * report_junit.c - the gate as JUnit XML: one test case per check, so that
 * any CI system shows a failed threshold as a failed test, by name.
 */
#include <string.h>

#include "markup.h"
#include "report_format.h"

static int write_junit(FILE *out, json_t *report, json_t *checks)
{
    const char *name =
        json_string_value(json_object_get(json_object_get(report, "scenario"), "name"));
    size_t failed = 0, i;
    json_t *c;
    json_array_foreach(checks, i, c) failed += !json_is_true(json_object_get(c, "pass"));
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"twice ", out);
    markup_escape(out, name);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", json_array_size(checks), failed);
    json_array_foreach(checks, i, c)
    {
        fputs("  <testcase classname=\"twice.", out);
        markup_escape(out, name);
        fputs("\" name=\"", out);
        markup_escape(out, json_string_value(json_object_get(c, "check")));
        if (json_is_true(json_object_get(c, "pass"))) {
            fputs("\"/>\n", out);
            continue;
        }
        fprintf(out, "\">\n    <failure message=\"%.3f, limit ",
                json_number_value(json_object_get(c, "figure")));
        markup_escape(out, json_string_value(json_object_get(c, "limit")));
        fputs("\">", out);
        markup_escape(out, json_string_value(json_object_get(c, "note")));
        fputs("</failure>\n  </testcase>\n", out);
    }
    fputs("</testsuite>\n", out);
    return ferror(out) ? -1 : 0;
}

const report_format report_junit = {"junit", "junit.xml", write_junit};

const report_format *report_format_find(const char *name)
{
    static const report_format *const formats[] = {&report_markdown, &report_junit, &report_html};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    }
    return NULL;
}
