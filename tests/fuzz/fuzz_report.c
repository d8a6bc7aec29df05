/*
 * fuzz_report.c - the report reader over arbitrary bytes. What it accepts is
 * then gated, compared with itself and rendered in every format and as the
 * terminal table (into /dev/null): a report the reader lets through must be
 * one nothing downstream can crash on, loop on or leak.
 */
#include <stdint.h>
#include <stdio.h>

#include "gate.h"
#include "report_format.h"
#include "report_read.h"
#include "report_table.h"

static void render(FILE *out, const report_doc *doc)
{
    static const report_format *const formats[] = {&report_markdown, &report_junit, &report_html};
    char err[512];
    gate_limits limits = gate_limits_from_report(doc);
    gate_checks checks;
    if (gate_check(&checks, doc, doc, &limits, err, sizeof(err)) == 0) {
        gate_print(out, &checks);
        gate_print_comparison(out, doc, doc, &checks);
        gate_checks_free(&checks);
    }
    if (gate_check(&checks, doc, NULL, &limits, err, sizeof(err)) != 0)
        checks = (gate_checks){0};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        formats[i]->write(out, doc, &checks);
    report_print_table(out, doc);
    gate_checks_free(&checks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
        return 0;
    report_doc doc;
    char err[1024];
    if (report_read_text(&doc, "fuzz.json", (const char *)data, size, err, sizeof(err)) == 0) {
        render(sink, &doc);
        report_doc_free(&doc);
    }
    return 0;
}
