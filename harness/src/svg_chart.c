/*
 * svg_chart.c - see svg_chart.h. Axes start at zero, so that a line that
 * bends away from the linear ideal looks as far from it as it is.
 */
#include <math.h>
#include <string.h>

#include "markup.h"
#include "svg_chart.h"

#define WIDTH 640
#define HEIGHT 360
#define LEFT 70
#define RIGHT 170
#define TOP 40
#define BOTTOM 50

chart_series *chart_add(chart *c, const char *label, const char *color, int dashed)
{
    if (c->nseries == CHART_MAX_SERIES)
        return NULL;
    chart_series *s = &c->series[c->nseries++];
    memset(s, 0, sizeof(*s));
    s->label = label;
    s->color = color;
    s->dashed = dashed;
    return s;
}

void chart_point(chart_series *s, double x, double y)
{
    if (s != NULL && s->n < CHART_MAX_POINTS && isfinite(x) && isfinite(y)) {
        s->x[s->n] = x;
        s->y[s->n++] = y;
    }
}

/* A round step that gives about five ticks up to max. */
static double tick_step(double max)
{
    double raw = max / 5, magnitude = pow(10, floor(log10(raw)));
    double steps[] = {1, 2, 2.5, 5, 10};
    for (size_t i = 0; i < 5; i++) {
        if (raw <= steps[i] * magnitude)
            return steps[i] * magnitude;
    }
    return 10 * magnitude;
}

void chart_write_svg(FILE *out, const chart *c)
{
    double max_x = 0, max_y = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        for (size_t j = 0; j < c->series[i].n; j++) {
            max_x = fmax(max_x, c->series[i].x[j]);
            max_y = fmax(max_y, c->series[i].y[j]);
        }
    }
    max_x = max_x > 0 ? max_x : 1;
    max_y = max_y > 0 ? max_y * 1.05 : 1;
    double sx = (WIDTH - LEFT - RIGHT) / max_x, sy = (HEIGHT - TOP - BOTTOM) / max_y;
    fprintf(out,
            "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    fprintf(out, "<title>");
    markup_escape(out, c->title);
    fprintf(out, "</title>\n<text x=\"%d\" y=\"22\" class=\"title\">", LEFT);
    markup_escape(out, c->title);
    fprintf(out, "</text>\n");
    int x0 = LEFT, y0 = HEIGHT - BOTTOM;
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", x0, y0,
            WIDTH - RIGHT, y0);
    fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", x0, y0, x0,
            TOP);
    double xs = max_x <= 16 ? 1 : tick_step(max_x), ys = tick_step(max_y);
    for (double t = 0; t <= max_x + 1e-9; t += xs)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%g</text>\n",
                x0 + t * sx, y0 + 18, t);
    for (double t = 0; t <= max_y + 1e-9; t += ys)
        fprintf(out,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%g</text>\n",
                x0, y0 - t * sy, WIDTH - RIGHT, y0 - t * sy, x0 - 6, y0 - t * sy + 4, t);
    fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">",
            (x0 + WIDTH - RIGHT) / 2, HEIGHT - 12);
    markup_escape(out, c->x_label);
    fprintf(out,
            "</text>\n<text x=\"16\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 16 %d)\">",
            (TOP + y0) / 2, (TOP + y0) / 2);
    markup_escape(out, c->y_label);
    fprintf(out, "</text>\n");
    for (size_t i = 0; i < c->nseries; i++) {
        const chart_series *s = &c->series[i];
        fprintf(out,
                "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                "points=\"",
                s->color, s->dashed ? " stroke-dasharray=\"6 4\"" : "");
        for (size_t j = 0; j < s->n; j++)
            fprintf(out, "%s%.1f,%.1f", j ? " " : "", x0 + s->x[j] * sx, y0 - s->y[j] * sy);
        fprintf(out, "\"/>\n");
        if (!s->dashed) {
            for (size_t j = 0; j < s->n; j++)
                fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        x0 + s->x[j] * sx, y0 - s->y[j] * sy, s->color);
        }
        int ly = TOP + 14 + (int)i * 18;
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\" class=\"legend\">",
                WIDTH - RIGHT + 12, ly, WIDTH - RIGHT + 32, ly, s->color,
                s->dashed ? " stroke-dasharray=\"6 4\"" : "", WIDTH - RIGHT + 38, ly + 4);
        markup_escape(out, s->label);
        fprintf(out, "</text>\n");
    }
    fprintf(out, "</svg>\n");
}
