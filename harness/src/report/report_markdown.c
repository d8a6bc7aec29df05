/*
 * report_markdown.c - the report as Markdown, short enough for a CI job's
 * summary: what ran and where (the inventory, each step's hosts), the table
 * (with the servers' resources when they were measured), the verdict per
 * model, what was flagged, the front and its balancer, where the lost
 * efficiency went, each load client, and the gate. Every string from the report goes through text()
 * (or code(), inside the route's code span): a model called "**x** | y" shows as written and cannot
 * break the table or forge a verdict.
 */
#include <ctype.h>
#include <string.h>

#include "report_figures.h"
#include "report_format.h"
#include "report_placement.h"

/* A control character as \xNN: visible, and inert in Markdown (a backslash before a letter is
 * a backslash). Tab and line breaks become spaces, so that a cell stays one line. */
static int control(FILE *out, unsigned char c)
{
    if (c == '\t' || c == '\n' || c == '\r')
        fputc(' ', out);
    else if (c < 0x20 || c == 0x7f)
        fprintf(out, "\\x%02x", c);
    else
        return 0;
    return 1;
}

/*
 * Text from a scenario, a machine or a run, safe inside a table cell and a line: every
 * character with inline meaning is backslash-escaped, and so is what would open a block
 * (a heading, a list, a rule) when the string starts a line.
 */
static void text(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (*p == '-' || *p == '+' || *p == '=')
        fputc('\\', out);
    for (; isdigit(*p); p++)
        fputc(*p, out);
    if (p != (const unsigned char *)s && (*p == '.' || *p == ')'))
        fputc('\\', out);
    for (; *p != '\0'; p++) {
        if (control(out, *p))
            continue;
        if (strchr("\\`*_[]<>|~&#!", *p) != NULL)
            fputc('\\', out);
        fputc(*p, out);
    }
}

/* Text inside a code span, where escapes show as written: only a backtick could end it
 * early, and a control character could still break the line. */
static void code(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (!control(out, *p))
            fputc(*p == '`' ? '\'' : *p, out);
    }
}

static void verdict(FILE *out, const report_model *model)
{
    const report_analysis *a = &model->analysis;
    if (!a->present)
        return;
    fputs("- **", out);
    text(out, model->name);
    fputs("**: ", out);
    text(out, a->verdict);
    if (a->limiting_factor != NULL) {
        fputs(" (limited by ", out);
        text(out, a->limiting_factor);
        fputs(")", out);
    }
    if (*a->verdict_note != '\0') {
        fputs(": ", out);
        text(out, a->verdict_note);
    }
    if (a->error != NULL) {
        fputs(": no analysis: ", out);
        text(out, a->error);
    }
    static const report_usl_names names = {"σ", "κ", "λ"};
    char fit[512];
    if (a->usl.fitted)
        fprintf(out, "; USL %s", report_usl_text(fit, sizeof(fit), &a->usl, &names));
    if (*a->usl.note != '\0') {
        fputs(" (", out);
        text(out, a->usl.note);
        fputs(")", out);
    }
    fputs("\n", out);
    for (size_t i = 0; i < a->npredictions; i++) {
        char prediction[256];
        fprintf(out, "  - %s",
                report_prediction_text(prediction, sizeof(prediction), &a->predictions[i]));
        if (*a->predictions[i].note != '\0') {
            fputs(" (", out);
            text(out, a->predictions[i].note);
            fputs(")", out);
        }
        fputs("\n", out);
    }
}

/* The servers' CPU-seconds, largest peak RSS and requests per CPU-second, as table cells. */
static void resource_cells(FILE *out, const report_step_resources *r)
{
    char per_cpu[64];
    if (r->present)
        fprintf(out, " %.2f | %.1f | %s |", r->cpu_s, report_largest_rss(r) / 1048576,
                report_requests_per_cpu_text(per_cpu, sizeof(per_cpu), r));
    else
        fputs(" - | - | - |", out);
}

static void step_row(FILE *out, const report_model *model, const report_step *step,
                     int with_resources)
{
    const report_summary *s = &step->summary;
    char throughput[64], efficiency[64], errors[64];
    fputs("| ", out);
    text(out, model->name);
    fprintf(out, " | %lld | %s | %s", step->servers,
            report_throughput_text(throughput, sizeof(throughput), s),
            report_efficiency_text(efficiency, sizeof(efficiency), s));
    fprintf(out, "%s | %.2f | %.2f | %s | %.0f |",
            s->disturbed ? " ⚠ disturbed"
            : s->valid   ? ""
                         : " ⚠",
            s->p50_ms, s->p99_ms, report_errors_text(errors, sizeof(errors), s), s->failed_checks);
    if (with_resources)
        resource_cells(out, &s->resources);
    fputs("\n", out);
}

/* A model's breakdowns: one row per step that has one, the loss of each part in req/s. */
static void breakdown_table(FILE *out, const report_model *model)
{
    fputs("\n### ", out);
    text(out, model->name);
    fputs("\n\n| servers | ideal req/s | measured req/s | lost req/s", out);
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++)
        fprintf(out, " | %s", report_loss_part_label(p));
    fputs(" |\n|---:|---:|---:|---:|", out);
    for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++)
        fputs("---:|", out);
    fputs("\n", out);
    for (size_t j = 0; j < model->nsteps; j++) {
        const report_breakdown *b = &model->steps[j].summary.breakdown;
        if (!b->present)
            continue;
        fprintf(out, "| %lld | %.0f | %.0f | %.0f", model->steps[j].servers, b->ideal, b->measured,
                b->lost);
        for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (b->parts[p].present)
                fprintf(out, " | %.0f", b->parts[p].lost);
            else
                fputs(" | -", out);
        }
        fputs(" |\n", out);
    }
    fputs("\n", out);
    for (size_t j = 0; j < model->nsteps; j++) {
        const report_breakdown *b = &model->steps[j].summary.breakdown;
        char line[512];
        if (!b->present)
            continue;
        fprintf(out, "- %lld servers: ", model->steps[j].servers);
        text(out, report_breakdown_text(line, sizeof(line), b));
        fputs("\n", out);
        for (report_loss_part p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (!b->parts[p].present || *b->parts[p].evidence == '\0')
                continue;
            fprintf(out, "  - %s: ", report_loss_part_label(p));
            text(out, b->parts[p].evidence);
            fputs("\n", out);
        }
    }
}

/* Where super-linear gains came from: one line per step that has one. */
static void gains(FILE *out, const report_doc *report)
{
    if (!report_has_gain(report))
        return;
    fputs("\n## Where super-linear gains came from\n\nA step above N times X(1) served more "
          "than N servers each as fast as one alone; what the servers cost per request says "
          "why.\n\n",
          out);
    report_gain_lines(out, report, "- ", "\n", text);
}

/* Where the lost efficiency went, per model that has a breakdown at any step. */
static void breakdowns(FILE *out, const report_doc *report)
{
    if (!report_has_breakdown(report))
        return;
    fputs("\n## Where the lost efficiency went\n\nThe ideal is N times X(1); each part is "
          "the throughput it cost, from what was measured.\n",
          out);
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        for (size_t j = 0; j < m->nsteps; j++) {
            if (m->steps[j].summary.breakdown.present) {
                breakdown_table(out, m);
                break;
            }
        }
    }
}

/* A step measured in none or only some of its rounds: no figure, rather than a made-up one. */
static void unmeasured_row(FILE *out, const report_model *model, const report_step *step,
                           int with_resources)
{
    fputs("| ", out);
    text(out, model->name);
    fprintf(out, " | %lld |", step->servers);
    for (int column = 0; column < (with_resources ? 9 : 6); column++)
        fputs(" " REPORT_NO_FIGURE " |", out);
    fputs("\n", out);
}

/* Each target's label and what it ran, once, before the table. */
static void targets(FILE *out, const report_doc *report)
{
    if (!report_has_targets(report))
        return;
    fputs("\n\nTargets:", out);
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        char what[REPORT_COMMAND_SHOWN + 256];
        if (!m->target.present)
            continue;
        fputs("\n- **", out);
        text(out, m->name);
        fputs("**: `", out);
        code(out, report_target_text(what, sizeof(what), &m->target));
        fputs("`", out);
    }
}

static void flags(FILE *out, const report_model *model, const report_step *step)
{
    for (size_t k = 0; k < step->summary.nflags; k++) {
        fputs("- ⚠ ", out);
        text(out, model->name);
        fprintf(out, ", %lld servers: ", step->servers);
        text(out, step->summary.flags[k]);
        fputs("\n", out);
    }
}

/* Where each step's servers ran, and whether each host's CPU cap applied. Nothing for an
 * older report. */
static void hosts(FILE *out, const report_doc *report)
{
    if (!report_has_hosts(report))
        return;
    fputs("\n### Hosts\n\n", out);
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            const report_step *step = &report->models[i].steps[j];
            if (step->nhosts == 0)
                continue;
            fputs("- ", out);
            text(out, report->models[i].name);
            fprintf(out, ", %lld servers: ", step->servers);
            report_hosts_print(out, step, text);
            fputs("\n", out);
        }
    }
}

/* The front of each step, and where it has one, what its balancer saw: its CPU, the requests
 * per server (over all the step's runs) and their spread. Nothing for an older report. */
static void fronts(FILE *out, const report_doc *report)
{
    int any = 0;
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            const report_step *step = &report->models[i].steps[j];
            const report_front *f = &step->summary.front;
            if (!step->has_summary || !f->present)
                continue;
            if (!any++)
                fputs("\n### Front\n\n", out);
            fputs("- ", out);
            text(out, report->models[i].name);
            fprintf(out, ", %lld servers: ", step->servers);
            text(out, f->name);
            if (*f->balance != '\0') {
                fputs(" (", out);
                text(out, f->balance);
                fputs(")", out);
            }
            fputs(": ", out);
            if (!report_front_figures(out, step))
                fputs("nothing counted per server", out);
            if (*f->cpu_unmeasured != '\0') {
                fputs(" (CPU ", out);
                text(out, f->cpu_unmeasured);
                fputs(")", out);
            }
            fputs("\n", out);
        }
    }
}

/* Per step that had several load clients, each client's own figures in each run: whether
 * the clients pulled their weight, and which one saturated. */
static const report_client_table client_table = {
    "\nLoad clients, ",
    ", %lld servers:\n\n| run | client | connections | threads | requests | req/s | p50 ms | "
    "p99 ms | errors | wrk CPU |\n|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    text,
    "",
    "| ",
    " ",
    "|\n",
    ""};

static void gate(FILE *out, const gate_checks *checks)
{
    if (checks->n == 0)
        return;
    fprintf(out, "\nGate: **%s** (%zu of %zu checks failed)\n", checks->failed ? "FAIL" : "PASS",
            checks->failed, checks->n);
    for (size_t i = 0; i < checks->n; i++) {
        const gate_check_result *c = &checks->items[i];
        char figure[64];
        if (c->pass)
            continue;
        fputs("- FAIL ", out);
        text(out, c->name);
        fprintf(out, ": %s, limit ", report_number_text(figure, sizeof(figure), "%.3f", c->figure));
        text(out, c->limit);
        if (*c->detail != '\0') {
            fputs(" (", out);
            text(out, c->detail);
            fputs(")", out);
        }
        fputs("\n", out);
    }
}

static int write_markdown(FILE *out, const report_doc *report, const gate_checks *checks)
{
    fputs("# twice: ", out);
    text(out, report->name);
    fputs("\n\n", out);
    if (*report->description != '\0') {
        text(out, report->description);
        fputs("\n\n", out);
    }
    fputs("Status: ", out);
    text(out, report->status);
    fputs(". Route `", out);
    code(out, report->route);
    fputs("`. Machine: ", out);
    text(out, report->cpu_model);
    fprintf(out, ", %lld cores, ", report->cores);
    text(out, report->kernel);
    fputs(".", out);
    if (*report->interval != '\0') {
        fputs(" Intervals: ", out);
        text(out, report->interval);
        fputs(".", out);
    }
    if (report->has_seed)
        fprintf(out, " Seed %lld.", report->seed);
    if (report->inventory.present) {
        fputs("\n\nInventory ", out);
        report_inventory_print(out, &report->inventory, text);
        fputs(".", out);
    }
    int with_resources = report_has_resources(report);
    targets(out, report);
    fprintf(out,
            "\n\n| model | servers | %s | E(N)%s | p50 ms | p99 ms | errors | failed checks |%s\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|%s\n",
            report_throughput_heading(report), *report->interval != '\0' ? " [95% CI]" : "",
            with_resources ? " servers' CPU s | peak RSS MiB | req per CPU-s |" : "",
            with_resources ? "---:|---:|---:|" : "");
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            if (report->models[i].steps[j].has_summary)
                step_row(out, &report->models[i], &report->models[i].steps[j], with_resources);
            else if (report->models[i].steps[j].servers > 0)
                unmeasured_row(out, &report->models[i], &report->models[i].steps[j],
                               with_resources);
        }
    }
    fputs("\n", out);
    for (size_t i = 0; i < report->nmodels; i++)
        verdict(out, &report->models[i]);
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++)
            flags(out, &report->models[i], &report->models[i].steps[j]);
    }
    hosts(out, report);
    fronts(out, report);
    breakdowns(out, report);
    gains(out, report);
    report_client_tables(out, report, &client_table);
    if (*report->error != '\0') {
        fputs("\n**Error:** ", out);
        text(out, report->error);
        fputs("\n", out);
    }
    gate(out, checks);
    return ferror(out) ? -1 : 0;
}

const report_format report_markdown = {"md", "md", write_markdown};
