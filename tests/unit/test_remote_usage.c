/*
 * test_remote_usage.c - the sampler a remote host runs and the reader of
 * what it prints (remote_usage.h): the reader's figures from known text, its
 * refusals of text that is not the sampler's (each naming the line), and the
 * real script run on this machine against a process group that burned known
 * CPU, read back to the same figures as this machine's own readers give.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gated_child.h"
#include "remote_usage.h"
#include "ssh_host.h"
#include "testbed_own.h"

static const pid_t groups[] = {4242, 5150};
static struct server_sample samples[2];
static char err[256];

/* The sampler's first three lines, at 100 ticks a second. */
#define HEADER "twice-usage 2\nticks 100\nuptime 35017.42\n"

static int parse(const char *text)
{
    err[0] = '\0';
    return remote_usage_parse(text, strlen(text), groups, 2, samples, err, sizeof(err));
}

/* A sample of two servers: 4242 with a worker (one thread read of two) and a v2 cgroup, 5150
 * a zombie alone in a v1 cgroup that lacks cpuacct. */
static const char good[] =
    "twice-usage 2\n"
    "ticks 100\n"
    "uptime 35017.42\n"
    "proc 4242 (twice-app) S 1 4242 4242 0 -1 4194560 1 0 0 0 150 50 20 10 20 0 1 0\n"
    "hwm 5120\n"
    "sched 1000000000 250000000 12\n"
    "proc 4250 (twice app) R) S 4242 4242 4242 0 -1 4194560 1 0 0 0 100 30 0 0 20 0 1 0\n"
    "hwm 2048\n"
    "sched 500000000 50000000 3\n"
    "sched 500000000 150000000 4\n"
    "proc 5150 (twice-app) Z 1 5150 5150 0 -1 4194560 1 0 0 0 7 3 0 0 20 0 1 0\n"
    "cgroup 4242 2\n"
    "file cpu.stat usage_usec 4200000\n"
    "file cpu.stat user_usec 3000000\n"
    "file cpu.stat system_usec 1200000\n"
    "file cpu.stat nr_periods 40\n"
    "file cpu.stat nr_throttled 12\n"
    "file cpu.stat throttled_usec 900000\n"
    "file memory.peak 9000000\n"
    "cgroup 5150 1\n"
    "file cpu.stat nr_periods 10\n"
    "file cpu.stat nr_throttled 2\n"
    "file cpu.stat throttled_time 3000000\n"
    "end\n";

Test(remote_usage, a_sample_reads_to_each_servers_figures)
{
    cr_assert_eq(parse(good), 0, "%s", err);
    const struct server_sample *a = &samples[0], *b = &samples[1];
    /* Own and reaped ticks: (150 + 20 + 100) user, (50 + 10 + 30) system, at 100 a second. */
    cr_assert_float_eq(a->usage.user_s, 2.70, 1e-9);
    cr_assert_float_eq(a->usage.system_s, 0.90, 1e-9);
    cr_assert_eq(a->usage.peak_rss_bytes, (5120 + 2048) * 1024ull);
    cr_assert_eq(a->usage.processes, 2);
    cr_assert_eq(a->usage.flags, 0);
    cr_assert_float_eq(a->sched.wait_s, 0.45, 1e-9);
    cr_assert_float_eq(a->sched.run_s, 2.0, 1e-9);
    cr_assert_eq(a->sched.threads, 3);
    cr_assert_eq(a->sched.flags, 0);
    cr_assert_eq(a->cgroup.version, 2);
    cr_assert_eq(a->cgroup.have, CGROUP_HAVE_ALL);
    cr_assert_eq(a->cgroup.usage_us, 4200000);
    cr_assert_eq(a->cgroup.nr_throttled, 12);
    cr_assert_eq(a->cgroup.throttled_us, 900000);
    cr_assert_eq(a->cgroup.peak_bytes, 9000000);
    cr_assert_str_eq(a->note, "");
    cr_assert_float_eq(a->host_time_s, 35017.42, 1e-9, "the host's clock, for every server");
    cr_assert_float_eq(b->host_time_s, 35017.42, 1e-9);
    /* The zombie has no VmHWM and no thread to read: its peak is said missing, its run-queue
     * delay is over and not. */
    cr_assert_float_eq(b->usage.user_s, 0.07, 1e-9);
    cr_assert_eq(b->usage.flags, PROC_USAGE_NO_HWM);
    cr_assert_eq(b->sched.flags, 0);
    cr_assert_eq(b->cgroup.version, 1);
    cr_assert_eq(b->cgroup.have, CGROUP_HAVE_THROTTLING, "cpuacct and memory were not there");
    cr_assert_eq(b->cgroup.throttled_us, 3000);
}

Test(remote_usage, what_the_host_could_not_read_is_said_not_made_up)
{
    const char text[] =
        "twice-usage 2\n"
        "ticks 250\n"
        "uptime 35017.42\n"
        "proc 4242 (twice-app) S 1 4242 4242 0 -1 4194560 1 0 0 0 250 0 0 0 20 0 1 0\n"
        "cgroup 4242 0\n"
        "end";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_float_eq(samples[0].usage.user_s, 1.0, 1e-9, "in the host's ticks");
    cr_assert_eq(samples[0].usage.flags, PROC_USAGE_NO_HWM);
    cr_assert_eq(samples[0].sched.flags, SCHEDSTAT_UNAVAILABLE, "a live process's threads");
    cr_assert_eq(samples[0].cgroup.version, 0);
    cr_assert_str_eq(samples[0].note, "its cgroup was not found on its host");
    cr_assert_eq(samples[1].usage.flags, PROC_USAGE_EMPTY, "no process of 5150 left");
    cr_assert_eq(samples[1].sched.flags, SCHEDSTAT_EMPTY);
}

/* Replaces the first line of good that starts with what by line (NULL: removes it). */
static const char *with_line(const char *what, const char *line)
{
    static char text[sizeof(good) + 256];
    const char *at = strstr(good, what);
    cr_assert_not_null(at, "%s", what);
    const char *next = strchr(at, '\n') + 1;
    snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, line != NULL ? line : "",
             next);
    return text;
}

static void assert_refused(const char *text, const char *message)
{
    cr_assert_eq(parse(text), -1, "accepted; expected: %s", message);
    cr_assert_str_eq(err, message);
}

Test(remote_usage, text_that_is_not_the_samplers_is_refused_with_its_line)
{
    assert_refused("", "line 1: the output stops before \"end\"");
    assert_refused(with_line("twice-usage", "Welcome to host 7!\n"),
                   "line 1: not \"twice-usage 2\": not the sampler's output");
    assert_refused(with_line("ticks", "ticks 0\n"),
                   "line 2: clock ticks \"0\" not a number from 1 to 1000000");
    assert_refused(with_line("ticks", "ticks -100\n"),
                   "line 2: clock ticks \"-100\" not a number from 1 to 1000000");
    assert_refused(with_line("ticks", "hz 100\n"), "line 2: no clock ticks line");
    assert_refused(with_line("uptime", "proc 1\n"), "line 3: no uptime line");
    const char *const not_uptimes[] = {"uptime 35017\n", "uptime 35017.\n", "uptime .42\n",
                                       "uptime -1.5\n", "uptime 1.0000000001\n",
                                       "uptime 4294967296.0\n", "uptime 1.5 x\n"};
    for (size_t i = 0; i < sizeof(not_uptimes) / sizeof(not_uptimes[0]); i++)
        assert_refused(with_line("uptime", not_uptimes[i]),
                       "line 3: uptime not seconds with a fraction, as /proc/uptime has them");
    assert_refused(with_line("end", NULL), "line 24: the output stops before \"end\"");
    assert_refused(with_line("end", "end\nproc 1\n"), "line 25: text after \"end\"");
    assert_refused(with_line("proc 4242", "proc 4242 (x) S 1 7 7 0 -1 0 1 0 0 0 1 1 0 0\n"),
                   "line 4: a process of group 7, which was not asked for");
    assert_refused(with_line("proc 4242", "proc 4242 (x) S 1 4242 4242 0 -1 0 1 0 0 0 -1 1 0 0\n"),
                   "line 4: not a /proc/PID/stat line");
    assert_refused(with_line("proc 4242", "hwm 12\n"),
                   "line 4: a peak RSS with no process before it");
    assert_refused(with_line("proc 4242", "sched 1 2 3\n"),
                   "line 4: a schedstat with no process before it");
    assert_refused(with_line("hwm 5120", "hwm 5120 kB\n"),
                   "line 5: peak RSS \"5120 kB\" is not a number of kB in range");
    assert_refused(with_line("hwm 5120", "hwm 18014398509481984\n"),
                   "line 5: peak RSS \"18014398509481984\" is not a number of kB in range");
    assert_refused(with_line("hwm 2048", "hwm 2048\nhwm 2048\n"),
                   "line 9: a second peak RSS for one process");
    assert_refused(with_line("sched 1000000000", "sched 1 -2 3\n"),
                   "line 6: \"1 -2 3\" is not a schedstat line");
    assert_refused(with_line("cgroup 5150", "cgroup 4242 1\n"),
                   "line 20: a second cgroup for group 4242");
    assert_refused(with_line("cgroup 5150", "cgroup 99 1\n"),
                   "line 20: a cgroup for group \"99\", which was not asked for");
    assert_refused(with_line("cgroup 5150", "cgroup 5150 3\n"),
                   "line 20: cgroup version \"3\" is not 0, 1 or 2");
    assert_refused(with_line("cgroup 5150", "cgroup 5150\n"),
                   "line 20: a cgroup line without its version");
    assert_refused(with_line("file memory.peak", "file memory.max_usage_in_bytes 1\n"),
                   "line 19: \"memory.max_usage_in_bytes\" is not a cgroup v2 file read here");
    assert_refused(with_line("file memory.peak", "file ../../etc/passwd root\n"),
                   "line 19: \"../../etc/passwd\" is not a cgroup v2 file read here");
    assert_refused(with_line("cgroup 4242", "file cpu.stat usage_usec 1\n"),
                   "line 12: a cgroup file line outside a cgroup");
    assert_refused(with_line("cgroup 4242", "proc 1 (x) S 1 4242 4242 0 -1 0 1 0 0 0 1 1 0 0\n"
                                            "cgroup 4242 2\nproc 1 (x) S 1 4242 4242 0 -1 0 "
                                            "1 0 0 0 1 1 0 0\n"),
                   "line 14: a process after the cgroups");
    assert_refused(with_line("sched 500000000 50000000", "stat 1 2 3\n"),
                   "line 9: \"stat 1 2 3\" is not a line of the sample");
    char nul[] = HEADER "hwm\0 1\nend\n";
    cr_assert_eq(remote_usage_parse(nul, sizeof(nul) - 1, groups, 2, samples, err, sizeof(err)),
                 -1);
    cr_assert_str_eq(err, "line 4: a NUL byte");
    char *long_line = malloc(8000);
    snprintf(long_line, 8000, HEADER "proc %07000d\nend\n", 1);
    assert_refused(long_line, "line 4: longer than 4095 bytes");
    free(long_line);
}

Test(remote_usage, a_cgroup_file_longer_than_the_kernels_is_refused)
{
    size_t size = 3 * CGROUP_TEXT_MAX; /* its lines keep half their bytes */
    char *text = malloc(size);
    size_t used = (size_t)snprintf(text, size, HEADER "cgroup 4242 2\n");
    while (used < size - 64)
        used += (size_t)snprintf(text + used, size - used, "file cpu.stat nr_periods 1\n");
    snprintf(text + used, size - used, "end\n");
    cr_assert_eq(parse(text), -1);
    cr_assert(strstr(err, "cgroup file cpu.stat longer than 2048 bytes") != NULL, "%s", err);
    free(text);
}

static void burn_300_ms(void *arg)
{
    (void)arg;
    burn_cpu_s(0.3);
}

/* The script the hosts run, run here through the same ssh_host layer with a local host, reads
 * the group as this machine's readers do. */
Test(remote_usage, the_script_reads_a_group_as_this_machine_does)
{
    gated_child child;
    cr_assert_eq(gated_child_start(&child, burn_300_ms, NULL), 0);
    cr_assert_eq(gated_child_run(&child), 0);
    inventory inv = {0};
    inventory_host here = {.destination = "local", .local = 1};
    ssh_host host = {.inv = &inv, .host = &here, .master_err = -1};
    const char *words[REMOTE_USAGE_WORDS(1)];
    char group_text[1][24];
    const char *cgroups[] = {"/nonexistent-twice-cgroup"};
    remote_usage_words(words, &child.pid, cgroups, 1, group_text);
    int status;
    char *out = NULL, *errout = NULL, run_err[256];
    cr_assert_eq(
        ssh_host_run(&host, words, 10000, &status, &out, &errout, run_err, sizeof(run_err)), 0,
        "%s", run_err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", errout);
    struct server_sample remote, local;
    cr_assert_eq(remote_usage_parse(out, strlen(out), &child.pid, 1, &remote, err, sizeof(err)), 0,
                 "%s in:\n%s", err, out);
    cr_assert_eq(server_sample_local(child.pid, NULL, &local, err, sizeof(err)), 0, "%s", err);
    gated_child_stop(&child);
    cr_assert_eq(remote.usage.processes, local.usage.processes);
    cr_assert_geq(remote.usage.user_s + remote.usage.system_s, 0.25, "%s", out);
    cr_assert_float_eq(remote.usage.user_s + remote.usage.system_s,
                       local.usage.user_s + local.usage.system_s, 0.02);
    cr_assert_gt(remote.usage.peak_rss_bytes, 0);
    cr_assert_eq(remote.usage.peak_rss_bytes, local.usage.peak_rss_bytes);
    cr_assert_eq(remote.usage.flags, 0);
    cr_assert_eq(remote.sched.threads, local.sched.threads);
    cr_assert_float_eq(remote.sched.run_s, local.sched.run_s, 0.02);
    cr_assert_eq(remote.cgroup.version, 0);
    cr_assert_str_eq(remote.note, "its cgroup was not found on its host");
    free(out);
    free(errout);
}

/* Without a cgroup of its own, the script says which one the group runs in, as /proc does. */
Test(remote_usage, the_script_says_the_cgroup_a_group_runs_in)
{
    gated_child child;
    cr_assert_eq(gated_child_start(&child, burn_300_ms, NULL), 0);
    inventory inv = {0};
    inventory_host here = {.destination = "local", .local = 1};
    ssh_host host = {.inv = &inv, .host = &here, .master_err = -1};
    const char *words[REMOTE_USAGE_WORDS(1)];
    char group_text[1][24];
    remote_usage_words(words, &child.pid, NULL, 1, group_text);
    int status;
    char *out = NULL, *errout = NULL, run_err[256];
    cr_assert_eq(
        ssh_host_run(&host, words, 10000, &status, &out, &errout, run_err, sizeof(run_err)), 0,
        "%s", run_err);
    struct server_sample remote;
    cr_assert_eq(remote_usage_parse(out, strlen(out), &child.pid, 1, &remote, err, sizeof(err)), 0,
                 "%s in:\n%s", err, out);
    gated_child_stop(&child);
    /* This machine's own line for the cpu controller (or the unified one). */
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[512], expected[512] = "";
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *path = strchr(strchr(line, ':') + 1, ':');
        if (strstr(line, ":cpu:") != NULL || strstr(line, ":cpu,") != NULL)
            snprintf(expected, sizeof(expected), "1 %s", path + 1);
        else if (strncmp(line, "0::", 3) == 0 && strncmp(expected, "1 ", 2) != 0)
            snprintf(expected, sizeof(expected), "2 %s", path + 1);
    }
    if (f != NULL)
        fclose(f);
    cr_assert_str_eq(remote.host_cgroup, expected, "in:\n%s", out);
    free(out);
    free(errout);
}

Test(remote_usage, a_server_without_a_cgroup_of_its_own_says_where_it_runs)
{
    const char text[] = "twice-usage 2\n"
                        "ticks 100\n"
                        "uptime 35017.42\n"
                        "incgroup 4242 12:pids:/x\n"
                        "incgroup 4242 4:cpu,cpuacct:/twice-1/twice-tb-abc/s0\n"
                        "incgroup 4242 0::/user.slice\n"
                        "incgroup 5150 0::/system.slice/x\n"
                        "end\n";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_str_eq(samples[0].host_cgroup, "1 /twice-1/twice-tb-abc/s0",
                     "the cpu controller's hierarchy, over the unified one");
    cr_assert_str_eq(samples[1].host_cgroup, "2 /system.slice/x");
    cr_assert_eq(samples[0].cgroup.version, 0, "nothing of it was read there");
    assert_refused(HEADER "incgroup 4242 cpu:/x\nend\n",
                   "line 4: \"cpu:/x\" is not a line of /proc/PID/cgroup");
    assert_refused(HEADER "incgroup 4242 1:cpu:x\nend\n",
                   "line 4: \"1:cpu:x\" is not a line of /proc/PID/cgroup");
    assert_refused(HEADER "incgroup 77 0::/\nend\n",
                   "line 4: an incgroup for group \"77\", which was not asked for");
    assert_refused(HEADER "incgroup 4242 0::/a\tb\nend\n",
                   "line 4: a control character in a cgroup path");
    assert_refused(HEADER "incgroup 4242 0::/a\nhwm 1\nend\n",
                   "line 5: a peak RSS with no process before it");
}

Test(remote_usage, a_bed_hosts_cgroup_is_found_on_this_machine_by_its_path)
{
    const char *own[] = {"/sys/fs/cgroup/memory/other", "/sys/fs/cgroup/cpu/twice-1/twice-tb-abc"};
    char dir[128];
    cr_assert_eq(testbed_own_local_dir(own, 2, "/twice-1/twice-tb-abc/s0", dir, sizeof(dir)), 1);
    cr_assert_str_eq(dir, "/sys/fs/cgroup/cpu/twice-1/twice-tb-abc/s0");
    cr_assert_eq(testbed_own_local_dir(own, 2, "/twice-1/twice-tb-abc", dir, sizeof(dir)), 1);
    cr_assert_str_eq(dir, "/sys/fs/cgroup/cpu/twice-1/twice-tb-abc");
    cr_assert_eq(testbed_own_local_dir(own, 2, "/twice-1/twice-tb-abcd/s0", dir, sizeof(dir)), 0,
                 "a name that only begins like the bed's is not the bed's");
    cr_assert_eq(testbed_own_local_dir(own, 2, "/user.slice", dir, sizeof(dir)), 0);
    cr_assert_eq(testbed_own_local_dir(own, 0, "/twice-1/twice-tb-abc/s0", dir, sizeof(dir)), 0);
    cr_assert_eq(testbed_own_local_dir(own, 2, "/twice-1/twice-tb-abc/s0", dir, 20), 0,
                 "a path that does not fit");
}
