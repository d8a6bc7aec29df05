/*
 * machine_cpu.c - the machine's busy and idle core-seconds from /proc/stat,
 * and the foreign CPU worked out from them.
 */
#include <stdio.h>
#include <string.h>

#include "machine_cpu.h"
#include "procfs.h"

int machine_cpu_parse(const char *text, struct machine_cpu *out)
{
    unsigned long long user, nice, system, idle, iowait, irq, softirq, steal = 0;
    size_t line_len = strcspn(text, "\n");
    /* scanf's %llu takes "-1" as a huge number: a minus sign is a malformed line. */
    if (strncmp(text, "cpu ", 4) != 0 || memchr(text, '-', line_len) != NULL)
        return -1;
    /* steal is missing before Linux 2.6.11: the first seven are required. */
    if (sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle,
               &iowait, &irq, &softirq, &steal) < 7)
        return -1;
    double tick_s = procfs_tick_s();
    out->busy_s = (double)(user + nice + system + irq + softirq) * tick_s;
    out->idle_s = (double)(idle + iowait) * tick_s;
    out->steal_s = (double)steal * tick_s;
    out->interrupt_s = (double)(irq + softirq) * tick_s;
    return 0;
}

int machine_cpu_sample(struct machine_cpu *out, char *err, size_t errlen)
{
    /* /proc/stat grows with the number of CPUs and interrupts; its first line is enough. */
    char text[512];
    FILE *f = fopen("/proc/stat", "re");
    if (f == NULL || fgets(text, sizeof(text), f) == NULL) {
        snprintf(err, errlen, "cannot read /proc/stat");
        if (f != NULL)
            fclose(f);
        return -1;
    }
    fclose(f);
    if (machine_cpu_parse(text, out) != 0) {
        snprintf(err, errlen, "/proc/stat:1: not a \"cpu\" line of counters");
        return -1;
    }
    return 0;
}

struct machine_cpu machine_cpu_diff(const struct machine_cpu *start, const struct machine_cpu *end)
{
    return (struct machine_cpu){.busy_s = end->busy_s - start->busy_s,
                                .idle_s = end->idle_s - start->idle_s,
                                .steal_s = end->steal_s - start->steal_s,
                                .interrupt_s = end->interrupt_s - start->interrupt_s};
}

double machine_cpu_foreign_s(double machine_busy_s, double servers_s, double wrk_s, double twice_s)
{
    double foreign_s = machine_busy_s - (servers_s + wrk_s + twice_s);
    return foreign_s > 0 ? foreign_s : 0;
}
