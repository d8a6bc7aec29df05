/*
 * gain.c - see gain.h.
 */
#include "gain.h"
#include "message_text.h"

/* A fall of the kernel's cost per request smaller than this is noise, not a cause. */
#define CLEAR_FALL 0.10

static void kernel_evidence(const gain *g, int one_kernel, char *buf, size_t len)
{
    const double *irq = g->interrupt_per_request_s;
    if (!one_kernel) {
        message_append(buf, len, "; the servers' hosts are machines of their own, whose kernels' work "
                         "is not measured from here");
    } else if (!(irq[0] > 0 && irq[1] > 0)) {
        message_append(buf, len, "; the machine's interrupt time per request is not known at both steps");
    } else if (irq[1] < (1 - CLEAR_FALL) * irq[0]) {
        message_append(buf, len,
               "; the machine's interrupt time (irq + softirq) per request fell from %.2f to "
               "%.2f µs: one kernel carries every server's packets, in larger batches as their "
               "rate grows, and charges that work to whatever runs, capped servers included; "
               "separate machines would not share it",
               irq[0] * 1e6, irq[1] * 1e6);
    } else {
        message_append(buf, len,
               "; the machine's interrupt time per request did not fall (%.2f µs against %.2f µs "
               "at one server)",
               irq[1] * 1e6, irq[0] * 1e6);
    }
}

int gain_compute(const breakdown_input *in, int one_kernel, gain *out)
{
    double ideal = (double)in->servers * in->x1;
    if (in->servers <= 1 || !(in->x1 > 0) || !(in->measured > ideal))
        return 0;
    breakdown_reference step = breakdown_reference_of(in->runs, in->nruns);
    gain g = {.ideal = ideal,
              .measured = in->measured,
              .gained = in->measured - ideal,
              .requests_per_cpu_s = {in->ref.requests_per_cpu_s, step.requests_per_cpu_s}};
    if (one_kernel) {
        g.interrupt_per_request_s[0] = in->ref.interrupt_per_request_s;
        g.interrupt_per_request_s[1] = step.interrupt_per_request_s;
    }
    const double *rate = g.requests_per_cpu_s;
    if (rate[0] > 0 && rate[1] > 0)
        message_append(g.evidence, sizeof(g.evidence),
               "the servers served %.0f requests per CPU-second against %.0f at one server "
               "(%+.0f%%)",
               rate[1], rate[0], (rate[1] / rate[0] - 1) * 100);
    else
        message_append(g.evidence, sizeof(g.evidence),
               "the servers' requests per CPU-second are not known at both steps");
    kernel_evidence(&g, one_kernel, g.evidence, sizeof(g.evidence));
    *out = g;
    return 1;
}

/* A figure at one server and at the step, or null when either is unknown. */
static json_t *pair_or_null(const double pair[2])
{
    return pair[0] > 0 && pair[1] > 0 ? json_pack("{s:f, s:f}", "one_server", pair[0],
                                                  "this_step", pair[1])
                                      : json_null();
}

json_t *gain_json(const gain *g)
{
    return json_pack("{s:f, s:f, s:f, s:o, s:o, s:s}", "ideal", g->ideal, "measured", g->measured,
                     "gained", g->gained, "requests_per_cpu_s",
                     pair_or_null(g->requests_per_cpu_s), "interrupt_s_per_request",
                     pair_or_null(g->interrupt_per_request_s), "evidence", g->evidence);
}
