/*
 * svg_chart.h - line charts and stacked bar charts as inline SVG
 * (svg_chart.c), for the HTML report: drawn here, so the report needs no
 * script and fetches nothing. A line chart holds any number of series of
 * any number of points, and draws any finite values (5e-324 and 1.75e308
 * alike) in output of bounded size. A point may carry an error bar (a 95%
 * interval, say). A bar chart holds any number of bars, each a stack of
 * segments of the chart's kinds (a legend entry each); every segment has a
 * title that names its bar, its kind, its value and its share of the bar.
 */
#ifndef TWICE_SVG_CHART_H
#define TWICE_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>

typedef struct chart_series {
    char *label;       /* owned */
    const char *color; /* static */
    int dashed;
    double *x, *y;   /* n points, owned */
    double *lo, *hi; /* each point's error bar, owned; NaN where it has none */
    size_t n, cap;
} chart_series;

typedef struct chart {
    const char *title, *x_label, *y_label; /* static */
    chart_series *series;
    size_t nseries, cap;
    int out_of_memory; /* a series or a point could not be kept: writing fails */
} chart;

/** Adds a series labelled by fmt to c; returns its index for chart_point(). */
size_t chart_add(chart *c, const char *color, int dashed, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/** Adds a point to series s of c; a point that is not finite is left out. */
void chart_point(chart *c, size_t s, double x, double y);
/** The same with an error bar from lo to hi (drawn when both are finite). */
void chart_point_range(chart *c, size_t s, double x, double y, double lo, double hi);
/** Writes c as an <svg> element with axes, ticks, a polyline per series and a legend; 0, or
 * -1 when memory ran out while c was built. */
int chart_write_svg(FILE *out, const chart *c);
void chart_free(chart *c);

typedef struct chart_bar {
    char *label;    /* owned: under the bar and in its segments' titles */
    double *values; /* one per kind of the chart, owned; 0 where the bar has none */
} chart_bar;

typedef struct bar_chart {
    const char *title, *x_label, *y_label; /* the caller's, alive while the chart is written */
    const char *unit;                      /* of the values, for the segments' titles */
    const char *const *kind_labels;        /* nkinds of them: the legend, in stacking order */
    const char *const *kind_colors;
    size_t nkinds;
    chart_bar *bars;
    size_t nbars, cap;
    int out_of_memory; /* a bar could not be kept: writing fails */
} bar_chart;

/** Adds a bar labelled by fmt to c (whose kinds are set); returns its index. */
size_t bar_chart_add(bar_chart *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Sets the segment of kind in bar to value; a value that is not finite and > 0 is left out. */
void bar_chart_value(bar_chart *c, size_t bar, size_t kind, double value);
/** Writes c as an <svg> element with a y axis from 0, a stacked bar per bar (bottom to top in
 * the kinds' order) and a legend; 0, or -1 when memory ran out while c was built. */
int bar_chart_write_svg(FILE *out, const bar_chart *c);
void bar_chart_free(bar_chart *c);

#endif
