/*
 * report_markdown.c - the report as Markdown, short enough for a CI job's
 * summary: what ran, the table, the verdict per model, what was flagged,
 * and the gate.
 */
#include <string.h>

#include "report_format.h"

static double num(json_t *obj, const char *key)
{
    return json_number_value(json_object_get(obj, key));
}

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

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
    fprintf(out, "- **%s**: %s", str(model, "model"), str(analysis, "verdict"));
    if (json_is_string(json_object_get(analysis, "limiting_factor")))
        fprintf(out, " (limited by %s)", str(analysis, "limiting_factor"));
    if (json_is_true(json_object_get(usl, "fitted")))
        fprintf(out, "; USL σ = %.4f, κ = %.5f, λ = %.0f req/s, R² = %.3f", num(usl, "sigma"),
                num(usl, "kappa"), num(usl, "lambda"), num(usl, "r2"));
    if (*str(usl, "note") != '\0') {
        fprintf(out, " (");
        text(out, str(usl, "note"));
        fprintf(out, ")");
    }
    fprintf(out, "\n");
}

static int write_markdown(FILE *out, json_t *report, json_t *checks)
{
    json_t *scenario = json_object_get(report, "scenario");
    json_t *machine = json_object_get(report, "machine");
    fprintf(out, "# twice: ");
    text(out, str(scenario, "name"));
    fprintf(out, "\n\n");
    if (*str(scenario, "description") != '\0') {
        text(out, str(scenario, "description"));
        fprintf(out, "\n\n");
    }
    fprintf(out, "Status: %s. Route `", str(report, "status"));
    /* Inside a code span escapes show as written: only a backtick could end it early. */
    for (const char *c = str(json_object_get(scenario, "target"), "route"); *c != '\0'; c++)
        fputc(*c == '`' ? '\'' : *c, out);
    fprintf(out, "`. Machine: ");
    text(out, str(machine, "cpu_model"));
    fprintf(out, ", %lld cores, ",
            (long long)json_integer_value(json_object_get(machine, "cores")));
    text(out, str(machine, "kernel"));
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
                    str(model, "model"),
                    (long long)json_integer_value(json_object_get(step, "servers")),
                    num(x, "median"), num(x, "min"), num(x, "max"), num(s, "efficiency"),
                    json_is_false(json_object_get(s, "valid")) ? " ⚠" : "",
                    num(json_object_get(s, "latency_ms"), "p50"),
                    num(json_object_get(s, "latency_ms"), "p99"),
                    num(s, "errors") + num(s, "non2xx"), num(s, "failed_checks"));
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
                fprintf(out, "- ⚠ %s, %lld servers: ", str(model, "model"),
                        (long long)json_integer_value(json_object_get(step, "servers")));
                text(out, json_string_value(flag));
                fprintf(out, "\n");
            }
        }
    }
    if (*str(report, "error") != '\0') {
        fprintf(out, "\n**Error:** ");
        text(out, str(report, "error"));
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
                fprintf(out, "- FAIL %s: %.3f, limit %s\n", str(c, "check"), num(c, "figure"),
                        str(c, "limit"));
        }
    }
    return ferror(out) ? -1 : 0;
}

const report_format report_markdown = {"md", "md", write_markdown};
