/*
 * fuzz_measure_text.c - arbitrary bytes through every reader of kernel text
 * the measures use (measure/): /proc/PID/stat, schedstat, /proc/stat,
 * /proc/net/tcp lines and "key value" files. Each must accept or refuse, never
 * crash, and what it accepts must be in range (finite, not negative, ports in
 * 16 bits).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "machine_cpu.h"
#include "proc_group.h"
#include "procfs.h"
#include "schedstat.h"
#include "tcp_table.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_seconds(double s)
{
    check(isfinite(s) && s >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The kernel's files are text; the readers take a NUL-terminated copy. */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct proc_stat stat;
    if (proc_stat_parse(text, &stat) == 0)
        check(stat.state != '\0' && stat.utime <= INT64_MAX && stat.stime <= INT64_MAX &&
              stat.cutime <= INT64_MAX && stat.cstime <= INT64_MAX);
    double run_s, wait_s;
    if (schedstat_parse(text, &run_s, &wait_s) == 0) {
        check_seconds(run_s);
        check_seconds(wait_s);
    }
    struct machine_cpu cpu;
    if (machine_cpu_parse(text, &cpu) == 0) {
        check_seconds(cpu.busy_s);
        check_seconds(cpu.idle_s);
        check_seconds(cpu.steal_s);
    }
    struct tcp_table_entry entry;
    if (tcp_table_parse_line(text, &entry) == 0)
        check(entry.local_port <= 0xffff && entry.remote_port <= 0xffff && entry.state <= 0xff);
    static const char *const keys[] = {"usage_usec", "VmHWM", "user", "nr_throttled", ""};
    uint64_t value;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        procfs_key_u64(text, keys[i], &value);
    procfs_u64(text, &value);
    free(text);
    return 0;
}
