/*
 * report_figures.c - see report_figures.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report_figures.h"

const char *report_throughput_heading(const report_doc *report)
{
    return *report->interval != '\0' ? "throughput req/s [95% CI]" : "throughput req/s (min-max)";
}

char *report_throughput_text(char *buf, size_t len, const report_summary *s)
{
    if (s->ci.present)
        snprintf(buf, len, "%.0f [%.0f-%.0f]", s->median, s->ci.lo, s->ci.hi);
    else
        snprintf(buf, len, "%.0f (%.0f-%.0f)", s->median, s->min, s->max);
    return buf;
}

char *report_efficiency_text(char *buf, size_t len, const report_summary *s)
{
    if (!s->has_efficiency)
        snprintf(buf, len, "-");
    else if (s->efficiency_ci.present)
        snprintf(buf, len, "%.2f [%.2f-%.2f]", s->efficiency, s->efficiency_ci.lo,
                 s->efficiency_ci.hi);
    else
        snprintf(buf, len, "%.2f", s->efficiency);
    return buf;
}

/* Appends to buf, which holds used bytes. */
static void append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

static void estimate(char *buf, size_t len, const char *name, const char *format,
                     const report_estimate *e)
{
    char value[64];
    snprintf(value, sizeof(value), format, e->value);
    append(buf, len, "%s %s", name, value);
    if (e->ci.present) {
        char lo[64], hi[64];
        snprintf(lo, sizeof(lo), format, e->ci.lo);
        snprintf(hi, sizeof(hi), format, e->ci.hi);
        append(buf, len, " [%s, %s]", lo, hi);
    }
}

char *report_usl_text(char *buf, size_t len, const report_usl *usl, const report_usl_names *names)
{
    *buf = '\0';
    estimate(buf, len, names->sigma, "%.4g", &usl->sigma);
    append(buf, len, "%s, ", usl->super_linear ? " (super-linear)" : "");
    estimate(buf, len, names->kappa, "%.4g", &usl->kappa);
    append(buf, len, "%s, ", usl->amdahl ? " (Amdahl: fixed at 0)" : "");
    estimate(buf, len, names->lambda, "%.0f", &usl->lambda);
    append(buf, len, " req/s");
    if (usl->has_residual_se)
        append(buf, len, ", residual SE %.4g req/s", usl->residual_se);
    if (usl->has_peak) {
        append(buf, len, ", ");
        estimate(buf, len, "peak at", "%.1f", &usl->peak_servers);
        append(buf, len, " servers");
    }
    return buf;
}

char *report_prediction_text(char *buf, size_t len, const report_prediction *p)
{
    *buf = '\0';
    if (!p->has_value)
        append(buf, len, "X(%lld): no prediction", p->servers);
    else
        append(buf, len, "X(%lld) predicted %.0f", p->servers, p->value);
    if (p->has_value && p->pi.present)
        append(buf, len, ", 95%% prediction interval [%.0f, %.0f]", p->pi.lo, p->pi.hi);
    if (p->measured)
        append(buf, len, "; measured %.0f", p->median);
    if (p->has_held)
        append(buf, len, ": %s", p->held ? "held" : "did not hold");
    return buf;
}

char *report_target_text(char *buf, size_t len, const report_target *t)
{
    if (t->command == NULL) {
        snprintf(buf, len, "%s %s", t->kind, t->model);
        return buf;
    }
    size_t command_len = strlen(t->command);
    int cut = command_len > REPORT_COMMAND_SHOWN;
    snprintf(buf, len, "%.*s%s", cut ? REPORT_COMMAND_SHOWN - 3 : (int)command_len, t->command,
             cut ? "..." : "");
    if (t->cwd != NULL)
        append(buf, len, " (in %s)", t->cwd);
    return buf;
}

int report_has_targets(const report_doc *report)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        if (report->models[i].target.present)
            return 1;
    }
    return 0;
}
