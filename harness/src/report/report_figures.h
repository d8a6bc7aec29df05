/*
 * report_figures.h - a step's figures as the terminal table, Markdown and
 * HTML print them (report_figures.c), so that the three say the same: the
 * median with its 95% interval where the report has one, else with the
 * min-max range of older reports; the resources the servers used; where the
 * lost throughput went; the balancer's figures. A ratio, share or sum that
 * no double holds reads "n/a", never "inf" or "nan".
 */
#ifndef TWICE_REPORT_FIGURES_H
#define TWICE_REPORT_FIGURES_H

#include <stddef.h>
#include <stdio.h>

#include "report_read.h"

/**
 * x with format (one conversion of a double, "%.0f"), or "n/a" where x is no number: a ratio to
 * nothing, or a sum, product or share of figures at the ends of what a double holds, which a
 * report may carry and no writer may print as "inf" or "nan". Returns buf.
 */
char *report_number_text(char *buf, size_t len, const char *format, double x);
/** fraction as a percentage with decimals ("42%", "5.3%"), "n/a" where it is none. */
char *report_percent_text(char *buf, size_t len, double fraction, int decimals);
/** A step's errors and non-2xx responses together, "12", or "n/a"; returns buf. */
char *report_errors_text(char *buf, size_t len, const report_summary *s);

/** The column's heading for a step's throughput in report. */
const char *report_throughput_heading(const report_doc *report);
/** "1000 [990-1010]" (95% interval) or "1000 (990-1010)" (min-max) into buf; returns buf. */
char *report_throughput_text(char *buf, size_t len, const report_summary *s);
/** "0.85 [0.78-0.88]", "0.85" without an interval, or "-" without E(N); returns buf. */
char *report_efficiency_text(char *buf, size_t len, const report_summary *s);

/**
 * The fit in words and figures, for every writer: "sigma 0.0512 [0.0401, 0.0623], kappa ...,
 * lambda 1000 [990, 1010] req/s, residual SE 12.3, peak 14.2 [12.1, 16.3] servers", with the
 * names the writer gives (plain, or Greek letters). Only figures and the names: nothing from
 * the report's strings, so nothing to escape. Returns buf.
 */
typedef struct report_usl_names {
    const char *sigma, *kappa, *lambda;
} report_usl_names;
char *report_usl_text(char *buf, size_t len, const report_usl *usl, const report_usl_names *names);

/**
 * "X(16) predicted 5123 [4800, 5400]; measured 5010: held" (figures only: the writer adds
 * the prediction's note, escaped), or "X(16): no prediction". Returns buf.
 */
char *report_prediction_text(char *buf, size_t len, const report_prediction *p);

/** The balancer's CPU, "42%" of its core, or "-" when not measured; returns buf. */
char *report_front_cpu_text(char *buf, size_t len, const report_front *f);
/** The spread of the servers' requests, "5.3%", or "-" when there is none; returns buf. */
char *report_front_spread_text(char *buf, size_t len, const report_front *f);
/** What the front counted per server over the step's runs, "1200, 1180"; 0 when nothing. */
int report_server_requests_print(FILE *out, const report_step *step);
/**
 * What a step's balancer saw, figures only (the writer adds the front's name and balance,
 * escaped): "CPU 42% of its core; requests per server 1200, 1180; spread 1.7%", each part only
 * where the report has it ("CPU not measured" where it could not be: the writer adds why,
 * escaped, from cpu_unmeasured). Returns 0 when it has none of them (nothing written).
 */
int report_front_figures(FILE *out, const report_step *step);
/** Whether any step of report carries resources (and any a breakdown): writers add their
 * columns and sections only then, so that an older report reads as it always did. */
int report_has_resources(const report_doc *report);
int report_has_breakdown(const report_doc *report);

/** The part in words ("front imbalance"). */
const char *report_loss_part_label(report_loss_part part);
/** The largest peak RSS of the step's servers, in bytes. */
double report_largest_rss(const report_step_resources *r);
/** The step's requests per server CPU-second, "25000", or "-" when unknown; returns buf. */
char *report_requests_per_cpu_text(char *buf, size_t len, const report_step_resources *r);
/**
 * "CPU 8.00 s per window (user 5.60, system 2.40), peak RSS 14.3 MiB (largest server), 22250
 * requests per CPU-second"; returns buf.
 */
char *report_resources_text(char *buf, size_t len, const report_step_resources *r);
/**
 * "lost 11%: front imbalance 9%, system 2%; largest: front imbalance, 82% of the loss": each
 * part that lost anything as a share of the ideal, largest first ("<1%" for a part below 1%:
 * escape it for markup); returns buf.
 */
char *report_breakdown_text(char *buf, size_t len, const report_breakdown *b);
/** Whether any step of report has a super-linear gain explained (summary.gain). */
int report_has_gain(const report_doc *report);
/** "gained 49% over N times X(1): EVIDENCE" for a step's gain, into buf. */
char *report_gain_text(char *buf, size_t len, const report_gain *g);
/** One line per step with a gain, "MODEL, N servers: GAIN TEXT" between before and after,
 * every string from the report written through escape (the format's own). */
void report_gain_lines(FILE *out, const report_doc *report, const char *before, const char *after,
                       void (*escape)(FILE *out, const char *s));
/* How long a target's command may be where a table shows it. */
#define REPORT_COMMAND_SHOWN 72
/**
 * What a target ran, short, for the line each writer prints once per target: "twice-app
 * thread", or the command (cut to REPORT_COMMAND_SHOWN bytes, "..." marking the cut) and
 * "(in FOLDER)". Strings from the report: the writer escapes the result. Returns buf.
 */
char *report_target_text(char *buf, size_t len, const report_target *t);
/** 1 when some model of report says what target it ran. */
int report_has_targets(const report_doc *report);
/** What a step without a summary shows in each figure's column: no figure at all. */
#define REPORT_NO_FIGURE "—"

#endif
