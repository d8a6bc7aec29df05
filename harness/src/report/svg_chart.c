/*
 * svg_chart.c - see svg_chart.h. Axes start at zero, so that a line that
 * bends away from the linear ideal looks as far from it as it is. Every
 * coordinate is a value's fraction of the axis' top (never value times a
 * scale, which overflows for tiny tops), and ticks are counted, not stepped
 * to: whatever the values, a chart has a handful of ticks.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "markup.h"
#include "svg_chart.h"

#define WIDTH 640
#define HEIGHT 360
#define LEFT 70
#define RIGHT 170
#define TOP 40
#define BOTTOM 50
#define MAX_TICKS 20

size_t chart_add(chart *c, const char *color, int dashed, const char *fmt, ...)
{
    if (c->nseries == c->cap) {
        size_t cap = c->cap != 0 ? c->cap * 2 : 8;
        chart_series *bigger = realloc(c->series, cap * sizeof(*bigger));
        if (bigger == NULL) {
            c->out_of_memory = 1;
            return (size_t)-1;
        }
        c->series = bigger;
        c->cap = cap;
    }
    chart_series *s = &c->series[c->nseries];
    memset(s, 0, sizeof(*s));
    va_list ap;
    va_start(ap, fmt);
    int failed = vasprintf(&s->label, fmt, ap) < 0;
    va_end(ap);
    if (failed) {
        c->out_of_memory = 1;
        return (size_t)-1;
    }
    s->color = color;
    s->dashed = dashed;
    return c->nseries++;
}

/* Grows *array to cap doubles; 0, or -1 (the array kept as it was) when memory runs out. */
static int grow(double **array, size_t cap)
{
    double *bigger = realloc(*array, cap * sizeof(*bigger));
    if (bigger == NULL)
        return -1;
    *array = bigger;
    return 0;
}

void chart_point_range(chart *c, size_t index, double x, double y, double lo, double hi)
{
    if (index >= c->nseries || !isfinite(x) || !isfinite(y))
        return;
    chart_series *s = &c->series[index];
    if (s->n == s->cap) {
        size_t cap = s->cap != 0 ? s->cap * 2 : 16;
        if (grow(&s->x, cap) != 0 || grow(&s->y, cap) != 0 || grow(&s->lo, cap) != 0 ||
            grow(&s->hi, cap) != 0) {
            c->out_of_memory = 1;
            return;
        }
        s->cap = cap;
    }
    s->x[s->n] = x;
    s->lo[s->n] = lo;
    s->hi[s->n] = hi;
    s->y[s->n++] = y;
}

void chart_point(chart *c, size_t index, double x, double y)
{
    chart_point_range(c, index, x, y, NAN, NAN);
}

void chart_free(chart *c)
{
    for (size_t i = 0; i < c->nseries; i++) {
        free(c->series[i].label);
        free(c->series[i].x);
        free(c->series[i].y);
        free(c->series[i].lo);
        free(c->series[i].hi);
    }
    free(c->series);
    memset(c, 0, sizeof(*c));
}

/* A round step that gives about five ticks up to top (finite, > 0), itself finite and > 0:
 * no smaller than the smallest normal double, so that a subnormal top gets a tick at 0. */
static double tick_step(double top)
{
    double raw = fmax(top / 5, DBL_MIN), magnitude = pow(10, floor(log10(raw)));
    static const double steps[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < 5; i++) {
        if (raw <= steps[i] * magnitude)
            return steps[i] * magnitude;
    }
    return 10 * magnitude;
}

/* How many ticks after 0 fit below top, at most MAX_TICKS. */
static int tick_count(double top, double step)
{
    double n = floor(top / step + 1e-9);
    return n > MAX_TICKS ? MAX_TICKS : n < 0 ? 0 : (int)n;
}

/* v as a fraction of top (> 0), kept within [-1, 1]: pixels stay near the plot. */
static double fraction(double v, double top)
{
    double f = v / top;
    return isnan(f) ? 0 : f > 1 ? 1 : f < -1 ? -1 : f;
}

typedef struct frame {
    double top_x, top_y; /* the values at the ends of the axes */
    int x0, y0, w, h;    /* the plot's origin and size in pixels */
} frame;

static double px(const frame *f, double x)
{
    return f->x0 + fraction(x, f->top_x) * f->w;
}

static double py(const frame *f, double y)
{
    return f->y0 - fraction(y, f->top_y) * f->h;
}

static frame frame_of(const chart *c)
{
    double max_x = 0, max_y = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        for (size_t j = 0; j < c->series[i].n; j++) {
            max_x = fmax(max_x, c->series[i].x[j]);
            max_y = fmax(max_y, c->series[i].y[j]);
            if (isfinite(c->series[i].hi[j]))
                max_y = fmax(max_y, c->series[i].hi[j]);
        }
    }
    frame f = {
        .x0 = LEFT, .y0 = HEIGHT - BOTTOM, .w = WIDTH - LEFT - RIGHT, .h = HEIGHT - TOP - BOTTOM};
    f.top_x = max_x > 0 ? max_x : 1;
    /* 5% of headroom, unless that would overflow. */
    f.top_y = max_y <= 0 ? 1 : max_y > DBL_MAX / 1.05 ? DBL_MAX : max_y * 1.05;
    return f;
}

/* The x axis' line, and the y axis with its ticks and grid lines. */
static void y_axis(FILE *out, const frame *f)
{
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", f->x0, f->y0,
            f->x0 + f->w, f->y0);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", f->x0, f->y0,
            f->x0, TOP);
    double ys = tick_step(f->top_y);
    for (int i = 0, n = tick_count(f->top_y, ys); i <= n; i++) {
        double y = py(f, i * ys);
        fprintf(out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%g</text>\n",
                f->x0, y, f->x0 + f->w, y, f->x0 - 6, y + 4, i * ys);
    }
}

static void axis_labels(FILE *out, const char *x_label, const char *y_label, const frame *f)
{
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">",
            f->x0 + f->w / 2, HEIGHT - 12);
    markup_escape(out, x_label);
    fprintf(out,
            "</text>\n<text x=\"16\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 16 %d)\">",
            (TOP + f->y0) / 2, (TOP + f->y0) / 2);
    markup_escape(out, y_label);
    fprintf(out, "</text>\n");
}

static void axes(FILE *out, const chart *c, const frame *f)
{
    y_axis(out, f);
    double xs = f->top_x <= 16 ? 1 : tick_step(f->top_x);
    for (int i = 0, n = tick_count(f->top_x, xs); i <= n; i++)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%g</text>\n",
                px(f, i * xs), f->y0 + 18, i * xs);
    axis_labels(out, c->x_label, c->y_label, f);
}

static void series(FILE *out, const chart_series *s, size_t i, const frame *f)
{
    fprintf(out,
            "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
            "points=\"",
            s->color, s->dashed ? " stroke-dasharray=\"6 4\"" : "");
    for (size_t j = 0; j < s->n; j++)
        fprintf(out, "%s%.1f,%.1f", j ? " " : "", px(f, s->x[j]), py(f, s->y[j]));
    fprintf(out, "\"/>\n");
    for (size_t j = 0; !s->dashed && j < s->n; j++)
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px(f, s->x[j]),
                py(f, s->y[j]), s->color);
    for (size_t j = 0; j < s->n; j++) {
        if (!isfinite(s->lo[j]) || !isfinite(s->hi[j]))
            continue;
        double x = px(f, s->x[j]), lo = py(f, s->lo[j]), hi = py(f, s->hi[j]);
        fprintf(out,
                "<path class=\"error-bar\" stroke=\"%s\" fill=\"none\" d=\"M%.1f,%.1fV%.1f"
                "M%.1f,%.1fh8M%.1f,%.1fh8\"/>\n",
                s->color, x, lo, hi, x - 4, lo, x - 4, hi);
    }
    double ly = TOP + 14 + (double)i * 18;
    fprintf(out,
            "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" stroke=\"%s\" "
            "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%.0f\" class=\"legend\">",
            WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 32, ly, s->color,
            s->dashed ? " stroke-dasharray=\"6 4\"" : "", WIDTH - RIGHT + 38, ly + 4);
    markup_escape(out, s->label);
    fprintf(out, "</text>\n");
}

/* The <svg> element's start and its title, shown and read out. */
static void svg_open(FILE *out, const char *title)
{
    fprintf(out,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    fprintf(out, "<title>");
    markup_escape(out, title);
    fprintf(out, "</title>\n<text x=\"%d\" y=\"22\" class=\"title\">", LEFT);
    markup_escape(out, title);
    fprintf(out, "</text>\n");
}

int chart_write_svg(FILE *out, const chart *c)
{
    if (c->out_of_memory)
        return -1;
    frame f = frame_of(c);
    svg_open(out, c->title);
    axes(out, c, &f);
    for (size_t i = 0; i < c->nseries; i++)
        series(out, &c->series[i], i, &f);
    fprintf(out, "</svg>\n");
    return 0;
}

size_t bar_chart_add(bar_chart *c, const char *fmt, ...)
{
    if (c->nbars == c->cap) {
        size_t cap = c->cap != 0 ? c->cap * 2 : 8;
        chart_bar *bigger = realloc(c->bars, cap * sizeof(*bigger));
        if (bigger == NULL) {
            c->out_of_memory = 1;
            return (size_t)-1;
        }
        c->bars = bigger;
        c->cap = cap;
    }
    chart_bar *b = &c->bars[c->nbars];
    b->values = calloc(c->nkinds != 0 ? c->nkinds : 1, sizeof(*b->values));
    va_list ap;
    va_start(ap, fmt);
    int failed = vasprintf(&b->label, fmt, ap) < 0;
    va_end(ap);
    if (failed || b->values == NULL) {
        if (!failed)
            free(b->label);
        free(b->values);
        c->out_of_memory = 1;
        return (size_t)-1;
    }
    return c->nbars++;
}

void bar_chart_value(bar_chart *c, size_t bar, size_t kind, double value)
{
    if (bar < c->nbars && kind < c->nkinds && isfinite(value) && value > 0)
        c->bars[bar].values[kind] = value;
}

void bar_chart_free(bar_chart *c)
{
    for (size_t i = 0; i < c->nbars; i++) {
        free(c->bars[i].label);
        free(c->bars[i].values);
    }
    free(c->bars);
    memset(c, 0, sizeof(*c));
}

static double bar_total(const bar_chart *c, const chart_bar *b)
{
    double total = 0;
    for (size_t k = 0; k < c->nkinds; k++)
        total += b->values[k]; /* each finite and at most DBL_MAX: the sum may not be */
    return isfinite(total) ? total : DBL_MAX;
}

/* One segment: a rectangle whose title says which bar and kind it is, its value and share. */
static void segment(FILE *out, const bar_chart *c, const chart_bar *b, size_t kind, double x,
                    double width, double bottom, double top, double total)
{
    fprintf(out,
            "<rect class=\"segment\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            "fill=\"%s\"><title>",
            x, top, width, bottom - top, c->kind_colors[kind]);
    markup_escape(out, b->label);
    fputs(": ", out);
    markup_escape(out, c->kind_labels[kind]);
    fprintf(out, " %.6g ", b->values[kind]);
    markup_escape(out, c->unit);
    fprintf(out, " (%.0f%% of the bar)</title></rect>\n", 100 * (b->values[kind] / total));
}

static void bar(FILE *out, const bar_chart *c, size_t i, const frame *f)
{
    const chart_bar *b = &c->bars[i];
    double slot = (double)f->w / (double)c->nbars, x = f->x0 + slot * (double)i + slot * 0.2;
    double total = bar_total(c, b), below = 0;
    for (size_t k = 0; k < c->nkinds; k++) {
        if (b->values[k] <= 0)
            continue;
        /* Each end from the sum below it, so that rounding never leaves a gap or an overlap. */
        double bottom = py(f, below);
        below = fmin(below + b->values[k], DBL_MAX);
        segment(out, c, b, k, x, slot * 0.6, bottom, py(f, below), total);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">", x + slot * 0.3,
            f->y0 + 18);
    markup_escape(out, b->label);
    fputs("</text>\n", out);
}

int bar_chart_write_svg(FILE *out, const bar_chart *c)
{
    if (c->out_of_memory)
        return -1;
    double max = 0;
    for (size_t i = 0; i < c->nbars; i++)
        max = fmax(max, bar_total(c, &c->bars[i]));
    frame f = {.top_x = 1,
               .top_y = max <= 0               ? 1
                        : max > DBL_MAX / 1.05 ? DBL_MAX
                                               : max * 1.05,
               .x0 = LEFT,
               .y0 = HEIGHT - BOTTOM,
               .w = WIDTH - LEFT - RIGHT,
               .h = HEIGHT - TOP - BOTTOM};
    svg_open(out, c->title);
    y_axis(out, &f);
    axis_labels(out, c->x_label, c->y_label, &f);
    for (size_t i = 0; i < c->nbars; i++)
        bar(out, c, i, &f);
    for (size_t k = 0; k < c->nkinds; k++) {
        double ly = TOP + 14 + (double)k * 18;
        fprintf(out,
                "<rect x=\"%d\" y=\"%.0f\" width=\"14\" height=\"10\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%.0f\" class=\"legend\">",
                WIDTH - RIGHT + 14, ly - 5, c->kind_colors[k], WIDTH - RIGHT + 38, ly + 4);
        markup_escape(out, c->kind_labels[k]);
        fputs("</text>\n", out);
    }
    fprintf(out, "</svg>\n");
    return 0;
}
