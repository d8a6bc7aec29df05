/*
 * test_supervisor.c - the supervisor script (supervisor.h) run on this
 * machine, as a remote host runs it, with its stdin a pipe the test holds:
 * whatever closes that pipe, and whenever, the server's whole process group
 * goes (a server that ignores SIGTERM too, after the grace; a stdin closed
 * before the server made its group too, and a stderr gone before the
 * supervisor said the server's pid); a server that exits by itself
 * gives its status back; and a CPU cap puts the server in a capped cgroup
 * that is removed after (root with a cgroup file system only; skipped,
 * saying so, elsewhere).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "proc.h"
#include "supervisor.h"

static int stdin_pipe[2] = {-1, -1};
static const char *shell = "sh"; /* what runs the script, as a host's sh would */
static int err_fd = -1;
static pid_t supervisor = -1;

static void fini(void)
{
    if (supervisor > 0)
        proc_stop_group(supervisor, 0);
    for (int i = 0; i < 2; i++)
        if (stdin_pipe[i] >= 0)
            close(stdin_pipe[i]);
    if (err_fd >= 0)
        close(err_fd);
}

TestSuite(supervisor, .fini = fini, .timeout = 60);

/* Starts command under the supervisor, capped at cores, its stdin a pipe held here, its
 * stderr err_fd (a memfd when not set). */
static void start(double cores, const char *const command[])
{
    const char *words[32];
    char quota[32], err[256];
    cr_assert_eq(supervisor_words(words, 32, cores, quota, sizeof(quota), command), 0);
    words[0] = shell;
    cr_assert_eq(pipe2(stdin_pipe, O_CLOEXEC), 0);
    if (err_fd < 0)
        err_fd = memfd_create("supervisor-err", MFD_CLOEXEC);
    supervisor = proc_spawn_stdin((char *const *)words, stdin_pipe[0], -1, err_fd, NULL, NULL, err,
                                  sizeof(err));
    cr_assert_gt(supervisor, 0, "%s", err);
    close(stdin_pipe[0]);
    stdin_pipe[0] = -1;
}

/* The pids the server wrote to path ("SERVER CHILD"), once it has. */
static void server_pids(const char *path, pid_t pids[2])
{
    for (int waited = 0; waited < 10000; waited += 20) {
        FILE *f = fopen(path, "r");
        int a = 0, b = 0;
        int got = f != NULL ? fscanf(f, "%d %d", &a, &b) : 0;
        if (f != NULL)
            fclose(f);
        if (got == 2) {
            pids[0] = a;
            pids[1] = b;
            return;
        }
        sleep_ms(20);
    }
    cr_assert_fail("the server did not start");
}

/* A server and a child of its, both in its group, their pids to path; trap_term: "" or a
 * trap that ignores SIGTERM. */
static void start_server_with_child(const char *path, const char *trap_term)
{
    char script[512];
    snprintf(script, sizeof(script),
             "%s sleep 300 & echo $$ $! >%s.tmp; mv %s.tmp %s; exec sleep 300", trap_term, path,
             path, path);
    start(0, (const char *const[]){"sh", "-c", script, NULL});
}

static int supervisor_status(int timeout_ms)
{
    int status;
    cr_assert(proc_wait(supervisor, timeout_ms, &status), "the supervisor is still running");
    supervisor = -1;
    return status;
}

/* Closes the supervisor's stdin: it must end as its server did, killed by sig, and take the
 * server (pids[0]) and its child (pids[1]) with it. */
static void close_stdin_and_expect(const pid_t pids[2], int sig, int timeout_ms)
{
    close(stdin_pipe[1]);
    stdin_pipe[1] = -1;
    int status = supervisor_status(timeout_ms);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig, "status %d", status);
    cr_assert_eq(wait_gone(pids[0], 2000), 0, "the server is still there");
    cr_assert_eq(wait_gone(pids[1], 2000), 0, "the server's child is still there");
}

Test(supervisor, closing_stdin_stops_the_server_and_its_children)
{
    char path[64];
    pid_t pids[2];
    snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d", (int)getpid());
    start_server_with_child(path, "");
    server_pids(path, pids);
    unlink(path);
    cr_assert(process_alive(pids[0]) && process_alive(pids[1]));
    close_stdin_and_expect(pids, SIGTERM, 5000);
}

Test(supervisor, a_server_that_ignores_sigterm_is_killed_after_the_grace)
{
    char path[64];
    pid_t pids[2];
    snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d", (int)getpid());
    start_server_with_child(path, "trap '' TERM;");
    server_pids(path, pids);
    unlink(path);
    close_stdin_and_expect(pids, SIGKILL, 8000);
}

Test(supervisor, a_stdin_closed_before_the_server_made_its_group_still_stops_it)
{
    /* Many rounds: the close has to land at every point of the server's start. */
    for (int round = 0; round < 20; round++) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d-%d", (int)getpid(), round);
        char script[256];
        snprintf(script, sizeof(script), "echo $$ >%s; exec sleep 300", path);
        start(0, (const char *const[]){"sh", "-c", script, NULL});
        if (round % 2 == 1)
            sleep_ms(round);
        close(stdin_pipe[1]);
        stdin_pipe[1] = -1;
        supervisor_status(8000);
        close(err_fd);
        err_fd = -1;
        FILE *f = fopen(path, "r");
        int pid = 0;
        if (f != NULL && fscanf(f, "%d", &pid) != 1)
            pid = 0;
        if (f != NULL)
            fclose(f);
        unlink(path);
        cr_assert(pid == 0 || wait_gone(pid, 3000) == 0, "round %d: the server outlived its stdin",
                  round);
    }
}

/* twice killed as a server starts: its ssh connection, the supervisor's stderr, is gone
 * before the supervisor says the server's pid, and its stdin closes after. The supervisor must
 * end as its server did (sig), not of a SIGPIPE on the way. */
static void stderr_gone_then_stdin_closed(const char *trap_term, int sig)
{
    char path[64];
    pid_t pids[2];
    snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d", (int)getpid());
    int gone[2];
    cr_assert_eq(pipe2(gone, O_CLOEXEC), 0);
    close(gone[0]);
    err_fd = gone[1];
    start_server_with_child(path, trap_term);
    close(err_fd);
    err_fd = -1;
    server_pids(path, pids);
    unlink(path);
    close_stdin_and_expect(pids, sig, 8000);
}

Test(supervisor, a_stderr_gone_before_the_server_started_still_stops_it)
{
    stderr_gone_then_stdin_closed("", SIGTERM);
}

/* The cgroup a capped supervisor (pid) makes beside this process's own, on cgroup v1's cpu
 * hierarchy or v2: where supervisor.c puts it. */
static void supervisor_cgroup(pid_t pid, char *dir, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[512], own[400] = "";
    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        char *controllers = strchr(line, ':');
        char *path = controllers != NULL ? strchr(controllers + 1, ':') : NULL;
        if (path == NULL)
            continue;
        path[strcspn(path, "\n")] = '\0';
        if (strncmp(controllers, ":cpu:", 5) == 0 || strncmp(controllers, ":cpu,", 5) == 0)
            snprintf(own, sizeof(own), "cpu%s", path + 1);
        else if (strncmp(line, "0::", 3) == 0 && own[0] == '\0')
            snprintf(own, sizeof(own), "%s", path + 1);
    }
    fclose(f);
    snprintf(dir, len, "/sys/fs/cgroup/%s%stwice-server-%d", own,
             own[strlen(own) - 1] == '/' ? "" : "/", (int)pid);
}

/* bash, some hosts' sh, says "Killed" on stderr once a background server died of SIGKILL, when
 * it next runs a program (rmdir, removing the cap's cgroup): a supervisor told to stop (SIGTERM,
 * its trap) whose server ignores SIGTERM must still remove the cgroup and exit, not die of a
 * SIGPIPE first. */
Test(supervisor, under_bash_a_stop_that_kills_a_capped_server_with_stderr_gone)
{
    if (geteuid() != 0)
        cr_skip_test("a CPU cap needs a cgroup of one's own: root only");
    char path[64], script[512], group[600];
    pid_t pids[2];
    snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d", (int)getpid());
    snprintf(script, sizeof(script),
             "trap '' TERM; sleep 300 & echo $$ $! >%s.tmp; mv %s.tmp %s; exec sleep 300", path,
             path, path);
    int gone[2];
    cr_assert_eq(pipe2(gone, O_CLOEXEC), 0);
    close(gone[0]);
    err_fd = gone[1];
    shell = "bash";
    start(0.25, (const char *const[]){"sh", "-c", script, NULL});
    close(err_fd);
    err_fd = -1;
    server_pids(path, pids);
    unlink(path);
    supervisor_cgroup(supervisor, group, sizeof(group));
    struct stat st;
    if (stat(group, &st) != 0)
        cr_skip_test("no cgroup for a cap at %s on this machine", group);
    kill(supervisor, SIGTERM);
    int status = supervisor_status(8000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM, "status %d", status);
    cr_assert_eq(wait_gone(pids[0], 2000), 0, "the server is still there");
    cr_assert_eq(wait_gone(pids[1], 2000), 0, "the server's child is still there");
    cr_assert_neq(stat(group, &st), 0, "%s is still there", group);
}

Test(supervisor, a_server_that_exits_gives_its_status_and_stderr_back)
{
    start(0, (const char *const[]){"sh", "-c", "echo 'cannot bind' >&2; exit 3", NULL});
    int status = supervisor_status(5000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %d", status);
    char *text = proc_output(err_fd, 0, NULL);
    /* Its own stderr, and the supervisor's word of its pid, in either order. */
    cr_assert(strncmp(text, "cannot bind\n", 12) == 0 || strstr(text, "\ncannot bind\n") != NULL,
              "%s", text);
    cr_assert_gt(supervisor_server_pid(text), 0, "%s", text);
    free(text);
}

Test(supervisor, says_the_servers_pid_which_leads_its_group)
{
    char path[64];
    pid_t pids[2];
    snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d", (int)getpid());
    start_server_with_child(path, "");
    server_pids(path, pids);
    unlink(path);
    pid_t said = 0;
    for (int waited = 0; waited < 5000 && said == 0; waited += 20) {
        char *text = proc_output(err_fd, 0, NULL);
        said = supervisor_server_pid(text);
        free(text);
        if (said == 0)
            sleep_ms(20);
    }
    cr_assert_eq(said, pids[0], "the supervisor said %d, the server is %d", (int)said,
                 (int)pids[0]);
    cr_assert_eq(getpgid(pids[1]), said, "the server's child is in the group named by the pid");
    cr_assert_eq(getsid(said), said);
}

Test(supervisor, a_cap_puts_the_server_in_a_capped_cgroup_removed_after)
{
    if (geteuid() != 0)
        cr_skip_test("a CPU cap needs a cgroup of one's own: root only");
    char path[64];
    snprintf(path, sizeof(path), "/tmp/twice-supervisor-test-%d", (int)getpid());
    char script[256];
    snprintf(script, sizeof(script), "cat /proc/self/cgroup >%s.tmp; mv %s.tmp %s; exec sleep 300",
             path, path, path);
    start(0.25, (const char *const[]){"sh", "-c", script, NULL});
    char cgroups[4096] = "";
    for (int waited = 0; waited < 10000 && cgroups[0] == '\0'; waited += 20) {
        FILE *f = fopen(path, "r");
        size_t got = f != NULL ? fread(cgroups, 1, sizeof(cgroups) - 1, f) : 0;
        cgroups[got] = '\0';
        if (f != NULL)
            fclose(f);
        sleep_ms(20);
    }
    unlink(path);
    char *note = proc_output(err_fd, 0, NULL);
    char why[160];
    int applied = supervisor_cap_note(note, why, sizeof(why));
    cr_assert_neq(applied, -1, "the supervisor said nothing of the cap: %s", note);
    if (applied == 0) {
        free(note);
        cr_skip_test("no cgroup for a cap on this machine: %s", why);
    }
    /* "...: CPU cap applied: DIR": the server's cgroup, with the quota. */
    const char *dir = strstr(note, "applied: ") + strlen("applied: ");
    char group[512], quota_file[600];
    snprintf(group, sizeof(group), "%.*s", (int)strcspn(dir, "\n"), dir);
    const char *name = strrchr(group, '/');
    cr_assert(strstr(cgroups, name) != NULL, "the server is not in %s: %s", group, cgroups);
    long quota = 0;
    snprintf(quota_file, sizeof(quota_file), "%s/cpu.cfs_quota_us", group);
    FILE *f = fopen(quota_file, "r");
    if (f != NULL) {
        cr_assert_eq(fscanf(f, "%ld", &quota), 1);
    } else {
        snprintf(quota_file, sizeof(quota_file), "%s/cpu.max", group);
        f = fopen(quota_file, "r");
        cr_assert_not_null(f, "%s", group);
        cr_assert_eq(fscanf(f, "%ld", &quota), 1);
    }
    fclose(f);
    cr_assert_eq(quota, 2500, "0.25 cores of a 10 ms period");
    free(note);
    close(stdin_pipe[1]);
    stdin_pipe[1] = -1;
    supervisor_status(5000);
    struct stat st;
    cr_assert_neq(stat(group, &st), 0, "%s is still there", group);
}
