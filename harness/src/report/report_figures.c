/*
 * report_figures.c - see report_figures.h.
 */
#include <math.h>
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

int report_front_figures(FILE *out, const report_step *step)
{
    const report_front *f = &step->summary.front;
    const char *sep = "";
    if (f->has_cpu) {
        fprintf(out, "CPU %.0f%% of its core", f->cpu * 100);
        sep = "; ";
    }
    if (step->nservers_counted > 0) {
        fprintf(out, "%srequests per server ", sep);
        for (size_t i = 0; i < step->nservers_counted; i++)
            fprintf(out, "%s%.0f", i ? ", " : "", step->server_requests[i]);
        sep = "; ";
    }
    if (f->has_spread)
        fprintf(out, "%sspread %.1f%%", sep, f->spread * 100);
    return f->has_cpu || step->nservers_counted > 0 || f->has_spread;
}

int report_has_resources(const report_doc *report)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            if (report->models[i].steps[j].summary.resources.present)
                return 1;
        }
    }
    return 0;
}

int report_has_breakdown(const report_doc *report)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            if (report->models[i].steps[j].summary.breakdown.present)
                return 1;
        }
    }
    return 0;
}

const char *report_loss_part_label(report_loss_part part)
{
    static const char *const labels[REPORT_LOSS_PARTS] = {
        [REPORT_LOSS_FRONT_IMBALANCE] = "front imbalance",
        [REPORT_LOSS_THROTTLING] = "throttling",
        [REPORT_LOSS_CPU_STARVATION] = "CPU starvation",
        [REPORT_LOSS_LOAD_GENERATOR] = "load generator",
        [REPORT_LOSS_SHARED_SERVICE] = "shared service",
        [REPORT_LOSS_SYSTEM] = "system",
    };
    return part < REPORT_LOSS_PARTS ? labels[part] : "unknown";
}

double report_largest_rss(const report_step_resources *r)
{
    double largest = 0;
    for (size_t i = 0; i < r->nservers; i++)
        largest = fmax(largest, r->servers[i].peak_rss_bytes);
    return largest;
}

char *report_requests_per_cpu_text(char *buf, size_t len, const report_step_resources *r)
{
    if (r->present && r->has_requests_per_cpu_s)
        snprintf(buf, len, "%.0f", r->requests_per_cpu_s);
    else
        snprintf(buf, len, "-");
    return buf;
}

char *report_resources_text(char *buf, size_t len, const report_step_resources *r)
{
    double user = 0, system = 0;
    for (size_t i = 0; i < r->nservers; i++) {
        user += r->servers[i].cpu_user_s;
        system += r->servers[i].cpu_system_s;
    }
    char per_cpu[64];
    snprintf(buf, len,
             "CPU %.2f s per window (user %.2f, system %.2f), peak RSS %.1f MiB (largest "
             "server), %s requests per CPU-second",
             r->cpu_s, user, system, report_largest_rss(r) / 1048576,
             report_requests_per_cpu_text(per_cpu, sizeof(per_cpu), r));
    return buf;
}

/* share of whole as a whole percentage; "<1%" for a share that is not 0 but below 1%. */
static const char *percent(char *buf, size_t len, double share, double whole)
{
    double p = whole > 0 ? 100 * (share / whole) : 0; /* 100 * share may overflow */
    if (share > 0 && p < 1)                           /* even when share / whole underflows to 0 */
        snprintf(buf, len, "<1%%");
    else
        snprintf(buf, len, "%.0f%%", p);
    return buf;
}

char *report_breakdown_text(char *buf, size_t len, const report_breakdown *b)
{
    char share[16];
    *buf = '\0';
    append(buf, len, "lost %s", percent(share, sizeof(share), b->lost, b->ideal));
    /* Largest first: a selection over five parts, ties in the report's order. */
    int shown[REPORT_LOSS_PARTS] = {0};
    const char *sep = ": ";
    for (;;) {
        int next = -1;
        for (int p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (!shown[p] && b->parts[p].present && b->parts[p].lost > 0 &&
                (next < 0 || b->parts[p].lost > b->parts[next].lost))
                next = p;
        }
        if (next < 0)
            break;
        shown[next] = 1;
        append(buf, len, "%s%s %s", sep, report_loss_part_label((report_loss_part)next),
               percent(share, sizeof(share), b->parts[next].lost, b->ideal));
        sep = ", ";
    }
    if (b->lost > 0)
        append(buf, len, "; largest: %s, %s of the loss", report_loss_part_label(b->largest),
               percent(share, sizeof(share), b->parts[b->largest].lost, b->lost));
    return buf;
}
