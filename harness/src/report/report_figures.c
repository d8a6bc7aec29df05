/*
 * report_figures.c - see report_figures.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "message_text.h"
#include "report_figures.h"

char *report_number_text(char *buf, size_t len, const char *format, double x)
{
    if (isfinite(x))
        snprintf(buf, len, format, x);
    else
        snprintf(buf, len, "n/a");
    return buf;
}

char *report_percent_text(char *buf, size_t len, double fraction, int decimals)
{
    double percent = 100 * fraction;
    if (isfinite(percent))
        snprintf(buf, len, "%.*f%%", decimals, percent);
    else
        snprintf(buf, len, "n/a");
    return buf;
}

char *report_errors_text(char *buf, size_t len, const report_summary *s)
{
    return report_number_text(buf, len, "%.0f", s->errors + s->non2xx);
}

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

static void estimate(char *buf, size_t len, const char *name, const char *format,
                     const report_estimate *e)
{
    char value[64];
    snprintf(value, sizeof(value), format, e->value);
    message_append(buf, len, "%s %s", name, value);
    if (e->ci.present) {
        char lo[64], hi[64];
        snprintf(lo, sizeof(lo), format, e->ci.lo);
        snprintf(hi, sizeof(hi), format, e->ci.hi);
        message_append(buf, len, " [%s, %s]", lo, hi);
    }
}

char *report_usl_text(char *buf, size_t len, const report_usl *usl, const report_usl_names *names)
{
    *buf = '\0';
    estimate(buf, len, names->sigma, "%.4g", &usl->sigma);
    message_append(buf, len, "%s, ", usl->super_linear ? " (super-linear)" : "");
    estimate(buf, len, names->kappa, "%.4g", &usl->kappa);
    message_append(buf, len, "%s, ", usl->amdahl ? " (Amdahl: fixed at 0)" : "");
    estimate(buf, len, names->lambda, "%.0f", &usl->lambda);
    message_append(buf, len, " req/s");
    if (usl->has_residual_se)
        message_append(buf, len, ", residual SE %.4g req/s", usl->residual_se);
    if (usl->has_peak) {
        message_append(buf, len, ", ");
        estimate(buf, len, "peak at", "%.1f", &usl->peak_servers);
        message_append(buf, len, " servers");
    }
    return buf;
}

char *report_prediction_text(char *buf, size_t len, const report_prediction *p)
{
    *buf = '\0';
    if (!p->has_value)
        message_append(buf, len, "X(%lld): no prediction", p->servers);
    else
        message_append(buf, len, "X(%lld) predicted %.0f", p->servers, p->value);
    if (p->has_value && p->pi.present)
        message_append(buf, len, ", 95%% prediction interval [%.0f, %.0f]", p->pi.lo, p->pi.hi);
    if (p->measured)
        message_append(buf, len, "; measured %.0f", p->median);
    if (p->has_held)
        message_append(buf, len, ": %s", p->held ? "held" : "did not hold");
    return buf;
}

char *report_front_cpu_text(char *buf, size_t len, const report_front *f)
{
    if (f->has_cpu)
        return report_percent_text(buf, len, f->cpu, 0);
    snprintf(buf, len, "-");
    return buf;
}

char *report_front_spread_text(char *buf, size_t len, const report_front *f)
{
    if (f->has_spread)
        return report_percent_text(buf, len, f->spread, 1);
    snprintf(buf, len, "-");
    return buf;
}

int report_server_requests_print(FILE *out, const report_step *step)
{
    for (size_t i = 0; i < step->nservers_counted; i++)
        fprintf(out, "%s%.0f", i ? ", " : "", step->server_requests[i]);
    return step->nservers_counted > 0;
}

int report_front_figures(FILE *out, const report_step *step)
{
    const report_front *f = &step->summary.front;
    const char *sep = "";
    char percent[64];
    if (f->has_cpu) {
        fprintf(out, "CPU %s of its core", report_front_cpu_text(percent, sizeof(percent), f));
        sep = "; ";
    }
    if (f->cpu_unmeasured[0] != '\0') {
        fprintf(out, "%sCPU not measured", sep);
        sep = "; ";
    }
    if (step->nservers_counted > 0) {
        fprintf(out, "%srequests per server ", sep);
        report_server_requests_print(out, step);
        sep = "; ";
    }
    if (f->has_spread)
        fprintf(out, "%sspread %s", sep, report_front_spread_text(percent, sizeof(percent), f));
    return *sep != '\0' || f->has_spread;
}

/* Whether any step of report has what has says its summary has. */
static int any_step(const report_doc *report, int (*has)(const report_summary *s))
{
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            if (has(&report->models[i].steps[j].summary))
                return 1;
        }
    }
    return 0;
}

static int has_resources(const report_summary *s)
{
    return s->resources.present;
}

static int has_breakdown(const report_summary *s)
{
    return s->breakdown.present;
}

static int has_gain(const report_summary *s)
{
    return s->gain.present;
}

int report_has_resources(const report_doc *report)
{
    return any_step(report, has_resources);
}

int report_has_breakdown(const report_doc *report)
{
    return any_step(report, has_breakdown);
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
    char per_cpu[64], user_text[64], system_text[64];
    snprintf(buf, len,
             "CPU %.2f s per window (user %s, system %s), peak RSS %.1f MiB (largest "
             "server), %s requests per CPU-second",
             r->cpu_s, report_number_text(user_text, sizeof(user_text), "%.2f", user),
             report_number_text(system_text, sizeof(system_text), "%.2f", system),
             report_largest_rss(r) / 1048576,
             report_requests_per_cpu_text(per_cpu, sizeof(per_cpu), r));
    return buf;
}

/* A share of whole in percent (100 * share may overflow, share / whole may underflow to 0), or
 * NaN where there is none: a share of nothing, or beyond what a double holds (a loss within the
 * reader's rounding of a tiny ideal). */
static double percent_of(double share, double whole)
{
    double percent = whole > 0 ? 100 * (share / whole) : NAN;
    return isfinite(percent) ? percent : NAN;
}

/* A whole percentage, "<1%" for one that shows as 0 but is not, "n/a" for none. */
static const char *percent_text(char *buf, size_t len, double shown, double share)
{
    if (share > 0 && shown < 1)
        snprintf(buf, len, "<1%%");
    else
        report_percent_text(buf, len, shown / 100, 0);
    return buf;
}

/* Whether part p takes a point (up) or gives one before part q: by its fraction, then, on a
 * tie, the larger part takes and the smaller gives, so that their order stays as listed. */
static int before(const report_breakdown *b, const double *fraction, int up, int p, int q)
{
    double by = up ? fraction[p] - fraction[q] : fraction[q] - fraction[p];
    double size = up ? b->parts[p].lost - b->parts[q].lost : b->parts[q].lost - b->parts[p].lost;
    return by > 0 || (by == 0 && size > 0);
}

/*
 * The parts' whole percentages of the ideal, adding up to the loss's own (rounded on its own,
 * they need not: 3.34 + 3.33 + 3.33 shows as 3% + 3% + 3% of a 10% loss). Largest remainder:
 * each part gets its share rounded down, and the points still missing go one each to the
 * parts with the largest fractions (a point too many, where the parts' sum is above the loss
 * within the reader's rounding, comes off the smallest).
 */
static void part_percents(const report_breakdown *b, double total, double *shown)
{
    double fraction[REPORT_LOSS_PARTS], missing = total;
    for (int p = 0; p < REPORT_LOSS_PARTS; p++) {
        double exact = b->parts[p].present ? percent_of(b->parts[p].lost, b->ideal) : 0;
        shown[p] = floor(exact);
        fraction[p] = exact - shown[p];
        missing -= shown[p];
    }
    /* More points missing than there are parts: the parts do not add up to the loss to the
     * percent (within the reader's rounding of a tiny ideal), and no rounding can make them.
     * None at all (a share with no percentage, NaN): nothing to hand out either, and a NaN
     * never reaches 0. */
    if (!(fabs(missing) <= REPORT_LOSS_PARTS))
        return;
    int had_turn[REPORT_LOSS_PARTS] = {0}, turns = 0;
    while (missing != 0) {
        int up = missing > 0, pick = -1;
        for (int p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (had_turn[p] || !b->parts[p].present || b->parts[p].lost <= 0 ||
                (!up && shown[p] < 1))
                continue;
            if (pick < 0 || before(b, fraction, up, p, pick))
                pick = p;
        }
        if (pick < 0 && turns == 0)
            break;      /* no part can take a point */
        if (pick < 0) { /* every part that could had one: another round */
            memset(had_turn, 0, sizeof(had_turn));
            turns = 0;
            continue;
        }
        shown[pick] += up ? 1 : -1;
        missing += up ? -1 : 1;
        had_turn[pick] = 1;
        turns++;
    }
}

char *report_breakdown_text(char *buf, size_t len, const report_breakdown *b)
{
    char share[16];
    double total = round(percent_of(b->lost, b->ideal)), shown[REPORT_LOSS_PARTS];
    part_percents(b, total, shown);
    *buf = '\0';
    message_append(buf, len, "lost %s", percent_text(share, sizeof(share), total, b->lost));
    /* Largest first: a selection over five parts, ties in the report's order. */
    int listed[REPORT_LOSS_PARTS] = {0};
    const char *sep = ": ";
    for (;;) {
        int next = -1;
        for (int p = 0; p < REPORT_LOSS_PARTS; p++) {
            if (!listed[p] && b->parts[p].present && b->parts[p].lost > 0 &&
                (next < 0 || b->parts[p].lost > b->parts[next].lost))
                next = p;
        }
        if (next < 0)
            break;
        listed[next] = 1;
        message_append(buf, len, "%s%s %s", sep, report_loss_part_label((report_loss_part)next),
               percent_text(share, sizeof(share), shown[next], b->parts[next].lost));
        sep = ", ";
    }
    if (b->lost > 0) {
        double largest = b->parts[b->largest].lost;
        message_append(buf, len, "; largest: %s, %s of the loss", report_loss_part_label(b->largest),
               percent_text(share, sizeof(share), round(percent_of(largest, b->lost)), largest));
    }
    return buf;
}

int report_has_gain(const report_doc *report)
{
    return any_step(report, has_gain);
}

void report_gain_lines(FILE *out, const report_doc *report, const char *before, const char *after,
                       void (*escape)(FILE *out, const char *s))
{
    for (size_t i = 0; i < report->nmodels; i++) {
        const report_model *m = &report->models[i];
        for (size_t j = 0; j < m->nsteps; j++) {
            char line[1024];
            if (!m->steps[j].summary.gain.present)
                continue;
            fputs(before, out);
            escape(out, m->name);
            fprintf(out, ", %lld servers: ", m->steps[j].servers);
            escape(out, report_gain_text(line, sizeof(line), &m->steps[j].summary.gain));
            fputs(after, out);
        }
    }
}

char *report_gain_text(char *buf, size_t len, const report_gain *g)
{
    char share[16];
    double shown = round(percent_of(g->gained, g->ideal));
    snprintf(buf, len, "gained %s over N times X(1): %s",
             percent_text(share, sizeof(share), shown, g->gained), g->evidence);
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
        message_append(buf, len, " (in %s)", t->cwd);
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
