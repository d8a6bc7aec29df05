/*
 * test_proc_usage.c - CPU time, peak memory and run-queue delay of a process
 * group, against children that do known work: one burns 0.5 s of CPU, one
 * sleeps, one has a worker burn and exit (counted through the reaping
 * parent), one touches 64 MiB, one runs two busy threads on one CPU (each
 * must wait while the other runs). Bounds are loose for a noisy 2-core
 * machine, tight enough that a wrong reader fails.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gated_child.h"
#include "proc_usage.h"
#include "schedstat.h"

static void burn_half_second(void *arg)
{
    (void)arg;
    burn_cpu_s(0.5);
}

static void sleep_300_ms(void *arg)
{
    (void)arg;
    usleep(300000);
}

/* A worker in the same group burns and exits; its parent reaps it. */
static void worker_burns_and_is_reaped(void *arg)
{
    (void)arg;
    pid_t worker = fork();
    if (worker == 0) {
        burn_cpu_s(0.5);
        _exit(0);
    }
    waitpid(worker, NULL, 0);
}

#define TOUCHED_BYTES (64u << 20)

static void touch_64_mib(void *arg)
{
    (void)arg;
    /* Written through a volatile pointer, page by page, so that no store is optimised away;
     * not freed: the child waits to be killed with its memory resident. */
    volatile char *block = malloc(TOUCHED_BYTES);
    if (block == NULL)
        _exit(1);
    for (size_t i = 0; i < TOUCHED_BYTES; i += 4096)
        block[i] = 1;
}

static sem_t burnt;

/* Burns, says so, and stays alive (with its figures) until the child is killed. */
static void *burn_thread(void *arg)
{
    (void)arg;
    burn_cpu_s(0.4);
    sem_post(&burnt);
    for (;;)
        pause();
    return NULL;
}

/* Two threads that each burn 0.4 s on the same CPU: each waits about as long as the other
 * runs. They stay alive, so that the end sample still holds their figures. */
static void two_threads_on_one_cpu(void *arg)
{
    (void)arg;
    /* The first CPU this process may use (a container's cpuset may not include CPU 0). */
    cpu_set_t allowed, one;
    CPU_ZERO(&one);
    if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
        _exit(1);
    for (int cpu = 0; cpu < CPU_SETSIZE && CPU_COUNT(&one) == 0; cpu++)
        if (CPU_ISSET(cpu, &allowed))
            CPU_SET(cpu, &one);
    if (sched_setaffinity(0, sizeof(one), &one) != 0)
        _exit(1);
    sem_init(&burnt, 0, 0);
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&threads[i], NULL, burn_thread, NULL);
    for (int i = 0; i < 2; i++)
        sem_wait(&burnt);
}

/* Runs work in a gated child and returns the process group's usage over the work. */
static struct proc_usage usage_of(void (*work)(void *))
{
    gated_child child;
    struct proc_usage start, end;
    char err[256];
    cr_assert_eq(gated_child_start(&child, work, NULL), 0);
    cr_assert_eq(proc_usage_sample(child.pid, &start, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(gated_child_run(&child), 0);
    cr_assert_eq(proc_usage_sample(child.pid, &end, err, sizeof(err)), 0, "%s", err);
    gated_child_stop(&child);
    return proc_usage_diff(&start, &end);
}

Test(proc_usage, a_child_that_burns_half_a_second_shows_about_half_a_second)
{
    struct proc_usage d = usage_of(burn_half_second);
    double cpu_s = d.user_s + d.system_s;
    cr_assert(cpu_s > 0.3 && cpu_s < 1.5, "measured %.3f s", cpu_s);
    cr_assert_gt(d.user_s, d.system_s);
    cr_assert_eq(d.processes, 1);
    cr_assert_eq(d.flags & (PROC_USAGE_LOST_CPU | PROC_USAGE_EMPTY), 0);
}

Test(proc_usage, a_sleeping_child_uses_almost_no_cpu)
{
    struct proc_usage d = usage_of(sleep_300_ms);
    cr_assert_lt(d.user_s + d.system_s, 0.1, "measured %.3f s", d.user_s + d.system_s);
    cr_assert_eq(d.processes, 1);
}

Test(proc_usage, a_worker_reaped_by_its_parent_counts_through_the_parent)
{
    struct proc_usage d = usage_of(worker_burns_and_is_reaped);
    double cpu_s = d.user_s + d.system_s;
    cr_assert(cpu_s > 0.3 && cpu_s < 1.5, "measured %.3f s", cpu_s);
    cr_assert_eq(d.processes, 1, "the worker is gone: only its parent is left");
}

Test(proc_usage, peak_rss_is_the_members_vmhwm)
{
    struct proc_usage d = usage_of(touch_64_mib);
    cr_assert_geq(d.peak_rss_bytes, TOUCHED_BYTES);
    cr_assert_lt(d.peak_rss_bytes, 4 * TOUCHED_BYTES);
    cr_assert_eq(d.flags & PROC_USAGE_NO_HWM, 0);
}

Test(proc_usage, a_group_with_no_process_is_flagged_empty)
{
    struct proc_usage u;
    char err[256];
    cr_assert_eq(proc_usage_sample(1 << 23, &u, err, sizeof(err)), 0);
    cr_assert_eq(u.processes, 0);
    cr_assert_float_eq(u.user_s + u.system_s, 0, 1e-12);
    cr_assert_neq(u.flags & PROC_USAGE_EMPTY, 0);
}

Test(proc_usage, cpu_that_left_the_tree_is_flagged_not_negative)
{
    struct proc_usage start = {.user_s = 2.0, .system_s = 1.0, .processes = 2};
    struct proc_usage end = {
        .user_s = 1.5, .system_s = 1.25, .processes = 1, .peak_rss_bytes = 4096};
    struct proc_usage d = proc_usage_diff(&start, &end);
    cr_assert_float_eq(d.user_s, 0, 1e-12);
    cr_assert_float_eq(d.system_s, 0.25, 1e-12);
    cr_assert_neq(d.flags & PROC_USAGE_LOST_CPU, 0);
    cr_assert_eq(d.peak_rss_bytes, 4096);
    cr_assert_eq(d.processes, 1);
}

Test(proc_usage, rusage_pairs_give_the_cpu_in_between)
{
    struct rusage before = {.ru_utime = {1, 900000}, .ru_stime = {0, 100000}};
    struct rusage after = {.ru_utime = {3, 100000}, .ru_stime = {0, 600000}};
    double user_s, system_s;
    proc_usage_rusage_diff(&before, &after, &user_s, &system_s);
    cr_assert_float_eq(user_s, 1.2, 1e-9);
    cr_assert_float_eq(system_s, 0.5, 1e-9);
}

/* Runs work in a gated child and returns its group's run-queue figures over the work. */
static struct schedstat schedstat_of(void (*work)(void *))
{
    gated_child child;
    struct schedstat start, end;
    char err[256];
    cr_assert_eq(gated_child_start(&child, work, NULL), 0);
    cr_assert_eq(schedstat_sample(child.pid, &start, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(gated_child_run(&child), 0);
    cr_assert_eq(schedstat_sample(child.pid, &end, err, sizeof(err)), 0, "%s", err);
    gated_child_stop(&child);
    return schedstat_diff(&start, &end);
}

Test(schedstat, two_threads_sharing_one_cpu_wait_for_each_other)
{
    struct schedstat d = schedstat_of(two_threads_on_one_cpu);
    /* Every thread is read, not only the main one (/proc/PID/schedstat), which barely ran. */
    cr_assert_eq(d.threads, 3);
    cr_assert(d.run_s > 0.6 && d.run_s < 3.0, "ran %.3f s", d.run_s);
    cr_assert_gt(d.wait_s, 0.25, "waited %.3f s", d.wait_s);
    cr_assert_eq(d.flags, 0);
}

Test(schedstat, a_sleeping_child_hardly_waits_for_a_cpu)
{
    struct schedstat d = schedstat_of(sleep_300_ms);
    cr_assert_eq(d.threads, 1);
    cr_assert_lt(d.wait_s, 0.1, "waited %.3f s", d.wait_s);
    cr_assert_lt(d.run_s, 0.1, "ran %.3f s", d.run_s);
}

Test(schedstat, threads_that_exited_are_flagged_not_negative)
{
    struct schedstat start = {.run_s = 3, .wait_s = 1, .threads = 4};
    struct schedstat end = {.run_s = 3.5, .wait_s = 0.5, .threads = 2};
    struct schedstat d = schedstat_diff(&start, &end);
    cr_assert_float_eq(d.run_s, 0.5, 1e-12);
    cr_assert_float_eq(d.wait_s, 0, 1e-12);
    cr_assert_neq(d.flags & SCHEDSTAT_LOST_THREADS, 0);
}

Test(schedstat, a_group_with_no_process_is_flagged_empty)
{
    struct schedstat s;
    char err[256];
    cr_assert_eq(schedstat_sample(1 << 23, &s, err, sizeof(err)), 0);
    cr_assert_eq(s.threads, 0);
    cr_assert_neq(s.flags & SCHEDSTAT_EMPTY, 0);
}
