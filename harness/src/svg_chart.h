/*
 * svg_chart.h - line charts as inline SVG (svg_chart.c), for the HTML
 * report: drawn here, so the report needs no script and fetches nothing.
 */
#ifndef TWICE_SVG_CHART_H
#define TWICE_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>

#define CHART_MAX_SERIES 12
#define CHART_MAX_POINTS 128

typedef struct chart_series {
    const char *label;
    double x[CHART_MAX_POINTS], y[CHART_MAX_POINTS];
    size_t n;
    int dashed;
    const char *color;
} chart_series;

typedef struct chart {
    const char *title, *x_label, *y_label;
    chart_series series[CHART_MAX_SERIES];
    size_t nseries;
} chart;

/** Adds a series to c and returns it (NULL when full). The label must outlive c. */
chart_series *chart_add(chart *c, const char *label, const char *color, int dashed);
void chart_point(chart_series *s, double x, double y);
/** Writes c as an <svg> element with axes, ticks, a polyline per series and a legend. */
void chart_write_svg(FILE *out, const chart *c);

#endif
