/*
 * report_markdown.c - the report as Markdown, short enough for a CI job's
 * summary: what ran, the table, the verdict per model, what was flagged,
 * and the gate.
 */
#include <string.h>

#include "json_field.h"
#include "report_format.h"

/* Text from a scenario or a machine, safe inside a table cell and a line. */
static void text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
}

static void verdict(FILE *out, json_t *model)
{
    json_t *analysis = json_object_get(model, "analysis");
    json_t *usl = json_object_get(analysis, "usl");
    if (analysis == NULL)
        return;
    fprintf(out, "- **%s**: %s", json_str(model, "model"), json_str(analysis, "verdict"));
    if (json_is_string(json_object_get(analysis, "limiting_factor")))
        fprintf(out, " (limited by %s)", json_str(analysis, "limiting_factor"));
    if (json_is_true(json_object_get(usl, "fitted")))
        fprintf(out, "; USL σ = %.4f, κ = %.5f, λ = %.0f req/s, R² = %.3f", json_num(usl, "sigma"),
                json_num(usl, "kappa"), json_num(usl, "lambda"), json_num(usl, "r2"));
    if (*json_str(usl, "note") != '\0') {
        fprintf(out, " (");
        text(out, json_str(usl, "note"));
        fprintf(out, ")");
    }
    fprintf(out, "\n");
}

static int write_markdown(FILE *out, json_t *report, json_t *checks)
{
    json_t *scenario = json_object_get(report, "scenario");
    json_t *machine = json_object_get(report, "machine");
    fprintf(out, "# twice: ");
    text(out, json_str(scenario, "name"));
    fprintf(out, "\n\n");
    if (*json_str(scenario, "description") != '\0') {
        text(out, json_str(scenario, "description"));
        fprintf(out, "\n\n");
    }
    fprintf(out, "Status: %s. Route `", json_str(report, "status"));
    /* Inside a code span escapes show as written: only a backtick could end it early. */
    for (const char *c = json_str(json_object_get(scenario, "target"), "route"); *c != '\0'; c++)
        fputc(*c == '`' ? '\'' : *c, out);
    fprintf(out, "`. Machine: ");
    text(out, json_str(machine, "cpu_model"));
    fprintf(out, ", %lld cores, ",
            (long long)json_integer_value(json_object_get(machine, "cores")));
    text(out, json_str(machine, "kernel"));
    fprintf(out, ".\n\n| model | servers | throughput req/s (min-max) | E(N) | p50 ms | p99 ms | "
                 "errors | failed checks |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    json_t *model, *step;
    size_t i, j;
    json_array_foreach(json_object_get(report, "models"), i, model)
    {
        json_array_foreach(json_object_get(model, "steps"), j, step)
        {
            json_t *s = json_object_get(step, "summary"), *x = json_object_get(s, "throughput");
            if (s == NULL)
                continue;
            fprintf(out, "| %s | %lld | %.0f (%.0f-%.0f) | %.2f%s | %.2f | %.2f | %.0f | %.0f |\n",
                    json_str(model, "model"),
                    (long long)json_integer_value(json_object_get(step, "servers")),
                    json_num(x, "median"), json_num(x, "min"), json_num(x, "max"),
                    json_num(s, "efficiency"),
                    json_is_false(json_object_get(s, "valid")) ? " ⚠" : "",
                    json_num(json_object_get(s, "latency_ms"), "p50"),
                    json_num(json_object_get(s, "latency_ms"), "p99"),
                    json_num(s, "errors") + json_num(s, "non2xx"), json_num(s, "failed_checks"));
        }
    }
    fprintf(out, "\n");
    json_array_foreach(json_object_get(report, "models"), i, model) verdict(out, model);
    json_array_foreach(json_object_get(report, "models"), i, model)
    {
        json_array_foreach(json_object_get(model, "steps"), j, step)
        {
            json_t *flag;
            size_t k;
            json_array_foreach(json_object_get(json_object_get(step, "summary"), "flags"), k, flag)
            {
                fprintf(out, "- ⚠ %s, %lld servers: ", json_str(model, "model"),
                        (long long)json_integer_value(json_object_get(step, "servers")));
                text(out, json_string_value(flag));
                fprintf(out, "\n");
            }
        }
    }
    if (*json_str(report, "error") != '\0') {
        fprintf(out, "\n**Error:** ");
        text(out, json_str(report, "error"));
        fprintf(out, "\n");
    }
    if (checks != NULL && json_array_size(checks) != 0) {
        size_t failed = 0;
        json_t *c;
        json_array_foreach(checks, i, c) failed += !json_is_true(json_object_get(c, "pass"));
        fprintf(out, "\nGate: **%s** (%zu of %zu checks failed)\n", failed ? "FAIL" : "PASS",
                failed, json_array_size(checks));
        json_array_foreach(checks, i, c)
        {
            if (!json_is_true(json_object_get(c, "pass")))
                fprintf(out, "- FAIL %s: %.3f, limit %s\n", json_str(c, "check"),
                        json_num(c, "figure"), json_str(c, "limit"));
        }
    }
    return ferror(out) ? -1 : 0;
}

const report_format report_markdown = {"md", "md", write_markdown};
