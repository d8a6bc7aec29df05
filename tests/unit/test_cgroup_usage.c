/*
 * test_cgroup_usage.c - a cgroup's counters: exact figures from made-up
 * group directories of both versions (and what is missing from them said),
 * then real groups: the harness's own capped group (deploy/cpucap.c) must
 * show a child that spins under a 0.1-core cap throttled, and a cgroup v2
 * group must count a child's half second of CPU. The real groups need root;
 * those tests are skipped elsewhere.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_usage.h"
#include "cpucap.h"
#include "gated_child.h"
#include "measure_window.h"
#include "procfs.h"
#include "watchdog.h"

static void write_text(const char *dir, const char *file, const char *text)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static char *fake_group(void)
{
    static char dir[64];
    snprintf(dir, sizeof(dir), "/tmp/twice-cgroup-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    write_text(dir, "cgroup.procs", "");
    return dir;
}

static void remove_fake_group(const char *dir)
{
    char command[128];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}

Test(cgroup_usage, v2_files_give_exact_figures)
{
    char *dir = fake_group(), err[256];
    write_text(dir, "cgroup.controllers", "cpu memory\n");
    write_text(dir, "cpu.stat",
               "usage_usec 1500000\nuser_usec 1200000\nsystem_usec 300000\n"
               "nr_periods 40\nnr_throttled 12\nthrottled_usec 250000\n");
    write_text(dir, "memory.peak", "73400320\n");
    struct cgroup_usage u;
    cr_assert_eq(cgroup_usage_sample(dir, &u, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(u.version, 2);
    cr_assert_eq(u.have, CGROUP_HAVE_ALL);
    cr_assert_eq(u.usage_us, 1500000);
    cr_assert_eq(u.user_us, 1200000);
    cr_assert_eq(u.system_us, 300000);
    cr_assert_eq(u.nr_periods, 40);
    cr_assert_eq(u.nr_throttled, 12);
    cr_assert_eq(u.throttled_us, 250000);
    cr_assert_eq(u.peak_bytes, 73400320);
    remove_fake_group(dir);
}

Test(cgroup_usage, v2_without_the_cpu_controller_or_memory_peak_says_what_is_missing)
{
    char *dir = fake_group(), err[256], missing[128];
    write_text(dir, "cgroup.controllers", "");
    write_text(dir, "cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
    struct cgroup_usage u;
    cr_assert_eq(cgroup_usage_sample(dir, &u, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(u.have, CGROUP_HAVE_USAGE | CGROUP_HAVE_USER_SYSTEM);
    cr_assert_eq(u.usage_us, 10);
    cr_assert_str_eq(cgroup_usage_missing(u.have, missing, sizeof(missing)),
                     "throttling, peak memory");
    remove_fake_group(dir);
}

Test(cgroup_usage, v1_files_are_converted_to_microseconds)
{
    char *dir = fake_group(), err[256];
    write_text(dir, "cpuacct.usage", "2500000000\n");
    write_text(dir, "cpuacct.stat", "user 150\nsystem 50\n");
    write_text(dir, "cpu.stat",
               "nr_periods 20\nnr_throttled 5\nthrottled_time 700000000\n"
               "nr_bursts 0\nburst_time 0\n");
    write_text(dir, "memory.max_usage_in_bytes", "1048576\n");
    struct cgroup_usage u;
    cr_assert_eq(cgroup_usage_sample(dir, &u, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(u.version, 1);
    cr_assert_eq(u.have, CGROUP_HAVE_ALL);
    cr_assert_eq(u.usage_us, 2500000);
    cr_assert_eq(u.user_us, (uint64_t)(150 * procfs_tick_s() * 1e6 + 0.5));
    cr_assert_eq(u.system_us, (uint64_t)(50 * procfs_tick_s() * 1e6 + 0.5));
    cr_assert_eq(u.nr_throttled, 5);
    cr_assert_eq(u.throttled_us, 700000);
    cr_assert_eq(u.peak_bytes, 1048576);
    remove_fake_group(dir);
}

Test(cgroup_usage, v1_with_only_the_cpu_controller_has_throttling_alone)
{
    char *dir = fake_group(), err[256], missing[128];
    write_text(dir, "cpu.stat", "nr_periods 1\nnr_throttled 1\nthrottled_time 5000\n");
    write_text(dir, "cpuacct.usage", "garbage\n");
    struct cgroup_usage u;
    cr_assert_eq(cgroup_usage_sample(dir, &u, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(u.have, CGROUP_HAVE_THROTTLING);
    cr_assert_eq(u.usage_us, 0);
    cr_assert_str_eq(cgroup_usage_missing(u.have, missing, sizeof(missing)),
                     "CPU usage, user/system time, peak memory");
    remove_fake_group(dir);
}

Test(cgroup_usage, a_directory_that_is_not_a_cgroup_is_refused_by_name)
{
    struct cgroup_usage u;
    char err[256];
    cr_assert_eq(cgroup_usage_sample("/tmp/no-such-twice-group", &u, err, sizeof(err)), -1);
    cr_assert(strstr(err, "/tmp/no-such-twice-group: not a cgroup directory") != NULL, "%s", err);
}

Test(cgroup_usage, counters_that_went_down_are_left_out_of_the_difference)
{
    struct cgroup_usage start = {.version = 2,
                                 .have = CGROUP_HAVE_ALL,
                                 .usage_us = 100,
                                 .nr_periods = 10,
                                 .nr_throttled = 5,
                                 .throttled_us = 50};
    struct cgroup_usage end = {.version = 2,
                               .have = CGROUP_HAVE_ALL,
                               .usage_us = 40,
                               .user_us = 30,
                               .system_us = 10,
                               .nr_periods = 15,
                               .nr_throttled = 7,
                               .throttled_us = 80,
                               .peak_bytes = 999};
    struct cgroup_usage d = cgroup_usage_diff(&start, &end);
    cr_assert_eq(d.have, CGROUP_HAVE_USER_SYSTEM | CGROUP_HAVE_THROTTLING | CGROUP_HAVE_PEAK);
    cr_assert_eq(d.nr_periods, 5);
    cr_assert_eq(d.nr_throttled, 2);
    cr_assert_eq(d.throttled_us, 30);
    cr_assert_eq(d.peak_bytes, 999);
}

/* Spins for 0.6 s of wall-clock time: under a 0.1-core cap it gets about 0.06 s of CPU. */
static void spin_600_ms(void *arg)
{
    (void)arg;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 < 0.6);
}

static void burn_half_second(void *arg)
{
    (void)arg;
    burn_cpu_s(0.5);
}

static void join_group(const char *dir, pid_t pid)
{
    char text[32];
    snprintf(text, sizeof(text), "%d\n", (int)pid);
    write_text(dir, "cgroup.procs", text);
}

Test(cgroup_usage, a_child_spinning_under_a_tight_cap_is_throttled)
{
    char err[512], dir[700], accounting[800] = "", accounting_parent[800];
    if (cpucap_prepare(1, 0.1, err, sizeof(err)) != 0)
        cr_skip("CPU caps cannot be set here: %s", err);
    snprintf(dir, sizeof(dir), "%s", cpucap_procs_file(0));
    *strrchr(dir, '/') = '\0';
    gated_child child;
    cr_assert_eq(gated_child_start(&child, spin_600_ms, NULL), 0);
    join_group(dir, child.pid);
    /* cgroup v1 with its controllers mounted apart (as on Debian's hybrid layout): the CPU
     * usage is in the cpuacct hierarchy, at the same path, where cpucap.c makes no group. */
    const char *v1_cpu = "/sys/fs/cgroup/cpu/";
    if (strncmp(dir, v1_cpu, strlen(v1_cpu)) == 0) {
        snprintf(accounting, sizeof(accounting), "/sys/fs/cgroup/cpuacct/%s", dir + strlen(v1_cpu));
        snprintf(accounting_parent, sizeof(accounting_parent), "%s", accounting);
        *strrchr(accounting_parent, '/') = '\0';
        cr_assert_eq(mkdir(accounting_parent, 0755), 0, "%s: %s", accounting_parent,
                     strerror(errno));
        cr_assert_eq(mkdir(accounting, 0755), 0, "%s: %s", accounting, strerror(errno));
        /* Removed by the watchdog if this test dies half-way, as cpucap's own groups are. */
        cr_assert_eq(watchdog_watch_cgroup(accounting_parent, err, sizeof(err)), 0, "%s", err);
        cr_assert_eq(watchdog_watch_cgroup(accounting, err, sizeof(err)), 0, "%s", err);
        join_group(accounting, child.pid);
    }
    const char *cgroups[] = {dir};
    struct measure_targets targets = {
        .server_groups = &child.pid, .server_cgroups = cgroups, .servers = 1};
    struct measure_window w;
    cr_assert_eq(measure_window_start(&w, &targets, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(gated_child_run(&child), 0);
    const struct measure_result *r = measure_window_stop(&w, err, sizeof(err));
    cr_assert_not_null(r, "%s", err);
    const struct measure_server *s = &r->servers[0];
    gated_child_stop(&child);
    if (accounting[0] != '\0') {
        cpucap_remove_group(accounting);
        cr_assert_eq(rmdir(accounting_parent), 0, "%s: %s", accounting_parent, strerror(errno));
        watchdog_forget_cgroup(accounting);
        watchdog_forget_cgroup(accounting_parent);
    }
    cpucap_release();

    cr_assert(s->cgroup.version == 1 || s->cgroup.version == 2);
    cr_assert_neq(s->cgroup.have & CGROUP_HAVE_THROTTLING, 0, "%s", r->notes);
    cr_assert_neq(s->cgroup.have & CGROUP_HAVE_USAGE, 0, "%s", r->notes);
    cr_assert_geq(s->cgroup.nr_throttled, 2, "throttled %llu times",
                  (unsigned long long)s->cgroup.nr_throttled);
    cr_assert_geq(s->cgroup.nr_periods, s->cgroup.nr_throttled);
    cr_assert_gt(s->cgroup.throttled_us, 100000, "throttled %llu us",
                 (unsigned long long)s->cgroup.throttled_us);
    /* The cap held it to about 0.06 s; the server's figure is the cgroup's. */
    cr_assert(s->cpu_s > 0.02 && s->cpu_s < 0.25, "used %.3f s", s->cpu_s);
    cr_assert_float_eq(s->cpu_s, (double)s->cgroup.usage_us / 1e6, 1e-9);
    double proc_cpu_s = s->usage.user_s + s->usage.system_s;
    cr_assert_lt(proc_cpu_s > s->cpu_s ? proc_cpu_s - s->cpu_s : s->cpu_s - proc_cpu_s, 0.05,
                 "/proc says %.3f s, the cgroup %.3f s", proc_cpu_s, s->cpu_s);
    measure_window_free(&w);
}

Test(cgroup_usage, a_v2_group_counts_its_childs_cpu)
{
    char dir[128], err[256];
    const char *unified = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0
                              ? "/sys/fs/cgroup"
                              : "/sys/fs/cgroup/unified";
    snprintf(dir, sizeof(dir), "%s/twice-measure-%d", unified, (int)getpid());
    if (mkdir(dir, 0755) != 0)
        cr_skip("no writable cgroup v2 hierarchy: %s: %s", dir, strerror(errno));
    gated_child child;
    cr_assert_eq(gated_child_start(&child, burn_half_second, NULL), 0);
    join_group(dir, child.pid);
    struct cgroup_usage start, end;
    cr_assert_eq(cgroup_usage_sample(dir, &start, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(gated_child_run(&child), 0);
    cr_assert_eq(cgroup_usage_sample(dir, &end, err, sizeof(err)), 0, "%s", err);
    gated_child_stop(&child);
    cpucap_remove_group(dir);
    struct cgroup_usage d = cgroup_usage_diff(&start, &end);
    cr_assert_eq(d.version, 2);
    cr_assert_eq(d.have & (CGROUP_HAVE_USAGE | CGROUP_HAVE_USER_SYSTEM),
                 CGROUP_HAVE_USAGE | CGROUP_HAVE_USER_SYSTEM);
    /* Not capped: it burnt half a second of CPU, however busy the machine. */
    cr_assert(d.usage_us > 300000 && d.usage_us < 1500000, "used %llu us",
              (unsigned long long)d.usage_us);
    cr_assert_geq(d.usage_us + 20000, d.user_us + d.system_us);
}
