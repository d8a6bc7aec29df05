/*
 * test_measure_parsers.c - the measures' readers of kernel text, on known
 * lines: /proc/PID/stat (a comm with spaces and parentheses), schedstat,
 * /proc/stat, /proc/net/tcp and tcp6, "key value" files, and procfs_read's
 * refusals (a missing file, one larger than the buffer).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <unistd.h>

#include "machine_cpu.h"
#include "proc_group.h"
#include "procfs.h"
#include "schedstat.h"
#include "tcp_table.h"

Test(measure_parsers, proc_stat_fields_come_after_the_last_parenthesis_of_comm)
{
    struct proc_stat s;
    const char *line = "4242 (a) b (c) d) S 1 4240 4240 0 -1 4194560 10 20 0 0 "
                       "123 45 6 7 20 0 1 0 100 1000 10\n";
    cr_assert_eq(proc_stat_parse(line, &s), 0);
    cr_assert_eq(s.state, 'S');
    cr_assert_eq(s.ppid, 1);
    cr_assert_eq(s.pgrp, 4240);
    cr_assert_eq(s.utime, 123);
    cr_assert_eq(s.stime, 45);
    cr_assert_eq(s.cutime, 6);
    cr_assert_eq(s.cstime, 7);
}

Test(measure_parsers, proc_stat_refuses_text_without_comm_or_fields)
{
    struct proc_stat s;
    cr_assert_eq(proc_stat_parse("", &s), -1);
    cr_assert_eq(proc_stat_parse("12 no-parenthesis S 1 2 3", &s), -1);
    cr_assert_eq(proc_stat_parse("12 (x) S 1 2 3 4 5 6 7 8 9", &s), -1);
    cr_assert_eq(proc_stat_parse("12 (x) S 1 2 3 0 -1 0 0 0 0 0 -5 4 0 0 20", &s), -1);
}

Test(measure_parsers, proc_stat_read_says_a_missing_process_is_gone)
{
    struct proc_stat s;
    cr_assert_eq(proc_stat_read(getpid(), &s), 0);
    cr_assert_eq(s.pgrp, getpgrp());
    errno = 0;
    /* Above pid_max (at most 2^22): never a live process. */
    cr_assert_eq(proc_stat_read(1 << 23, &s), -1);
    cr_assert_eq(errno, ENOENT);
}

Test(measure_parsers, schedstat_lines_give_seconds)
{
    double run_s, wait_s;
    cr_assert_eq(schedstat_parse("1500000000 250000000 42\n", &run_s, &wait_s), 0);
    cr_assert_float_eq(run_s, 1.5, 1e-12);
    cr_assert_float_eq(wait_s, 0.25, 1e-12);
    cr_assert_eq(schedstat_parse("1 2\n", &run_s, &wait_s), -1);
    cr_assert_eq(schedstat_parse("1 -2 3\n", &run_s, &wait_s), -1);
    cr_assert_eq(schedstat_parse("1 2 3x\n", &run_s, &wait_s), -1);
}

Test(measure_parsers, proc_stat_cpu_line_splits_busy_idle_and_steal)
{
    struct machine_cpu m;
    double tick = procfs_tick_s();
    cr_assert_eq(machine_cpu_parse("cpu  100 10 50 1000 20 5 15 7 3 0\ncpu0 1 2 3\n", &m), 0);
    cr_assert_float_eq(m.busy_s, (100 + 10 + 50 + 5 + 15) * tick, 1e-9);
    cr_assert_float_eq(m.idle_s, (1000 + 20) * tick, 1e-9);
    cr_assert_float_eq(m.steal_s, 7 * tick, 1e-9);
    cr_assert_float_eq(m.interrupt_s, (5 + 15) * tick, 1e-9, "irq and softirq, inside busy");
    /* A kernel too old to report steal. */
    cr_assert_eq(machine_cpu_parse("cpu 1 2 3 4 5 6 7\n", &m), 0);
    cr_assert_float_eq(m.steal_s, 0, 1e-12);
    cr_assert_eq(machine_cpu_parse("cpu0 1 2 3 4 5 6 7\n", &m), -1);
    cr_assert_eq(machine_cpu_parse("cpu 1 2 3 4 5 6\n", &m), -1);
    cr_assert_eq(machine_cpu_parse("cpu 1 2 -3 4 5 6 7\n", &m), -1);
}

Test(measure_parsers, foreign_cpu_is_what_the_parts_leave_of_busy_and_never_negative)
{
    cr_assert_float_eq(machine_cpu_foreign_s(2.0, 0.5, 0.4, 0.3), 0.8, 1e-12);
    cr_assert_float_eq(machine_cpu_foreign_s(1.0, 0.5, 0.4, 0.3), 0.0, 1e-12);
    struct machine_cpu a = {1, 2, 3, 0.5}, b = {4, 6, 8, 1.5};
    struct machine_cpu d = machine_cpu_diff(&a, &b);
    cr_assert_float_eq(d.interrupt_s, 1, 1e-12);
    cr_assert_float_eq(d.busy_s, 3, 1e-12);
    cr_assert_float_eq(d.idle_s, 4, 1e-12);
    cr_assert_float_eq(d.steal_s, 5, 1e-12);
}

Test(measure_parsers, tcp_table_lines_of_both_families)
{
    struct tcp_table_entry e;
    cr_assert_eq(tcp_table_parse_line("  sl  local_address rem_address   st tx_queue rx_queue tr "
                                      "tm->when retrnsmt   uid  timeout inode\n",
                                      &e),
                 -1);
    cr_assert_eq(tcp_table_parse_line("   3: 0100007F:1F90 0100007F:C350 01 00000000:00000000 "
                                      "00:00000000 00000000     0        0 98765 1 "
                                      "0000000000000000 20 4 30 10 -1\n",
                                      &e),
                 0);
    cr_assert_eq(e.local_port, 8080);
    cr_assert_eq(e.remote_port, 50000);
    cr_assert_eq(e.state, TCP_TABLE_ESTABLISHED);
    cr_assert_eq(e.inode, 98765);
    cr_assert_eq(tcp_table_parse_line("   0: 00000000000000000000000001000000:0050 "
                                      "00000000000000000000000000000000:0000 0A "
                                      "00000000:00000000 00:00000000 00000000  1000        0 "
                                      "4321 1 0000000000000000 100 0 0 10 0\n",
                                      &e),
                 0);
    cr_assert_eq(e.local_port, 80);
    cr_assert_eq(e.state, TCP_TABLE_LISTEN);
    cr_assert_eq(e.inode, 4321);
    /* Addresses of different families on one line, or cut short. */
    cr_assert_eq(tcp_table_parse_line("   0: 0100007F:0050 00000000000000000000000000000000:0000 "
                                      "0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n",
                                      &e),
                 -1);
    cr_assert_eq(tcp_table_parse_line("   0: 0100007F:0050 0100007F:0051 01\n", &e), -1);
    /* scanf takes a signed hexadecimal number: a state of "-7" must not become 0xfffffff9. */
    cr_assert_eq(tcp_table_parse_line("   3: 0100007F:1F90 0100006F:C007 -7 00000000:00000000 "
                                      "00:00000000 00000000 0 0 5 0\n",
                                      &e),
                 -1);
}

Test(measure_parsers, key_value_files)
{
    uint64_t v;
    const char *cpu_stat = "usage_usec 1200\nuser_usec 1000\nsystem_usec 200\n"
                           "nr_periods 7\nnr_throttled 3\nthrottled_usec 4500\n";
    cr_assert_eq(procfs_key_u64(cpu_stat, "usage_usec", &v), 0);
    cr_assert_eq(v, 1200);
    cr_assert_eq(procfs_key_u64(cpu_stat, "throttled_usec", &v), 0);
    cr_assert_eq(v, 4500);
    /* "usage" is a prefix of a key, not a key. */
    cr_assert_eq(procfs_key_u64(cpu_stat, "usage", &v), -1);
    cr_assert_eq(procfs_key_u64("Name:\tx\nVmHWM:\t  2048 kB\n", "VmHWM", &v), 0);
    cr_assert_eq(v, 2048);
    cr_assert_eq(procfs_key_u64("VmHWM: lots\n", "VmHWM", &v), -1);
    cr_assert_eq(procfs_key_u64("n 18446744073709551616\n", "n", &v), -1);
    cr_assert_eq(procfs_u64("18446744073709551615\n", &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    cr_assert_eq(procfs_u64("max\n", &v), -1);
    cr_assert_eq(procfs_u64("12abc\n", &v), -1);
}

Test(measure_parsers, procfs_read_refuses_a_missing_file_and_one_larger_than_the_buffer)
{
    char small[8], big[4096];
    errno = 0;
    cr_assert_eq(procfs_read("/proc/self/no-such-file", big, sizeof(big)), -1);
    cr_assert_eq(errno, ENOENT);
    errno = 0;
    cr_assert_eq(procfs_read("/proc/self/status", small, sizeof(small)), -1);
    cr_assert_eq(errno, EFBIG);
    long len = procfs_read("/proc/self/stat", big, sizeof(big));
    cr_assert_gt(len, 0);
    cr_assert_eq((size_t)len, strlen(big));
}
