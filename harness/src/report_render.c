/*
 * report_render.c - see report_format.h: the one way a checked report
 * becomes Markdown, JUnit or HTML, for twice report and for the files
 * twice run writes beside its JSON.
 */
#include <string.h>

#include "atomic_file.h"
#include "report_format.h"

const report_format *report_format_find(const char *name)
{
    static const report_format *const formats[] = {&report_markdown, &report_junit, &report_html};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    }
    return NULL;
}

typedef struct render_job {
    const report_format *format;
    const report_doc *report;
    const gate_checks *checks;
} render_job;

static int fill(FILE *out, void *data)
{
    const render_job *job = data;
    return job->format->write(out, job->report, job->checks);
}

int report_render(const report_format *format, const report_doc *report, const char *path,
                  char *err, size_t errlen)
{
    /* A report that cannot be gated (a failed run) is still rendered, without a gate. */
    char gate_err[256];
    gate_limits limits = gate_limits_from_report(report);
    gate_checks checks;
    gate_check(&checks, report, NULL, &limits, gate_err, sizeof(gate_err));
    render_job job = {format, report, &checks};
    int rc = path == NULL ? fill(stdout, &job) : atomic_write(path, fill, &job, err, errlen);
    if (rc != 0 && path == NULL)
        snprintf(err, errlen, "cannot write the report to the standard output");
    gate_checks_free(&checks);
    return rc;
}
