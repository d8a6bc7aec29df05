/*
 * fuzz_haproxy_remote.c - arbitrary bytes as what a balancer host says back:
 * the script's announcement of HAProxy's pid and clock tick, and the text of
 * `cat /proc/uptime /proc/PID/stat` read with a tick from the first byte.
 * The readers must accept or refuse with a message, never crash or read past
 * the text, and what they accept must hold: a pid and a tick above 0, a CPU
 * time and an uptime that are numbers, not below 0.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy_remote.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    long ticks = 1 + data[0] % 1000;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    long pid = 0, announced_ticks = 0;
    if (haproxy_remote_parse_announcement(text, &pid, &announced_ticks) == 0)
        check(pid > 0 && announced_ticks > 0);
    haproxy_remote_cpu cpu;
    char err[512];
    err[0] = '\0';
    if (haproxy_remote_parse_cpu(text, ticks, &cpu, err, sizeof(err)) == 0)
        check(!isnan(cpu.cpu_s) && cpu.cpu_s >= 0 && !isnan(cpu.clock_s) && cpu.clock_s > 0);
    else
        check(err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
    free(text);
    return 0;
}
