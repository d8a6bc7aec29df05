/*
 * test_proc.c - the harness's children: what is left when one of them dies
 * (nothing of its group), when twice itself is SIGKILLed (nothing the
 * watchdog was told of), when fork fails (an error, never a wait on pid -1),
 * and what twice reads back of their stderr (wrk's failures, the workers a
 * server lost). Forks are made to fail with a pids cgroup, which needs root:
 * those tests are skipped elsewhere.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "deploy.h"
#include "load.h"
#include "bind_hint.h"
#include "proc.h"
#include "watchdog.h"

TestSuite(proc, .timeout = 60);

/* This process's cgroup in the cgroup v1 pids hierarchy, or -1 when there is none. */
static int own_pids_cgroup(char *dir, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[512];
    int found = 0;
    while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
        char *at = strstr(line, ":pids:");
        if (at != NULL) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(dir, len, "/sys/fs/cgroup/pids%s", strcmp(at + 6, "/") == 0 ? "" : at + 6);
            found = access(dir, W_OK) == 0;
        }
    }
    if (f != NULL)
        fclose(f);
    return found ? 0 : -1;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void write_pid(const char *dir, pid_t pid)
{
    char path[600], text[32];
    snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
    snprintf(text, sizeof(text), "%d", (int)pid);
    write_text(path, text);
}

/* A new pids cgroup under ours, named for this test process: "twice-test-PID". */
static int new_pids_cgroup(char *parent, char *dir, size_t len)
{
    if (own_pids_cgroup(parent, len) != 0)
        return -1;
    snprintf(dir, len, "%s/twice-test-%d", parent, (int)getpid());
    return mkdir(dir, 0755) == 0 ? 0 : -1;
}

/* Moves this process into a pids cgroup that admits at most max tasks (max 0: not one more):
 * a fork beyond fails with EAGAIN, as when a machine runs out of processes. -1 when that
 * cannot be done. */
static int limit_tasks(char *parent, char *dir, size_t len, const char *max)
{
    char path[700];
    if (new_pids_cgroup(parent, dir, len) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/pids.max", dir);
    if (write_text(path, max) != 0)
        return -1;
    write_pid(dir, getpid());
    return 0;
}

static void allow_fork(const char *parent, const char *dir)
{
    write_pid(parent, getpid());
    rmdir(dir);
}

/* One second of wrk against port 1, where nothing listens: what fails first is the point. */
static int load_port_one(char *err, size_t errlen)
{
    int ports[] = {1};
    load_spec load = {.route = "/",
                      .ports = ports,
                      .nports = 1,
                      .shared_port = 1,
                      .connections = 1,
                      .threads = 1,
                      .duration_s = 1};
    load_result result;
    int rc = load_run(&load, &result, err, errlen);
    if (rc == 0)
        load_result_free(&result);
    return rc;
}

Test(proc, a_failed_fork_is_an_error_that_names_what_could_not_start)
{
    char err[256], parent[512], dir[600];
    char *argv[] = {"true", NULL};
    /* The watchdog starts with the first child, while fork still works. */
    pid_t pid = proc_spawn(argv, -1, -1, NULL, NULL, err, sizeof(err));
    cr_assert_gt(pid, 0, "%s", err);
    int status;
    cr_assert(proc_wait(pid, 5000, &status));
    if (limit_tasks(parent, dir, sizeof(dir), "0") != 0) {
        allow_fork(parent, dir);
        cr_skip("no writable pids cgroup here (needs root and cgroup v1's pids controller)");
    }
    char spawn_err[256] = "", wrk_err[256] = "", deploy_err[256] = "";
    pid = proc_spawn(argv, -1, -1, NULL, NULL, spawn_err, sizeof(spawn_err));

    int load_rc = load_port_one(wrk_err, sizeof(wrk_err));

    scenario sc = {.route = (char *)"/", .workers = 1, .threads = 1};
    scenario_target sleeper = {.kind = SCENARIO_TARGET_COMMAND,
                               .command = (char *)"sleep 10 # {port}"};
    deploy_spec spec = {.sc = &sc, .target = &sleeper, .n = 2};
    deployment d;
    int deploy_rc = deployer_local.start(&d, &spec, deploy_err, sizeof(deploy_err));
    allow_fork(parent, dir);

    cr_assert_eq(pid, -1);
    cr_assert(strstr(spawn_err, "cannot start true: fork: ") != NULL, "%s", spawn_err);
    cr_assert_eq(load_rc, -1);
    cr_assert(strstr(wrk_err, "cannot start wrk: fork: ") != NULL, "%s", wrk_err);
    cr_assert_eq(deploy_rc, -1);
    cr_assert(strstr(deploy_err, "cannot start /bin/sh: fork: ") != NULL, "%s", deploy_err);
    for (unsigned i = 0; i < 2; i++)
        cr_assert_eq(d.pids[i], 0, "nothing is left to stop");
}

Test(proc, no_child_runs_unless_the_watchdog_does)
{
    /* A process of one thread, in a cgroup of two tasks: the child is started, the watchdog
     * cannot be. */
    int report[2];
    cr_assert_eq(pipe(report), 0);
    pid_t tester = fork();
    if (tester == 0) {
        char parent[512], dir[600], err[256] = "";
        char *argv[] = {"sleep", "100", NULL};
        pid_t pid = -1;
        if (limit_tasks(parent, dir, sizeof(dir), "2") == 0)
            pid = proc_spawn(argv, -1, -1, NULL, NULL, err, sizeof(err));
        else
            strcpy(err, "skip");
        allow_fork(parent, dir);
        dprintf(report[1], "%d %s", pid < 0 ? 0 : 1, err);
        _exit(0);
    }
    close(report[1]);
    char text[300] = "";
    ssize_t n = read(report[0], text, sizeof(text) - 1);
    text[n > 0 ? n : 0] = '\0';
    waitpid(tester, NULL, 0);
    close(report[0]);
    if (strcmp(text, "0 skip") == 0)
        cr_skip("no writable pids cgroup here (needs root and cgroup v1's pids controller)");
    cr_assert(strncmp(text, "0 cannot start the watchdog: fork: ", 35) == 0, "%s", text);
}

Test(proc, a_child_is_in_its_own_group_when_spawn_returns)
{
    /* A killpg at once must find the group: were it made only by the child, the signal could
     * arrive first and be lost, and the child would run on. */
    for (int i = 0; i < 20; i++) {
        char err[256];
        char *argv[] = {"sleep", "100", NULL};
        pid_t pid = proc_spawn(argv, -1, -1, NULL, NULL, err, sizeof(err));
        cr_assert_gt(pid, 0, "%s", err);
        cr_assert_eq(killpg(pid, SIGKILL), 0, "no process group %d yet", (int)pid);
        int status;
        cr_assert(proc_wait(pid, 5000, &status));
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    }
}

/* The pid a shell's background job printed on fd (its first line), within 5 s. */
static pid_t first_line_pid(int fd)
{
    for (int waited = 0; waited < 5000; waited += 10) {
        char *text = proc_output(fd, 0, NULL);
        int pid = strchr(text, '\n') != NULL ? atoi(text) : 0;
        free(text);
        if (pid > 0)
            return pid;
        sleep_ms(10);
    }
    cr_assert_fail("the shell printed no pid");
    return -1;
}

Test(proc, a_child_that_dies_takes_its_group_with_it)
{
    char err[256];
    int out = proc_output_fd("test-out", err, sizeof(err));
    cr_assert_geq(out, 0, "%s", err);
    char *argv[] = {"/bin/sh", "-c", "sleep 100 & echo $!; wait", NULL};
    pid_t shell = proc_spawn(argv, out, -1, NULL, NULL, err, sizeof(err));
    cr_assert_gt(shell, 0, "%s", err);
    pid_t grandchild = first_line_pid(out);
    cr_assert(process_alive(grandchild));
    kill(shell, SIGKILL);
    int status;
    cr_assert(proc_wait(shell, 5000, &status));
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cr_assert_eq(wait_gone(grandchild, 2000), 0, "the shell's job outlived it");
    close(out);
}

/* A stand-in for twice: starts argv (joining cgroup join, if set, with the cgroup watched),
 * passes on the pid the shell prints, then waits to be killed. */
static pid_t fake_twice(char *const argv[], const char *cgroup, pid_t *printed)
{
    char err[256];
    int out = proc_output_fd("test-out", err, sizeof(err));
    cr_assert_geq(out, 0, "%s", err);
    pid_t pid = fork();
    if (pid == 0) {
        char join[700];
        snprintf(join, sizeof(join), "%s/cgroup.procs", cgroup != NULL ? cgroup : "");
        if ((cgroup != NULL && watchdog_watch_cgroup(cgroup, err, sizeof(err)) != 0) ||
            proc_spawn(argv, out, -1, NULL, cgroup != NULL ? join : NULL, err, sizeof(err)) < 0)
            _exit(1);
        pause();
        _exit(0);
    }
    *printed = first_line_pid(out);
    close(out);
    return pid;
}

Test(proc, a_killed_twice_takes_the_grandchildren_with_it)
{
    /* The shell is twice's child and dies of PR_SET_PDEATHSIG; its job is not, and only the
     * watchdog can stop it. */
    char *argv[] = {"/bin/sh", "-c", "sleep 100 & echo $!; sleep 100", NULL};
    pid_t grandchild, twice = fake_twice(argv, NULL, &grandchild);
    cr_assert(process_alive(grandchild));
    kill(twice, SIGKILL);
    waitpid(twice, NULL, 0);
    cr_assert_eq(wait_gone(grandchild, 3000), 0, "a grandchild outlived a killed twice");
}

Test(proc, a_killed_twice_empties_and_removes_its_cgroups)
{
    char parent[512], dir[600];
    if (new_pids_cgroup(parent, dir, sizeof(dir)) != 0)
        cr_skip("no writable pids cgroup here (needs root and cgroup v1's pids controller)");
    /* setsid takes the job out of the server's process group: only the cgroup still holds it. */
    char *argv[] = {"/bin/sh", "-c", "setsid sleep 100 & echo $!; sleep 100", NULL};
    pid_t escaped, twice = fake_twice(argv, dir, &escaped);
    cr_assert(process_alive(escaped));
    kill(twice, SIGKILL);
    waitpid(twice, NULL, 0);
    int gone = wait_gone(escaped, 3000);
    struct stat st;
    for (int waited = 0; stat(dir, &st) == 0 && waited < 3000; waited += 10)
        sleep_ms(10);
    int removed = stat(dir, &st) != 0;
    if (!removed) {
        kill(escaped, SIGKILL);
        rmdir(dir);
    }
    cr_assert_eq(gone, 0, "a process of the server's cgroup outlived a killed twice");
    cr_assert(removed, "%s was left behind", dir);
}

Test(proc, wrk_failing_says_how_and_then_what_it_said)
{
    char script[] = "/tmp/twice-test-lua-XXXXXX", err[512];
    int fd = mkstemp(script);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "x = \"unterminated\n", 18), 18);
    close(fd);
    setenv("TWICE_LUA", script, 1);
    int rc = load_port_one(err, sizeof(err));
    unlink(script);
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err, "wrk exited with status 1; its stderr ends:\n") != NULL, "%s", err);
    cr_assert(strstr(err, "unfinished string") != NULL, "%s", err);
}

static void append(int fd, const char *text)
{
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

Test(proc, the_workers_a_server_lost_are_counted_from_its_stderr)
{
    deployment d;
    memset(&d, 0, sizeof(d));
    d.n = 2;
    d.stderr_fds[0] = memfd_create("test-stderr", MFD_CLOEXEC);
    d.stderr_fds[1] = -1;
    char err[256];
    append(d.stderr_fds[0],
           "twice-app: something else\n"
           "twice: worker 0 (pid 11) was killed by signal 11 (Segmentation fault); starting a "
           "new one\n"
           "twice: worker 1 (pid 12) exited with status 3; starting a new one\n"
           "twice: worker 0 (pid 13) was killed by sig");
    cr_assert_eq(deployer_local.check(&d, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(d.lost_workers[0], 2);
    cr_assert_str_eq(d.last_loss[0], "twice: worker 1 (pid 12) exited with status 3");
    /* The rest of the half-written line arrives later, then a death during shutdown. */
    append(d.stderr_fds[0], "nal 9 (Killed); starting a new one\n"
                            "twice: worker 1 (pid 14) was killed by signal 9 (Killed) during "
                            "shutdown\n");
    cr_assert_eq(deployer_local.check(&d, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(d.lost_workers[0], 3);
    cr_assert_str_eq(d.last_loss[0], "twice: worker 0 (pid 13) was killed by signal 9 (Killed)");
    cr_assert_eq(d.lost_workers[1], 0);
    close(d.stderr_fds[0]);
}

/* The pid a daemon wrote to path, waited for up to 5 s; 0 when none came. */
static pid_t daemon_pid(const char *path)
{
    for (int waited = 0; waited < 5000; waited += 10) {
        FILE *f = fopen(path, "r");
        int pid = 0;
        int got = f != NULL ? fscanf(f, "%d\n", &pid) : 0;
        if (f != NULL)
            fclose(f);
        if (got == 1 && pid > 0)
            return pid;
        sleep_ms(10);
    }
    return 0;
}

Test(proc, a_daemon_is_not_twices_child_and_in_a_session_of_its_own)
{
    char path[] = "/tmp/twice-daemon-XXXXXX", script[128], err[256];
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    unlink(path);
    snprintf(script, sizeof(script), "echo $$ > %s.tmp && mv %s.tmp %s && exec sleep 30", path,
             path, path);
    char *const argv[] = {"sh", "-c", script, NULL};
    cr_assert_eq(proc_spawn_daemon(argv, -1, NULL, err, sizeof(err)), 0, "%s", err);
    pid_t pid = daemon_pid(path);
    unlink(path);
    cr_assert_gt(pid, 0, "the daemon never ran");
    /* Not in twice's session nor its process group, so not signalled with it, and not its
     * child. */
    cr_assert_neq(getsid(pid), getsid(0));
    cr_assert_neq(getpgid(pid), getpgid(0));
    size_t n;
    pid_t *children = children_of(getpid(), &n);
    for (size_t i = 0; i < n; i++)
        cr_assert_neq(children[i], pid);
    free(children);
    kill(pid, SIGKILL);
    cr_assert_eq(wait_gone(pid, 5000), 0);
}

Test(proc, a_daemon_that_cannot_run_or_join_its_group_is_an_error)
{
    char err[256];
    char *const missing[] = {"/nonexistent/daemon", NULL};
    cr_assert_eq(proc_spawn_daemon(missing, -1, NULL, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "cannot run /nonexistent/daemon: No such file or directory");
    char *const sleeper[] = {"sleep", "30", NULL};
    cr_assert_eq(proc_spawn_daemon(sleeper, -1, "/nonexistent/cgroup.procs", err, sizeof(err)), -1);
    cr_assert_str_eq(err, "cannot start sleep: cannot join /nonexistent/cgroup.procs: No such "
                          "file or directory");
}

/* A failed child's stderr is shown by its last lines, a traceback's end included: twenty of
 * them, within the byte limit. */
Test(proc, a_stderr_note_shows_the_last_lines)
{
    char err[128];
    int fd = proc_output_fd("note", err, sizeof(err));
    cr_assert_geq(fd, 0, "%s", err);
    for (int i = 1; i <= 30; i++)
        dprintf(fd, "line %d\n", i);
    char *note = proc_stderr_note(fd, PROC_NOTE_BYTES);
    cr_assert(strncmp(note, "; its stderr ends:\nline 11\nline 12\n", 35) == 0, "%s", note);
    cr_assert(strstr(note, "line 30\n") != NULL && strstr(note, "line 10\n") == NULL, "%s", note);
    free(note);
    /* Fewer bytes than twenty lines: the bytes decide. */
    note = proc_stderr_note(fd, 16);
    cr_assert_str_eq(note, "; its stderr ends:\nline 29\nline 30\n");
    free(note);
    close(fd);
    fd = proc_output_fd("empty", err, sizeof(err));
    note = proc_stderr_note(fd, PROC_NOTE_BYTES);
    cr_assert_str_eq(note, "", "nothing to show");
    free(note);
    close(fd);
    /* The remote supervisor's own lines are not the program's. */
    fd = proc_output_fd("supervised", err, sizeof(err));
    dprintf(fd, "twice-supervisor: server 3052\ncannot listen: the port is taken\n"
                "twice-supervisor: CPU cap not applied: no cgroup\n");
    note = proc_stderr_note(fd, PROC_NOTE_BYTES);
    cr_assert_str_eq(note, "; its stderr ends:\ncannot listen: the port is taken\n");
    free(note);
    close(fd);
    fd = proc_output_fd("only-notes", err, sizeof(err));
    dprintf(fd, "twice-supervisor: server 3052\n");
    note = proc_stderr_note(fd, PROC_NOTE_BYTES);
    cr_assert_str_eq(note, "", "nothing of the program's to show");
    free(note);
    close(fd);
}

/* The phrases servers print when their port is taken, and what twice says to change. */
Test(proc, a_port_in_use_is_recognised)
{
    const char *in_use[] = {"nginx: [emerg] bind() to 127.0.0.1:80 failed (98: Address already "
                            "in use)",
                            "[ERROR] Connection in use: ('127.0.0.1', 8000)",
                            "Error: listen EADDRINUSE: address already in use :::3000"};
    for (size_t i = 0; i < sizeof(in_use) / sizeof(in_use[0]); i++)
        cr_assert(bind_hint_address_in_use(in_use[i]), "%s", in_use[i]);
    cr_assert_not(bind_hint_address_in_use("Traceback: ModuleNotFoundError: No module named x"));
    cr_assert(strstr(bind_hint_reuseport(), "SO_REUSEPORT (gunicorn: --reuse-port)") != NULL);
    cr_assert(strstr(bind_hint_reuseport(), "\"front\": \"direct\"") != NULL);
}
