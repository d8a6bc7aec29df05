/*
 * machine_cpu.h - what the whole machine's CPUs did over a window
 * (machine_cpu.c), from the "cpu" line of /proc/stat, in core-seconds: one
 * core busy for 2 s, or two for 1 s, is 2 core-seconds.
 *
 * The harness knows what its own processes used (the servers, wrk, twice
 * itself); the rest of the busy time is CPU that processes Twice did not
 * start took from the run: "foreign" CPU, what disturbs a measurement.
 */
#ifndef TWICE_MACHINE_CPU_H
#define TWICE_MACHINE_CPU_H

#include <stddef.h>

struct machine_cpu {
    double busy_s;      /* user + nice + system + irq + softirq (guest time is inside user) */
    double idle_s;      /* idle + iowait */
    double steal_s;     /* time a hypervisor ran something else on our virtual CPUs */
    double interrupt_s; /* irq + softirq, inside busy_s: charged to no process, and on a run
                           over loopback mostly the run's own traffic (the kernel's network
                           stack), so not counted as foreign */
};

/** Parses the text of /proc/stat (its first line, "cpu  user nice system idle iowait irq
 * softirq steal ..."). 0, or -1 when it does not have that shape. */
int machine_cpu_parse(const char *text, struct machine_cpu *out);
/** Reads /proc/stat now. 0, or -1 with err. */
int machine_cpu_sample(struct machine_cpu *out, char *err, size_t errlen);
/** The core-seconds of a window from its start and end samples. */
struct machine_cpu machine_cpu_diff(const struct machine_cpu *start, const struct machine_cpu *end);
/**
 * CPU core-seconds used on the machine by processes Twice did not start:
 * machine busy - (servers + wrk + twice). Clamped at 0: the parts come from other clocks
 * than /proc/stat (per-task accounting against tick sampling) and may add up to slightly
 * more than the machine's busy time when nothing else ran; a negative figure would mean
 * "nothing measurable", never negative work.
 */
double machine_cpu_foreign_s(double machine_busy_s, double servers_s, double wrk_s, double twice_s);

#endif
