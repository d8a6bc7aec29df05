/*
 * report_render.c - see report_format.h: the one way a checked report
 * becomes Markdown, JUnit or HTML, for twice report and for the files
 * twice run writes beside its JSON.
 */
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "report_format.h"

/* Every format beyond JSON, in the order twice run writes them. */
static const report_format *const formats[] = {&report_markdown, &report_junit, &report_html};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

const report_format *report_format_find(const char *name)
{
    for (size_t i = 0; i < NFORMATS; i++) {
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

/* The gate's checks of report against its own thresholds (none when it cannot be gated: a
 * failed run is still rendered, without a gate). */
static void own_checks(const report_doc *report, gate_checks *checks)
{
    char gate_err[256];
    gate_limits limits = gate_limits_from_report(report);
    gate_check(checks, report, NULL, &limits, gate_err, sizeof(gate_err));
}

int report_render(const report_format *format, const report_doc *report, const char *path,
                  char *err, size_t errlen)
{
    gate_checks checks;
    own_checks(report, &checks);
    render_job job = {format, report, &checks};
    int rc = path == NULL ? fill(stdout, &job) : atomic_write(path, fill, &job, err, errlen);
    if (rc != 0 && path == NULL)
        snprintf(err, errlen, "cannot write the report to the standard output");
    gate_checks_free(&checks);
    return rc;
}

int report_render_beside(const report_doc *report, const char *json_path, char *err, size_t errlen)
{
    size_t stem_len = strlen(json_path);
    if (stem_len > 5 && strcmp(json_path + stem_len - 5, ".json") == 0)
        stem_len -= 5;
    char *stem = strndup(json_path, stem_len);
    if (stem == NULL) {
        snprintf(err, errlen, "cannot write beside %s: out of memory", json_path);
        return -1;
    }
    gate_checks checks; /* once for every format */
    own_checks(report, &checks);
    int rc = 0;
    for (size_t i = 0; i < NFORMATS && rc == 0; i++) {
        render_job job = {formats[i], report, &checks};
        char *written = NULL;
        rc = atomic_create(stem, formats[i]->extension, 1, fill, &job, &written, err, errlen);
        free(written);
    }
    gate_checks_free(&checks);
    free(stem);
    return rc;
}
