/*
 * fit_runs.c - see fit_runs.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fit_runs.h"

int fit_runs(const analysis_input *steps, size_t nsteps, unsigned excluded, usl_nls *fit, char *why,
             size_t whylen)
{
    size_t count = 0;
    for (size_t i = 0; i < nsteps; i++)
        count += steps[i].servers != excluded ? steps[i].nruns : 0;
    double *n = malloc((count + 1) * sizeof(*n)), *x = malloc((count + 1) * sizeof(*x));
    int rc = -1;
    if (n == NULL || x == NULL) {
        snprintf(why, whylen, "out of memory for %zu measurements", count);
    } else {
        count = 0;
        for (size_t i = 0; i < nsteps; i++) {
            for (size_t r = 0; r < steps[i].nruns && steps[i].servers != excluded; r++) {
                n[count] = steps[i].servers;
                x[count++] = steps[i].throughputs[r];
            }
        }
        rc = usl_nls_fit(n, x, count, fit, why, whylen);
    }
    free(n);
    free(x);
    return rc;
}
