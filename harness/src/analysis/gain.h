/*
 * gain.h - where a super-linear step's extra throughput came from (gain.c),
 * the counterpart of the loss breakdown (breakdown.h) for a step with
 * X(N) > N·X(1) against a valid first step. It reads what the servers said
 * they cost per request at that step against one server alone:
 *
 * - requests per CPU-second, from their own counts (twice-app's) over their
 *   CPU: a server that did the same work for less CPU;
 * - when the servers share this machine's kernel (local servers, or a test
 *   bed's emulated hosts), the machine's interrupt time (irq + softirq, the
 *   network stack's receive work) per request served. One kernel carries
 *   every server's packets: as their rate grows it handles them in larger
 *   batches, and that work is charged to whichever task the CPU was running,
 *   a capped server's quota among them. Separate machines would each carry
 *   only their own packets, so a gain that comes with a fall in it is the
 *   shared kernel's, not the system's.
 *
 * The evidence names both figures at both steps; one that was not measured
 * is said to be unknown, never taken for no change.
 */
#ifndef TWICE_GAIN_H
#define TWICE_GAIN_H

#include <jansson.h>

#include "breakdown.h"

typedef struct gain {
    double ideal, measured, gained; /* requests/s: N·X(1), X(N), and X(N) - N·X(1) */
    double requests_per_cpu_s[2];   /* one server's, then the step's; 0: not counted */
    double interrupt_per_request_s[2]; /* likewise; 0: not known, or not one kernel's */
    char evidence[480];
} gain;

/**
 * The gain of in's step into *out, with the servers sharing this machine's kernel when
 * one_kernel is set. 1 when there is one (N > 1, x1 > 0 and X(N) > N·x1), 0 when there is none
 * (out is then untouched).
 */
int gain_compute(const breakdown_input *in, int one_kernel, gain *out);

/** The step's "gain" object: ideal, measured, gained (requests/s), the two figures at one
 * server and at this step (null where unknown), and the evidence. */
json_t *gain_json(const gain *g);

#endif
