/*
 * gate.c - the gate. Every threshold becomes one check per step (or per
 * model, for sigma), so that a CI log shows exactly which figure broke
 * which limit. An efficiency limit reads the step's E(N) interval: it fails
 * when the whole interval lies below the limit, and an interval that
 * straddles it is inconclusive (reported, failed only under --strict).
 * Against a baseline, a step fails only when its median throughput dropped
 * by more than the tolerance and the drop is significant: Mann-Whitney U
 * between the two reports' repetitions, p < 0.05. A gate that fails on
 * noise gets switched off. A report where nothing was measured is not gated at
 * all: "PASS (0 checks)" would be a gate that checked nothing.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "mann_whitney.h"
#include "message_text.h"
#include "report_figures.h"

gate_limits gate_limits_from_report(const report_doc *report)
{
    gate_limits limits = {.thresholds = report->gate, .tolerance = GATE_DEFAULT_TOLERANCE};
    return limits;
}

/* Where a check is added, and what it is about. */
typedef struct checker {
    gate_checks *checks;
    const report_model *model;
    const report_step *step;
    int out_of_memory;
} checker;

static void add(checker *c, int pass, const char *note, double figure, const char *limit,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void add(checker *c, int pass, const char *note, double figure, const char *limit,
                const char *fmt, ...)
{
    gate_checks *checks = c->checks;
    if (checks->n == checks->cap) {
        size_t cap = checks->cap != 0 ? checks->cap * 2 : 16;
        gate_check_result *bigger = realloc(checks->items, cap * sizeof(*bigger));
        if (bigger == NULL) {
            c->out_of_memory = 1;
            return;
        }
        checks->items = bigger;
        checks->cap = cap;
    }
    gate_check_result *r = &checks->items[checks->n];
    va_list ap;
    va_start(ap, fmt);
    int failed = vasprintf(&r->name, fmt, ap) < 0;
    va_end(ap);
    if (failed) {
        c->out_of_memory = 1;
        return;
    }
    /* Not 0, which would read as a figure: none, which every writer prints as "n/a". */
    r->figure = isfinite(figure) ? figure : NAN;
    snprintf(r->limit, sizeof(r->limit), "%s", limit);
    r->pass = pass;
    r->note = note;
    r->model = c->model;
    r->step = c->step;
    r->vs_baseline = 0;
    r->detail[0] = '\0';
    checks->n++;
    checks->failed += !pass;
}

static const report_model *find_model(const report_doc *report, const char *name)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        if (strcmp(report->models[i].name, name) == 0)
            return &report->models[i];
    }
    return NULL;
}

static const report_step *find_step(const report_doc *report, const char *model, long long servers)
{
    const report_model *m = find_model(report, model);
    for (size_t j = 0; m != NULL && j < m->nsteps; j++) {
        if (m->steps[j].servers == servers)
            return &m->steps[j];
    }
    return NULL;
}

/* Whether report is a complete run where something was measured; err says why not. */
static int measured(const report_doc *report, char *err, size_t errlen)
{
    const char *file = report->source;
    char name[96];
    if (strcmp(report->status, "complete") != 0) {
        snprintf(err, errlen, "%s: the run did not complete (status \"%s\"): nothing to gate", file,
                 report->status);
        return 0;
    }
    if (report->nmodels == 0) {
        snprintf(err, errlen, "%s: $.models is empty: nothing was measured, nothing to gate", file);
        return 0;
    }
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        message_escape(name, sizeof(name), m->name);
        if (m->nsteps == 0) {
            snprintf(err, errlen,
                     "%s: $.models[%zu].steps (model \"%s\") is empty: nothing was measured", file,
                     i, name);
            return 0;
        }
        for (size_t j = 0; j < m->nsteps; j++) {
            const report_step *s = &m->steps[j];
            /* E(N) is missing only where the analysis could not define it (no throughput at
             * the first step), and says so: that model's gate fails on its analysis. */
            int undefined = m->analysis.present && m->analysis.error != NULL;
            if (!s->has_summary || (!s->summary.has_efficiency && !undefined)) {
                snprintf(err, errlen,
                         "%s: $.models[%zu].steps[%zu] (model \"%s\") has no %s: a complete "
                         "report measured every step",
                         file, i, j, name, !s->has_summary ? "summary" : "efficiency");
                return 0;
            }
        }
        if (!m->analysis.present) {
            snprintf(err, errlen,
                     "%s: $.models[%zu].analysis (model \"%s\") is missing: a complete report "
                     "analysed every model",
                     file, i, name);
            return 0;
        }
    }
    return 1;
}

static int comparable(const report_doc *report, const report_doc *baseline, char *err,
                      size_t errlen)
{
    if (strcmp(report->name, baseline->name) == 0 && strcmp(report->route, baseline->route) == 0)
        return 1;
    char a[96], b[96], route_a[96], route_b[96];
    snprintf(err, errlen,
             "the baseline ran another scenario (\"%s\" %s, against \"%s\" %s): reports of "
             "different scenarios cannot be compared",
             message_escape(b, sizeof(b), baseline->name),
             message_escape(route_b, sizeof(route_b), baseline->route),
             message_escape(a, sizeof(a), report->name),
             message_escape(route_a, sizeof(route_a), report->route));
    return 0;
}

/* The last check added, for its detail; NULL when memory ran out adding it. */
static gate_check_result *last(checker *c)
{
    return c->out_of_memory ? NULL : &c->checks->items[c->checks->n - 1];
}

/*
 * The step's median throughput against the baseline's. A drop fails only when it is beyond the
 * tolerance and significant (p < GATE_SIGNIFICANCE, Mann-Whitney U over both reports'
 * repetitions): both figures are printed. A report without repetitions (an older schema) gives
 * nothing to test: a drop beyond the tolerance then fails, saying so.
 */
static void against_baseline(checker *c, const gate_limits *limits, const report_step *old)
{
    const report_summary *now = &c->step->summary, *was = &old->summary;
    double ratio = was->median > 0 ? now->median / was->median : 1;
    int beyond = ratio < 1 - limits->tolerance;
    mann_whitney test = {.p = 1};
    char why[128];
    int tested = c->step->nruns != 0 && old->nruns != 0 &&
                 mann_whitney_test(c->step->runs, c->step->nruns, old->runs, old->nruns, &test, why,
                                   sizeof(why)) == 0;
    int significant = tested && test.p < GATE_SIGNIFICANCE;
    int pass = !beyond || (tested && !significant);
    char limit[32];
    snprintf(limit, sizeof(limit), ">= %.2f or p >= %.2f", 1 - limits->tolerance,
             GATE_SIGNIFICANCE);
    const char *note = !pass && tested ? "regressed: beyond tolerance and significant"
                       : !pass         ? "regressed beyond tolerance; no repetitions to test"
                       : ratio > 1 + limits->tolerance && significant ? "improved"
                       : beyond ? "dropped beyond tolerance, but not significantly"
                                : "";
    add(c, pass, note, ratio, limit, "throughput vs baseline %s %lld servers", c->model->name,
        c->step->servers);
    gate_check_result *r = last(c);
    if (r == NULL)
        return;
    r->vs_baseline = 1;
    /* A median against a baseline's tiny one: a change no double holds. */
    char change[64];
    report_number_text(change, sizeof(change), "%+.1f%%", (ratio - 1) * 100);
    if (tested)
        snprintf(r->detail, sizeof(r->detail),
                 "median %s, Mann-Whitney p = %.3g (%zu vs %zu repetitions)", change, test.p,
                 c->step->nruns, old->nruns);
    else
        snprintf(r->detail, sizeof(r->detail), "median %s, untested", change);
}

/*
 * E(N) against min_efficiency, through its interval where the report has one: below when the
 * whole interval is, inconclusive when it straddles the limit (a pass, unless strict).
 */
static void efficiency_check(checker *c, const gate_limits *limits)
{
    const report_summary *s = &c->step->summary;
    double min = limits->thresholds.min_efficiency;
    char limit[32];
    snprintf(limit, sizeof(limit), ">= %.2f", min);
    int below =
        s->efficiency_ci.present ? s->efficiency_ci.hi < min - 1e-9 : s->efficiency < min - 1e-9;
    int straddles = s->efficiency_ci.present && !below && s->efficiency_ci.lo < min - 1e-9;
    add(c, !below && !(straddles && limits->strict),
        straddles ? "inconclusive: the 95% interval straddles the limit" : "", s->efficiency, limit,
        "efficiency %s %lld servers", c->model->name, c->step->servers);
    gate_check_result *r = last(c);
    if (r != NULL && s->efficiency_ci.present)
        snprintf(r->detail, sizeof(r->detail), "95%% interval [%.3f, %.3f]", s->efficiency_ci.lo,
                 s->efficiency_ci.hi);
}

static void check_step(checker *c, const gate_limits *limits, const report_doc *baseline)
{
    const scenario_gate *t = &limits->thresholds;
    const report_summary *s = &c->step->summary;
    const char *model = c->model->name;
    long long n = c->step->servers;
    char limit[32];
    /* A disturbed step says what disturbed it: the figure is the machine's, not the system's. */
    add(c, s->valid,
        s->disturbed ? s->disturbed_flag
        : s->valid   ? ""
                     : "flagged: see the report",
        s->valid, "1 (valid)", "valid %s %lld servers", model, n);
    if (t->has_min_efficiency && s->has_efficiency)
        efficiency_check(c, limits);
    if (t->has_max_p99_ms) {
        snprintf(limit, sizeof(limit), "<= %.1f ms", t->max_p99_ms);
        add(c, s->p99_ms <= t->max_p99_ms, "", s->p99_ms, limit, "p99 %s %lld servers", model, n);
    }
    if (t->has_max_error_rate) {
        double attempts = s->requests + s->errors;
        double bad = s->errors + s->non2xx + s->failed_checks;
        /* Every figure is finite, but a sum of huge ones need not be. */
        double rate = attempts > 0 && isfinite(attempts) ? bad / attempts : 0;
        snprintf(limit, sizeof(limit), "<= %g", t->max_error_rate);
        add(c, rate <= t->max_error_rate, "", rate, limit, "error rate %s %lld servers", model, n);
    }
    const report_step *old = baseline != NULL ? find_step(baseline, model, n) : NULL;
    if (old != NULL)
        against_baseline(c, limits, old);
}

/* The model's analysis: one that could not be made fails, and so does a sigma limit that
 * has no fit to check. */
static void check_model(checker *c, const gate_limits *limits)
{
    const report_analysis *a = &c->model->analysis;
    c->step = NULL;
    if (a->error != NULL)
        add(c, 0, a->error, 0, "an analysis", "analysis %s", c->model->name);
    if (!limits->thresholds.has_max_sigma)
        return;
    char limit[32];
    snprintf(limit, sizeof(limit), "<= %.4f", limits->thresholds.max_sigma);
    if (a->usl.fitted)
        add(c, a->usl.sigma.value <= limits->thresholds.max_sigma, "", a->usl.sigma.value, limit,
            "sigma %s", c->model->name);
    else
        add(c, 0, *a->usl.note != '\0' ? a->usl.note : "no USL fit", 0, limit, "sigma %s",
            c->model->name);
}

/* Steps of the baseline that the report lacks: what was measured before and is not now. */
static void check_missing(checker *c, const report_doc *report, const report_doc *baseline)
{
    for (size_t i = 0; i < baseline->nmodels; i++) {
        const report_model *m = &baseline->models[i];
        c->model = find_model(report, m->name);
        c->step = NULL;
        for (size_t j = 0; j < m->nsteps; j++) {
            if (c->model == NULL || find_step(report, m->name, m->steps[j].servers) == NULL)
                add(c, 0, "in the baseline only: not measured", 0, "measured",
                    "throughput vs baseline %s %lld servers", m->name, m->steps[j].servers);
        }
    }
}

int gate_check(gate_checks *checks, const report_doc *report, const report_doc *baseline,
               const gate_limits *limits, char *err, size_t errlen)
{
    memset(checks, 0, sizeof(*checks));
    if (!measured(report, err, errlen) ||
        (baseline != NULL &&
         (!measured(baseline, err, errlen) || !comparable(report, baseline, err, errlen))))
        return -1;
    checker c = {.checks = checks};
    for (size_t i = 0; i < report->nmodels; i++) {
        c.model = &report->models[i];
        for (size_t j = 0; j < c.model->nsteps; j++) {
            c.step = &c.model->steps[j];
            check_step(&c, limits, baseline);
        }
        check_model(&c, limits);
    }
    if (baseline != NULL)
        check_missing(&c, report, baseline);
    if (c.out_of_memory) {
        gate_checks_free(checks);
        snprintf(err, errlen, "out of memory for the gate's checks");
        return -1;
    }
    return 0;
}

void gate_checks_free(gate_checks *checks)
{
    for (size_t i = 0; i < checks->n; i++)
        free(checks->items[i].name);
    free(checks->items);
    memset(checks, 0, sizeof(*checks));
}

/* s escaped for the terminal, padded with spaces to width. */
static void cell(FILE *out, const char *s, size_t width)
{
    for (size_t n = message_print(out, s); n < width; n++)
        fputc(' ', out);
}

void gate_print(FILE *out, const gate_checks *checks)
{
    fprintf(out, "%-46s %10s %20s  %s\n", "gate", "figure", "limit", "result");
    for (size_t i = 0; i < checks->n; i++) {
        const gate_check_result *c = &checks->items[i];
        cell(out, c->name, 46);
        char figure[64];
        fprintf(out, " %10s %20s  %s%s",
                report_number_text(figure, sizeof(figure), "%.3f", c->figure), c->limit,
                c->pass ? "PASS" : "FAIL", *c->note ? " - " : "");
        message_print(out, c->note);
        if (*c->detail != '\0')
            fprintf(out, " (%s)", c->detail);
        fputc('\n', out);
    }
    if (checks->failed != 0)
        fprintf(out, "gate: FAIL (%zu of %zu checks failed)\n", checks->failed, checks->n);
    else
        fprintf(out, "gate: PASS (%zu checks)\n", checks->n);
}

static const gate_check_result *baseline_check_of(const gate_checks *checks,
                                                  const report_step *step)
{
    for (size_t i = 0; i < checks->n; i++) {
        if (checks->items[i].vs_baseline && checks->items[i].step == step)
            return &checks->items[i];
    }
    return NULL;
}

/* B/A in a column of width, "-" where it is no number: A unknown or 0 (a ratio to nothing is
 * not 0), or the ratio beyond what a double holds (figures at the ends of one). */
static void ratio_cell(FILE *out, int known, double a, double b, int width)
{
    double ratio = known && a > 0 ? b / a : NAN;
    if (isfinite(ratio))
        fprintf(out, " %*.2f", width, ratio);
    else
        fprintf(out, " %*s", width, "-");
}

/* A step's requests per server CPU-second in a column, "-" when unknown. */
static void per_cpu_cell(FILE *out, const report_step *s)
{
    const report_step_resources *r = s != NULL ? &s->summary.resources : NULL;
    if (r != NULL && r->present && r->has_requests_per_cpu_s)
        fprintf(out, " %12.0f", r->requests_per_cpu_s);
    else
        fprintf(out, " %12s", "-");
}

/* Both steps' requests per CPU-second and their ratio B/A, "-" where either is unknown. */
static void per_cpu_cells(FILE *out, const report_step *old, const report_step *now)
{
    per_cpu_cell(out, old);
    per_cpu_cell(out, now);
    const report_step_resources *a = old != NULL ? &old->summary.resources : NULL,
                                *b = now != NULL ? &now->summary.resources : NULL;
    int known = a != NULL && b != NULL && a->present && b->present && a->has_requests_per_cpu_s &&
                b->has_requests_per_cpu_s;
    ratio_cell(out, known, known ? a->requests_per_cpu_s : 0, known ? b->requests_per_cpu_s : 0, 7);
}

static void only_in(FILE *out, const char *model, const report_step *s, const char *side,
                    int per_cpu)
{
    int in_a = strcmp(side, "A") == 0;
    cell(out, model, 10);
    if (in_a)
        fprintf(out, " %7lld %12.0f %12s %7s", s->servers, s->summary.median, "-", "-");
    else
        fprintf(out, " %7lld %12s %12.0f %7s", s->servers, "-", s->summary.median, "-");
    if (per_cpu)
        per_cpu_cells(out, in_a ? s : NULL, in_a ? NULL : s);
    fprintf(out, "  only in %s\n", side);
}

void gate_print_comparison(FILE *out, const report_doc *a, const report_doc *b,
                           const gate_checks *checks)
{
    /* Requests per CPU-second only when both sides measured the servers' CPU. */
    int per_cpu = report_has_resources(a) && report_has_resources(b);
    fprintf(out, "%-10s %7s %12s %12s %7s", "model", "servers", "A req/s", "B req/s", "B/A");
    if (per_cpu)
        fprintf(out, " %12s %12s %7s", "A req/CPU-s", "B req/CPU-s", "B/A");
    fprintf(out, "  %s\n", "judgement");
    for (size_t i = 0; i < b->nmodels; i++) {
        const report_model *m = &b->models[i];
        for (size_t j = 0; j < m->nsteps; j++) {
            const report_step *now = &m->steps[j], *old = find_step(a, m->name, now->servers);
            if (old == NULL) {
                only_in(out, m->name, now, "B", per_cpu);
                continue;
            }
            const gate_check_result *c = baseline_check_of(checks, now);
            double before = old->summary.median, after = now->summary.median;
            cell(out, m->name, 10);
            fprintf(out, " %7lld %12.0f %12.0f", now->servers, before, after);
            ratio_cell(out, 1, before, after, 7);
            if (per_cpu)
                per_cpu_cells(out, old, now);
            fprintf(out, "  %s\n",
                    c == NULL  ? "-"
                    : !c->pass ? "REGRESSED"
                    : *c->note ? c->note
                               : "same, within tolerance");
            if (c != NULL && *c->detail != '\0')
                fprintf(out, "%*s(%s)\n", per_cpu ? 87 : 53, "", c->detail);
        }
    }
    for (size_t i = 0; i < a->nmodels; i++) {
        const report_model *m = &a->models[i];
        for (size_t j = 0; j < m->nsteps; j++) {
            if (find_step(b, m->name, m->steps[j].servers) == NULL)
                only_in(out, m->name, &m->steps[j], "A", per_cpu);
        }
    }
    if (per_cpu)
        fputs("req/CPU-s: requests per server CPU-second, the figure that stays steady on a "
              "noisy machine (throughput moves with whatever else runs; the work per request "
              "does not)\n",
              out);
}
