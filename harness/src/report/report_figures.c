/*
 * report_figures.c - see report_figures.h.
 */
#include <stdio.h>

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
