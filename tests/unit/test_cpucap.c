/*
 * test_cpucap.c - the servers' cgroups: a run empties and removes those that
 * a twice killed together with its watchdog left, and only those. Needs a
 * writable cgroup with the cpu controller (root): skipped elsewhere.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpucap.h"

static void write_pid(const char *group, pid_t pid)
{
    char path[1000];
    snprintf(path, sizeof(path), "%s/cgroup.procs", group);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fprintf(f, "%d\n", (int)pid);
    cr_assert_eq(fclose(f), 0);
}

Test(cpucap, a_dead_twices_groups_are_emptied_and_removed_by_the_next_run)
{
    char err[256], parent[700];
    if (cpucap_prepare(1, 0.5, err, sizeof(err)) != 0)
        cr_skip("CPU caps cannot be set here: %s", err);
    /* ".../twice-PID/s0/cgroup.procs": the groups' parent is three levels up. */
    snprintf(parent, sizeof(parent), "%s", cpucap_procs_file(0));
    for (int i = 0; i < 3; i++)
        *strrchr(parent, '/') = '\0';
    cpucap_release();

    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    char stale[800], group[900], alive[800];
    snprintf(stale, sizeof(stale), "%s/twice-%d", parent, (int)dead);
    snprintf(group, sizeof(group), "%s/s0", stale);
    snprintf(alive, sizeof(alive), "%s/twice-%d", parent, (int)getppid());
    cr_assert_eq(mkdir(stale, 0755), 0, "%s", stale);
    cr_assert_eq(mkdir(group, 0755), 0, "%s", group);
    cr_assert_eq(mkdir(alive, 0755), 0, "%s", alive);
    /* What outlived that twice: a process left in its server's group. */
    pid_t survivor = fork();
    if (survivor == 0) {
        execlp("sleep", "sleep", "100", (char *)NULL);
        _exit(127);
    }
    write_pid(group, survivor);

    int rc = cpucap_prepare(1, 0.5, err, sizeof(err));
    int status = 0;
    pid_t reaped = waitpid(survivor, &status, WNOHANG);
    if (reaped == 0) {
        kill(survivor, SIGKILL);
        waitpid(survivor, NULL, 0);
    }
    struct stat st;
    int stale_left = stat(stale, &st) == 0, alive_left = stat(alive, &st) == 0;
    cpucap_release();
    rmdir(alive);
    rmdir(group);
    rmdir(stale);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert(reaped == survivor && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "what the dead twice left in its group still ran");
    cr_assert(!stale_left, "%s was left", stale);
    cr_assert(alive_left, "the group of a running twice was removed");
}
