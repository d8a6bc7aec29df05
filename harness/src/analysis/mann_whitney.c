/*
 * mann_whitney.c - the Mann-Whitney U test; see mann_whitney.h.
 *
 * U comes from the ranks of the pooled sample (ties get their mean rank). The
 * exact null distribution of U, with no ties, is the coefficients of the
 * Gaussian binomial [m + n choose m] in q, divided by C(m + n, m): built as
 * the product over i = 1..m of (1 - q^(n+i)) / (1 - q^i), one multiplication
 * and one division by a polynomial each, O(m * m n) in all. Counts up to
 * C(100, 50) ~ 1e29 are held in doubles, whose relative precision is all a
 * p-value needs.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mann_whitney.h"

typedef struct ranked {
    double value;
    int first; /* 1: from the first sample */
} ranked;

static int compare_ranked(const void *a, const void *b)
{
    double x = ((const ranked *)a)->value, y = ((const ranked *)b)->value;
    return (x > y) - (x < y);
}

static int check(const char *name, const double *x, size_t n, char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "%s: no values", name);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i])) {
            snprintf(err, errlen, "%s[%zu] = %g: expected a finite number", name, i, x[i]);
            return -1;
        }
    }
    return 0;
}

/* P(U >= u) under the null hypothesis, with no ties, m and n values. */
static double exact_upper_tail(double u, size_t m, size_t n)
{
    size_t top = m * n;
    double *c = calloc(top + 1, sizeof(double));
    if (c == NULL)
        return NAN;
    c[0] = 1;
    for (size_t i = 1; i <= m; i++) {
        /* Multiply by (1 - q^(n+i)), then divide by (1 - q^i): a running sum with stride i. */
        for (size_t k = top; k >= n + i && k <= top; k--)
            c[k] -= c[k - (n + i)];
        for (size_t k = i; k <= top; k++)
            c[k] += c[k - i];
    }
    double total = 0, tail = 0;
    for (size_t k = 0; k <= top; k++) {
        total += c[k];
        if ((double)k >= u)
            tail += c[k];
    }
    free(c);
    return tail / total;
}

int mann_whitney_test(const double *a, size_t na, const double *b, size_t nb, mann_whitney *out,
                      char *err, size_t errlen)
{
    if (check("first sample", a, na, err, errlen) != 0 ||
        check("second sample", b, nb, err, errlen) != 0)
        return -1;
    size_t n = na + nb;
    ranked *pooled = malloc(n * sizeof(*pooled));
    if (pooled == NULL) {
        snprintf(err, errlen, "out of memory for %zu values", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        pooled[i] = (ranked){i < na ? a[i] : b[i - na], i < na};
    qsort(pooled, n, sizeof(*pooled), compare_ranked);
    double rank_sum = 0, ties = 0; /* ties: the sum of t^3 - t over groups of t equal values */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && pooled[j].value == pooled[i].value)
            j++;
        double t = (double)(j - i), mean_rank = (double)(i + j + 1) / 2;
        for (size_t k = i; k < j; k++)
            rank_sum += pooled[k].first ? mean_rank : 0;
        ties += t * t * t - t;
        i = j;
    }
    free(pooled);
    double n1 = (double)na, n2 = (double)nb;
    out->u1 = rank_sum - n1 * (n1 + 1) / 2;
    out->u2 = n1 * n2 - out->u1;
    double u = fmax(out->u1, out->u2);
    out->exact = ties == 0 && na <= MANN_WHITNEY_EXACT_MAX && nb <= MANN_WHITNEY_EXACT_MAX;
    if (out->exact) {
        out->p = fmin(1, 2 * exact_upper_tail(u, na < nb ? na : nb, na < nb ? nb : na));
        if (isnan(out->p)) {
            snprintf(err, errlen, "out of memory for the exact distribution");
            return -1;
        }
        return 0;
    }
    double nn = n1 + n2;
    double variance = n1 * n2 / 12 * ((nn + 1) - ties / (nn * (nn - 1)));
    if (!(variance > 0)) {
        /* Every value is the same: nothing tells the samples apart. */
        out->p = 1;
        return 0;
    }
    double z = (u - n1 * n2 / 2 - 0.5) / sqrt(variance);
    out->p = fmin(1, 2 * gsl_cdf_ugaussian_Q(z));
    return 0;
}
