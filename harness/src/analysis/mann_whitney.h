/*
 * mann_whitney.h - the Mann-Whitney U test (Wilcoxon rank-sum) of two
 * independent samples, two-sided (mann_whitney.c): do values of one tend to be
 * larger than the other's? It needs no normality, which throughput from a few
 * repetitions seldom has.
 */
#ifndef TWICE_MANN_WHITNEY_H
#define TWICE_MANN_WHITNEY_H

#include <stddef.h>

/* Up to this many values on each side, without ties, the p-value is exact. */
#define MANN_WHITNEY_EXACT_MAX 50

typedef struct mann_whitney {
    double u1; /* U of the first sample: pairs (a, b) with a > b, ties counting 1/2 */
    double u2; /* n1 n2 - u1 */
    double p;  /* two-sided p-value */
    int exact; /* 1: p from the exact null distribution; 0: the normal approximation */
} mann_whitney;

/**
 * Tests a[0..na) against b[0..nb). The p-value is exact when there are no
 * ties and neither sample has more than MANN_WHITNEY_EXACT_MAX values (p =
 * 2 P(U >= max(u1, u2)), capped at 1); otherwise it comes from the normal
 * approximation with the tie correction of the variance and a continuity
 * correction of 0.5 (what SciPy's mannwhitneyu does with method="asymptotic").
 * Returns 0, or -1 with the reason in err (an empty sample, a value that is not
 * finite).
 */
int mann_whitney_test(const double *a, size_t na, const double *b, size_t nb, mann_whitney *out,
                      char *err, size_t errlen);

#endif
