/*
 * fuzz_report.c - the report reader over arbitrary bytes. What it accepts is
 * then gated, compared with itself and rendered in every format and as the
 * terminal table: a report the reader lets through must be one nothing
 * downstream can crash on, loop on or leak. Nor may any writer print a
 * figure as "inf" or "nan" (a ratio, share or sum no double holds reads
 * "n/a"): the output is searched for them whenever the input could not have
 * put them there as text of its own.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Whether word (lower case) is in the size bytes at data, in any case. */
static int has_word(const uint8_t *data, size_t size, const char *word, size_t len)
{
    for (size_t i = 0; i + len <= size; i++) {
        size_t k = 0;
        while (k < len && tolower(data[i + k]) == word[k])
            k++;
        if (k == len)
            return 1;
    }
    return 0;
}

/* Whether the input could spell "inf" or "nan" in a string of its own: written out, or hidden
 * behind a \u escape. */
static int may_spell_them(const uint8_t *data, size_t size)
{
    return has_word(data, size, "inf", 3) || has_word(data, size, "nan", 3) ||
           has_word(data, size, "\\u", 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    report_doc doc;
    char err[1024], *text = NULL;
    size_t len = 0;
    if (report_read_text(&doc, "fuzz.json", (const char *)data, size, err, sizeof(err)) != 0)
        return 0;
    FILE *out = open_memstream(&text, &len);
    if (out != NULL) {
        render(out, &doc);
        fclose(out);
        if (!may_spell_them(data, size) && (has_word((const uint8_t *)text, len, "inf", 3) ||
                                            has_word((const uint8_t *)text, len, "nan", 3))) {
            fprintf(stderr, "a writer printed a figure as inf or nan:\n%s\n", text);
            abort();
        }
    }
    free(text);
    report_doc_free(&doc);
    return 0;
}
