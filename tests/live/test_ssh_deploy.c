/*
 * test_ssh_deploy.c - the ssh deployer on the test bed's hosts, for real:
 * OpenSSH to each namespace's sshd, the supervisor on the far side. Servers
 * start on their hosts and answer at the hosts' addresses; a server that
 * fails shows its remote stderr and its host, and one that dies later is
 * noticed by check(); a host that runs another twice-app, or cannot be
 * reached, is refused before the run; and nothing is left on any host
 * (every namespace's processes, `ip netns pids`) after a normal end, after
 * SIGINT, SIGTERM and SIGKILL of twice, and after the ssh connection drops;
 * each host says whether its CPU cap applied. `twice run --inventory` end
 * to end with 1 and 2 servers, and with the scenario's PostgreSQL on a host
 * of its own (the inventory's "services"): the server reaches it there, the
 * report says where it ran, and nothing of it is left on that host after a
 * normal end, a SIGKILL of twice or a dropped connection.
 *
 * The bed is brought up once for the whole suite (before the first test,
 * down after the last) and needs root: without it every test is skipped,
 * saying so. Traffic goes only to the bed's own 198.18 hosts.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
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
#include "http_client.h"
#include "inventory.h"
#include "proc.h"
#include "scenario.h"
#include "scratch_dir.h"

#define BED_INVENTORY "/tmp/twice-ssh-deploy-test-bed.json"
#define NETNS_DIR "/run/netns"
#define PREFIX "twice-tb-"
#define HOST0 "198.18.0.10"
#define HOST1 "198.18.0.11"

#define BED_ERROR "/tmp/twice-ssh-deploy-test-bed.err"

/* In the runner, before any test: the tests run in processes of their own, which learn how it
 * went from the files (the inventory, or the error). */
ReportHook(PRE_ALL)(struct criterion_test_set *tests)
{
    (void)tests;
    if (geteuid() != 0)
        return;
    char *out = NULL, *err = NULL;
    unlink(BED_INVENTORY);
    unlink(BED_ERROR);
    /* One bed per machine: another suite's (the test bed's own tests) goes first. */
    for (int waited = 0; waited < 300000 && access("/run/twice-testbed", F_OK) == 0; waited += 500)
        sleep_ms(500);
    int status = run_capturing(TWICE_PATH,
                               (const char *const[]){"testbed", "up", "2", "--clients", "1",
                                                     "--inventory", BED_INVENTORY, NULL},
                               60000, &out, &err);
    FILE *f = status != 0 ? fopen(BED_ERROR, "w") : NULL;
    if (f != NULL) {
        fprintf(f, "status %d: %s", status, err != NULL ? err : "");
        fclose(f);
    }
    free(out);
    free(err);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    if (geteuid() != 0)
        return;
    char *err = NULL;
    run_to_exit(TWICE_PATH, (const char *const[]){"testbed", "down", NULL}, 60000, &err);
    free(err);
    unlink(BED_ERROR);
}

static void init(void)
{
    if (geteuid() != 0)
        cr_skip_test("the ssh deployer tests need root for the test bed (namespaces, sshd)");
    char why[2048] = "";
    FILE *f = fopen(BED_ERROR, "r");
    if (f != NULL) {
        size_t got = fread(why, 1, sizeof(why) - 1, f);
        why[got] = '\0';
        fclose(f);
    }
    cr_assert(access(BED_INVENTORY, F_OK) == 0, "the test bed did not come up: %s", why);
    scratch_make();
}

static pid_t running_twice = -1; /* a twice run a test started in the background */

/* A test that failed half-way leaves no twice running into the next one. */
static void fini(void)
{
    if (running_twice > 0) {
        kill(running_twice, SIGKILL);
        waitpid(running_twice, NULL, 0);
        running_twice = -1;
    }
    scratch_remove();
}

TestSuite(ssh_deploy, .init = init, .fini = fini, .timeout = 150);

/* Writes text to scratch_dir/name; the path into path. */
static void write_scratch(const char *name, const char *text, mode_t mode, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", scratch_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* An inventory of the bed's server hosts with extra top-level keys (extra: "" or ", ..."). */
static void write_inventory(const char *servers, const char *extra, char *path, size_t len)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"servers\": [%s], \"ssh\": {\"identity_file\": \"/run/twice-testbed/id_ed25519\", "
             "\"known_hosts\": \"/run/twice-testbed/known_hosts\"}%s}\n",
             servers, extra);
    write_scratch("inventory.json", text, 0644, path, len);
}

static const char *const both_hosts = "\"root@" HOST0 ":22\", \"root@" HOST1 ":22\"";

/* A tiny direct-front scenario of twice-app's plaintext route over servers (a JSON list), with
 * extra top-level keys (extra: "" or ", ..."). */
static void write_scenario_with(const char *servers, double duration_s, const char *extra,
                                char *path, size_t len)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"name\": \"ssh-test\", \"target\": {\"app\": \"twice-app\", \"route\": "
             "\"/plaintext\", \"workers\": 1, \"threads\": 1, \"check\": \"plaintext\"}, "
             "\"models\": [\"process\"], \"front\": \"direct\", \"servers\": %s, "
             "\"connections_per_server\": 2, \"warmup_s\": 0, \"duration_s\": %g, "
             "\"repetitions\": 1, \"seed\": 1%s}\n",
             servers, duration_s, extra);
    write_scratch("scenario.json", text, 0644, path, len);
}

static void write_scenario(const char *servers, double duration_s, char *path, size_t len)
{
    write_scenario_with(servers, duration_s, "", path, len);
}

/* Every process that is not an sshd in the bed's namespaces whose names end with suffix ("":
 * all of them), listed in what; their count. */
static int strays_on(const char *suffix, char *what, size_t len)
{
    DIR *d = opendir(NETNS_DIR);
    struct dirent *e;
    int n = 0;
    what[0] = '\0';
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t name_len = strlen(e->d_name);
        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0 || name_len < strlen(suffix) ||
            strcmp(e->d_name + name_len - strlen(suffix), suffix) != 0)
            continue;
        char *pids = NULL, *err = NULL;
        run_capturing("ip", (const char *const[]){"netns", "pids", e->d_name, NULL}, 10000, &pids,
                      &err);
        free(err);
        for (char *p = pids, *end; p != NULL && *p != '\0'; p = end) {
            long pid = strtol(p, &end, 10);
            if (end == p)
                break;
            char path[64], comm[64] = "";
            snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
            FILE *f = fopen(path, "r");
            if (f != NULL && fgets(comm, sizeof(comm), f) != NULL)
                comm[strcspn(comm, "\n")] = '\0';
            if (f != NULL)
                fclose(f);
            if (comm[0] != '\0' && strcmp(comm, "sshd") != 0 && process_alive((pid_t)pid)) {
                n++;
                snprintf(what + strlen(what), len - strlen(what), " %s:%ld(%s)", e->d_name, pid,
                         comm);
            }
        }
        free(pids);
    }
    if (d != NULL)
        closedir(d);
    return n;
}

static int strays(char *what, size_t len)
{
    return strays_on("", what, len);
}

/* Polls until no stray is left on the hosts whose namespaces end with suffix ("": all), up to
 * timeout_ms; asserts it. */
static void assert_nothing_left_on(const char *suffix, int timeout_ms, const char *after)
{
    char what[4096];
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        if (strays_on(suffix, what, sizeof(what)) == 0)
            return;
        sleep_ms(100);
    }
    cr_assert_fail("left on the hosts after %s:%s", after, what);
}

static void assert_nothing_left(int timeout_ms, const char *after)
{
    assert_nothing_left_on("", timeout_ms, after);
}

/* Polls until at least want twice-app processes (a server's master and worker are two) run on
 * the hosts. */
static void wait_servers_up(int want, int timeout_ms)
{
    char what[4096];
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        if (strays(what, sizeof(what)) > 0) {
            int apps = 0;
            for (const char *p = what; (p = strstr(p, "(twice-app)")) != NULL; p++)
                apps++;
            if (apps >= want)
                return;
        }
        sleep_ms(100);
    }
    cr_assert_fail("fewer than %d twice-apps started on the hosts", want);
}

static scenario load_scenario(const char *path)
{
    scenario sc;
    char err[1024];
    cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
    return sc;
}

static inventory load_inventory(const char *path)
{
    inventory inv;
    char err[1024];
    cr_assert_eq(inventory_load(&inv, path, err, sizeof(err)), 0, "%s", err);
    return inv;
}

Test(ssh_deploy, servers_start_on_their_hosts_and_each_answers_there)
{
    char inv_path[256], sc_path[256], err[2048];
    write_inventory(both_hosts, "", inv_path, sizeof(inv_path));
    write_scenario("[2]", 1, sc_path, sizeof(sc_path));
    inventory inv = load_inventory(inv_path);
    scenario sc = load_scenario(sc_path);
    deploy_hosts *hosts;
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    deployment d;
    deploy_spec spec = {.sc = &sc,
                        .target = &sc.targets[0],
                        .app_path = TWICE_APP_PATH,
                        .n = 2,
                        .allow_uncapped = 0,
                        .hosts = hosts};
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), 0, "%s", err);
    const char *expected[] = {HOST0, HOST1};
    for (unsigned i = 0; i < 2; i++) {
        cr_assert_str_eq(d.hosts[i], expected[i]);
        http_response res;
        cr_assert_eq(http_get_at(d.hosts[i], d.ports[i], "/plaintext", 5000, &res), 0,
                     "server %u at %s:%d", i + 1, d.hosts[i], d.ports[i]);
        cr_assert_eq(res.status, 200);
        cr_assert_str_eq(res.body, "Hello, World!");
        http_response_free(&res);
    }
    cr_assert_eq(deployer_ssh.check(&d, err, sizeof(err)), 0, "%s", err);
    char what[4096];
    cr_assert_geq(strays(what, sizeof(what)), 2, "the servers run in the namespaces:%s", what);
    deployer_ssh.stop(&d);
    assert_nothing_left(5000, "stop()");
    deployer_ssh.close(hosts);
    inventory_free(&inv);
    scenario_free(&sc);
}

Test(ssh_deploy, more_servers_than_hosts_is_refused_unless_hosts_may_hold_several)
{
    char inv_path[256], sc_path[256], err[2048];
    write_inventory("\"root@" HOST0 ":22\"", "", inv_path, sizeof(inv_path));
    write_scenario("[2]", 1, sc_path, sizeof(sc_path));
    inventory inv = load_inventory(inv_path);
    scenario sc = load_scenario(sc_path);
    deploy_hosts *hosts;
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    deployment d;
    deploy_spec spec = {.sc = &sc,
                        .target = &sc.targets[0],
                        .app_path = TWICE_APP_PATH,
                        .n = 2,
                        .allow_uncapped = 0,
                        .hosts = hosts};
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), -1);
    cr_assert(strstr(err, "lists 1 server host, but a step runs 2 servers") != NULL, "%s", err);
    deployer_ssh.close(hosts);
    inventory_free(&inv);
    /* Several on one host: round-robin, each on a port of its own. */
    write_inventory("\"root@" HOST0 ":22\"", ", \"hosts_may_hold_several\": true", inv_path,
                    sizeof(inv_path));
    inv = load_inventory(inv_path);
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    spec.hosts = hosts;
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), 0, "%s", err);
    cr_assert_str_eq(d.hosts[0], HOST0);
    cr_assert_str_eq(d.hosts[1], HOST0);
    cr_assert_neq(d.ports[0], d.ports[1]);
    for (unsigned i = 0; i < 2; i++) {
        http_response res;
        cr_assert_eq(http_get_at(HOST0, d.ports[i], "/plaintext", 5000, &res), 0);
        cr_assert_eq(res.status, 200);
        http_response_free(&res);
    }
    deployer_ssh.stop(&d);
    deployer_ssh.close(hosts);
    assert_nothing_left(5000, "stop()");
    inventory_free(&inv);
    scenario_free(&sc);
}

Test(ssh_deploy, a_server_that_fails_to_start_shows_its_host_and_remote_stderr)
{
    char app[256], inv_path[256], sc_path[256], err[4096], extra[400];
    /* The same version as here, but it cannot serve. */
    write_scratch("failing-app",
                  "#!/bin/sh\n"
                  "[ \"$1\" = --version ] && exec " TWICE_APP_PATH " --version\n"
                  "echo \"cannot listen: the port is taken (on $(hostname -I))\" >&2\n"
                  "exit 3\n",
                  0755, app, sizeof(app));
    snprintf(extra, sizeof(extra), ", \"app\": \"%s\"", app);
    write_inventory(both_hosts, extra, inv_path, sizeof(inv_path));
    write_scenario("[2]", 1, sc_path, sizeof(sc_path));
    inventory inv = load_inventory(inv_path);
    scenario sc = load_scenario(sc_path);
    deploy_hosts *hosts;
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    deployment d;
    deploy_spec spec = {.sc = &sc,
                        .target = &sc.targets[0],
                        .app_path = TWICE_APP_PATH,
                        .n = 2,
                        .allow_uncapped = 0,
                        .hosts = hosts};
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), -1);
    cr_assert(
        strstr(err,
               "server 1 of 2 on host root@" HOST0 ":22 exited with status 3 before "
               "it was ready; its stderr ends:\ncannot listen: the port is taken (on " HOST0) !=
            NULL,
        "%s", err);
    deployer_ssh.close(hosts);
    assert_nothing_left(5000, "a failed start");
    inventory_free(&inv);
    scenario_free(&sc);
}

Test(ssh_deploy, a_host_with_another_twice_app_is_refused_before_the_run)
{
    char app[256], inv_path[256], sc_path[256], extra[400], *out, *err;
    write_scratch("other-app", "#!/bin/sh\necho 'twice-app 9.9.9'\n", 0755, app, sizeof(app));
    snprintf(extra, sizeof(extra), ", \"app\": \"%s\"", app);
    write_inventory(both_hosts, extra, inv_path, sizeof(inv_path));
    write_scenario("[1]", 1, sc_path, sizeof(sc_path));
    int status = run_capturing(
        TWICE_PATH,
        (const char *const[]){"run", sc_path, "--inventory", inv_path, "-o", scratch_dir, NULL},
        60000, &out, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    char expected[1024], *version;
    char *version_err;
    run_capturing(TWICE_APP_PATH, (const char *const[]){"--version", NULL}, 5000, &version,
                  &version_err);
    free(version_err);
    version[strcspn(version, "\n")] = '\0';
    snprintf(expected, sizeof(expected),
             "twice: run failed: host root@" HOST0 ":22: %s is \"twice-app 9.9.9\" there but "
             "\"%s\" here",
             app, version);
    cr_assert(strstr(err, expected) != NULL, "expected %s\ngot %s", expected, err);
    free(version);
    free(out);
    free(err);
    /* And an app that is not there at all. */
    write_inventory(both_hosts, ", \"app\": \"/nonexistent/twice-app\"", inv_path,
                    sizeof(inv_path));
    status = run_capturing(
        TWICE_PATH,
        (const char *const[]){"run", sc_path, "--inventory", inv_path, "-o", scratch_dir, NULL},
        60000, &out, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strstr(err, "host root@" HOST0 ":22: cannot run /nonexistent/twice-app --version: "
                          "it exited with status 127: ") != NULL,
              "%s", err);
    free(out);
    free(err);
    assert_nothing_left(5000, "a refused run");
}

Test(ssh_deploy, an_unreachable_host_is_named_with_what_ssh_said)
{
    char inv_path[256], sc_path[256], *out, *err;
    /* The bed's host, on a port where no sshd listens. */
    write_inventory("\"root@" HOST0 ":22\", \"root@" HOST1 ":2\"", "", inv_path, sizeof(inv_path));
    write_scenario("[1]", 1, sc_path, sizeof(sc_path));
    int status = run_capturing(
        TWICE_PATH,
        (const char *const[]){"run", sc_path, "--inventory", inv_path, "-o", scratch_dir, NULL},
        60000, &out, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strstr(err, "twice: run failed: host root@" HOST1 ":2: ssh cannot reach it (ssh "
                          "exited with status 255): ssh: connect to host " HOST1
                          " port 2: Connection refused") != NULL,
              "%s", err);
    free(out);
    free(err);
    assert_nothing_left(5000, "a refused run");
}

/* twice run on the bed in the background; its stderr goes to *err_fd (a memfd). */
/* `twice run sc_path --inventory inv_path` in the background, its stderr into *err_fd. */
static pid_t start_twice(const char *sc_path, const char *inv_path, int *err_fd)
{
    *err_fd = memfd_create("twice-err", 0);
    cr_assert_geq(*err_fd, 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(*err_fd, STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        execl(TWICE_PATH, TWICE_PATH, "run", sc_path, "--inventory", inv_path, "-o", scratch_dir,
              (char *)NULL);
        _exit(127);
    }
    running_twice = pid;
    return pid;
}

static pid_t start_run(const char *servers, double duration_s, int *err_fd)
{
    static char inv_path[256], sc_path[256];
    assert_nothing_left(10000, "the tests before");
    write_inventory(both_hosts, "", inv_path, sizeof(inv_path));
    write_scenario(servers, duration_s, sc_path, sizeof(sc_path));
    return start_twice(sc_path, inv_path, err_fd);
}

static char *read_all(int fd)
{
    char *text = calloc(1, 16384);
    cr_assert_geq(pread(fd, text, 16383, 0), 0);
    return text;
}

/* twice is stopped with sig while its 2 servers run; nothing may be left on the hosts. */
static void stop_twice_with(int sig, const char *after)
{
    int err_fd, status;
    pid_t pid = start_run("[2]", 30, &err_fd);
    wait_servers_up(4, 30000);
    kill(pid, sig);
    if (sig != SIGKILL) {
        cr_assert_eq(wait_exit(pid, 20000, &status), 0, "twice did not stop after %s", after);
        running_twice = -1;
        char *err = read_all(err_fd);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
        cr_assert(strstr(err, "twice: interrupted") != NULL, "%s", err);
        free(err);
    } else {
        cr_assert_eq(wait_exit(pid, 5000, &status), 0);
        running_twice = -1;
    }
    assert_nothing_left(10000, after);
    close(err_fd);
}

Test(ssh_deploy, nothing_is_left_after_sigint)
{
    stop_twice_with(SIGINT, "SIGINT to twice");
}

Test(ssh_deploy, nothing_is_left_after_sigterm)
{
    stop_twice_with(SIGTERM, "SIGTERM to twice");
}

Test(ssh_deploy, nothing_is_left_after_sigkill)
{
    stop_twice_with(SIGKILL, "SIGKILL to twice");
}

/* The ssh master connections among twice's children (ssh -M). */
static size_t masters_of(pid_t twice, pid_t *masters, size_t max)
{
    size_t n, found = 0;
    pid_t *children = children_of(twice, &n);
    for (size_t i = 0; i < n; i++) {
        char path[64], cmdline[2048];
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)children[i]);
        int fd = open(path, O_RDONLY);
        ssize_t got = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (got <= 0)
            continue;
        for (ssize_t k = 0; k + 2 < got; k++) {
            if (cmdline[k] == '\0' && cmdline[k + 1] == '-' && cmdline[k + 2] == 'M' &&
                cmdline[k + 3] == '\0' && found < max)
                masters[found++] = children[i];
        }
    }
    free(children);
    return found;
}

Test(ssh_deploy, nothing_is_left_when_the_ssh_connection_drops)
{
    int err_fd, status;
    pid_t pid = start_run("[2]", 8, &err_fd);
    wait_servers_up(4, 30000);
    pid_t masters[4];
    size_t n = masters_of(pid, masters, 4);
    cr_assert_eq(n, 2, "one master connection per host");
    /* The first host's, opened first. */
    kill(masters[0] < masters[1] ? masters[0] : masters[1], SIGKILL);
    /* The host's sshd closes the channels: the supervisor stops its server at once, while the
     * other host's serves on until twice ends the step, finds the server gone and stops. */
    assert_nothing_left_on("-s0", 10000, "the ssh connection dropped");
    cr_assert_eq(wait_exit(pid, 60000, &status), 0);
    running_twice = -1;
    assert_nothing_left(10000, "twice stopped");
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strstr(err, "failed: server 1 of 2 on host root@" HOST0
                          ":22: its ssh connection failed or was lost during the run") != NULL,
              "%s", err);
    free(err);
    close(err_fd);
}

/* The newest report in the scratch folder, loaded. */
static json_t *load_report(void)
{
    DIR *d = opendir(scratch_dir);
    struct dirent *e;
    char report[512] = "";
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "ssh-test-", 9) == 0 && len > 5 &&
            strcmp(e->d_name + len - 5, ".json") == 0 &&
            (report[0] == '\0' || strcmp(strrchr(report, '/') + 1, e->d_name) < 0))
            snprintf(report, sizeof(report), "%s/%s", scratch_dir, e->d_name);
    }
    closedir(d);
    json_error_t jerr;
    json_t *doc = json_load_file(report, 0, &jerr);
    cr_assert_not_null(doc, "%s: %s", report, jerr.text);
    return doc;
}

Test(ssh_deploy, twice_run_on_the_bed_end_to_end)
{
    int err_fd, status;
    pid_t pid = start_run("[1, 2]", 1, &err_fd);
    cr_assert_eq(wait_exit(pid, 60000, &status), 0);
    running_twice = -1;
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
    free(err);
    close(err_fd);
    assert_nothing_left(5000, "a normal end");
    /* The report: each step's servers on their hosts, and requests served. */
    json_t *doc = load_report();
    json_t *steps = json_object_get(json_array_get(json_object_get(doc, "models"), 0), "steps");
    cr_assert_eq(json_array_size(steps), 2);
    for (size_t s = 0; s < 2; s++) {
        json_t *step = json_array_get(steps, s);
        json_t *hosts = json_object_get(step, "hosts");
        size_t servers = (size_t)json_integer_value(json_object_get(step, "servers"));
        cr_assert_eq(json_array_size(hosts), servers);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hosts, 0), "host")),
                         HOST0);
        if (servers == 2)
            cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hosts, 1), "host")),
                             HOST1);
        json_t *run = json_array_get(json_object_get(step, "runs"), 0);
        cr_assert_gt(json_number_value(json_object_get(run, "requests")), 0);
        cr_assert_eq(json_number_value(json_object_get(run, "failed_checks")), 0);
    }
    json_decref(doc);
}

Test(ssh_deploy, each_host_says_whether_its_cpu_cap_applied)
{
    char inv_path[256], sc_path[256], *out, *err;
    write_inventory("\"root@" HOST0 ":22\"", "", inv_path, sizeof(inv_path));
    write_scenario_with("[1]", 1, ", \"cpu_cap\": 0.5", sc_path, sizeof(sc_path));
    const char *args[] = {"run", sc_path, "--inventory", inv_path, "-o", scratch_dir, NULL, NULL};
    int status = run_capturing(TWICE_PATH, args, 60000, &out, &err);
    free(out);
    /* The bed's hosts run sshd under `ip netns exec`, which mounts a /sys of its own without
     * the cgroup file system: there the cap cannot apply, and the run says so unless told to
     * go on without. Where it can, the report says it did. */
    const char *reason = "not applied: ";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
        cr_assert(strstr(err, "failed: server 1 of 1 on host root@" HOST0
                              ":22: CPU cap not applied: ") != NULL &&
                      strstr(err, "(--allow-uncapped runs without)") != NULL,
                  "%s", err);
        free(err);
        args[6] = "--allow-uncapped";
        status = run_capturing(TWICE_PATH, args, 60000, &out, &err);
        free(out);
    } else {
        reason = "applied";
    }
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
    free(err);
    json_t *doc = load_report();
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(doc, "models"), 0), "steps"), 0);
    json_t *host = json_array_get(json_object_get(step, "hosts"), 0);
    const char *cap = json_string_value(json_object_get(host, "cpu_cap"));
    cr_assert_not_null(cap, "no cpu_cap for the host in the report");
    cr_assert(strncmp(cap, reason, strlen(reason)) == 0, "%s", cap);
    cr_assert_eq(json_is_true(json_object_get(step, "caps_applied")),
                 strcmp(reason, "applied") == 0);
    json_decref(doc);
    assert_nothing_left(5000, "a capped run");
}

Test(ssh_deploy, check_notices_a_remote_server_that_died)
{
    char inv_path[256], sc_path[256], err[2048], what[4096];
    write_inventory(both_hosts, "", inv_path, sizeof(inv_path));
    write_scenario("[2]", 1, sc_path, sizeof(sc_path));
    inventory inv = load_inventory(inv_path);
    scenario sc = load_scenario(sc_path);
    deploy_hosts *hosts;
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    deployment d;
    deploy_spec spec = {.sc = &sc,
                        .target = &sc.targets[0],
                        .app_path = TWICE_APP_PATH,
                        .n = 2,
                        .allow_uncapped = 0,
                        .hosts = hosts};
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(deployer_ssh.check(&d, err, sizeof(err)), 0, "%s", err);
    /* Every twice-app on the second host, killed there. */
    cr_assert_geq(strays_on("-s1", what, sizeof(what)), 2, "%s", what);
    for (const char *p = what; (p = strchr(p, ':')) != NULL; p++) {
        if (strncmp(strchr(p, '('), "(twice-app)", 11) == 0)
            kill(atoi(p + 1), SIGKILL);
    }
    int rc = 0;
    for (int waited = 0; waited < 10000 && rc == 0; waited += 100) {
        rc = deployer_ssh.check(&d, err, sizeof(err));
        sleep_ms(100);
    }
    cr_assert_eq(rc, -1, "check did not notice");
    cr_assert(strstr(err, "server 2 of 2 on host root@" HOST1 ":22 exited with status 137 during "
                          "the run") != NULL,
              "%s", err);
    deployer_ssh.stop(&d);
    deployer_ssh.close(hosts);
    assert_nothing_left(5000, "stop()");
    inventory_free(&inv);
    scenario_free(&sc);
}

/* A command target: its {host} and {port} filled in per server, its program checked on each
 * host before the run, its readiness told by HTTP at the host's address. */
static scenario command_scenario(const char *command)
{
    char path[256], text[1024];
    snprintf(text, sizeof(text),
             "{\"name\": \"ssh-test\", \"target\": {\"command\": \"%s\", \"route\": "
             "\"/plaintext\"}, \"front\": \"direct\", \"servers\": [2], "
             "\"connections_per_server\": 2, \"warmup_s\": 0, \"duration_s\": 1, "
             "\"repetitions\": 1, \"seed\": 1}\n",
             command);
    write_scratch("command.json", text, 0644, path, sizeof(path));
    return load_scenario(path);
}

Test(ssh_deploy, a_command_target_runs_on_its_host_with_its_address_and_port)
{
    char inv_path[256], err[2048];
    write_inventory("\"root@" HOST0 ":22\"", ", \"hosts_may_hold_several\": true", inv_path,
                    sizeof(inv_path));
    inventory inv = load_inventory(inv_path);
    scenario sc = command_scenario(TWICE_APP_PATH " --listen {host}:{port}");
    deploy_hosts *hosts;
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    deployment d;
    deploy_spec spec = {.sc = &sc,
                        .target = &sc.targets[0],
                        .app_path = TWICE_APP_PATH,
                        .n = 2,
                        .allow_uncapped = 0,
                        .hosts = hosts};
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), 0, "%s", err);
    cr_assert_neq(d.ports[0], d.ports[1], "two servers on one host need two ports");
    for (unsigned i = 0; i < 2; i++) {
        http_response res;
        cr_assert_eq(http_get_at(HOST0, d.ports[i], "/plaintext", 5000, &res), 0, "port %d",
                     d.ports[i]);
        cr_assert_eq(res.status, 200);
        http_response_free(&res);
    }
    deployer_ssh.stop(&d);
    deployer_ssh.close(hosts);
    assert_nothing_left(5000, "stop()");
    scenario_free(&sc);
    /* A program the host does not have: refused before the run, naming the host. */
    sc = command_scenario("no-such-server --port {port}");
    cr_assert_eq(deployer_ssh.open(&hosts, &inv, &sc, TWICE_APP_PATH, err, sizeof(err)), -1);
    /* (The status is the host's sh's: 1 for bash, 127 for dash.) */
    const char *expected = "host root@" HOST0 ":22: has no no-such-server (target external's "
                           "command): `command -v no-such-server` exited with status ";
    cr_assert(strncmp(err, expected, strlen(expected)) == 0, "%s", err);
    inventory_free(&inv);
    scenario_free(&sc);
}

/* A one-server /db/read scenario with a PostgreSQL and the inventory that puts the server on
 * the first host and the database on the second. */
static void write_db_run(double duration_s, char *sc_path, char *inv_path, size_t len)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"name\": \"ssh-test\", \"target\": {\"app\": \"twice-app\", \"route\": "
             "\"/db/read?id=3\", \"workers\": 1, \"check\": \"json\"}, \"models\": "
             "[\"coroutine\"], \"front\": \"direct\", \"servers\": [1], "
             "\"connections_per_server\": 2, \"warmup_s\": 0, \"duration_s\": %g, "
             "\"repetitions\": 1, \"seed\": 1, \"services\": {\"postgres\": {\"rows\": 10}}}\n",
             duration_s);
    write_scratch("scenario.json", text, 0644, sc_path, len);
    write_inventory("\"root@" HOST0 ":22\"",
                    ", \"services\": {\"postgres\": \"root@" HOST1 ":22\"}", inv_path, len);
}

Test(ssh_deploy, a_database_on_its_own_host_end_to_end)
{
    char sc_path[256], inv_path[256];
    int err_fd, status;
    assert_nothing_left(10000, "the tests before");
    write_db_run(1, sc_path, inv_path, sizeof(sc_path));
    pid_t pid = start_twice(sc_path, inv_path, &err_fd);
    cr_assert_eq(wait_exit(pid, 120000, &status), 0);
    running_twice = -1;
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
    free(err);
    close(err_fd);
    assert_nothing_left(10000, "a normal end");
    json_t *doc = load_report();
    json_t *pg = json_object_get(json_object_get(doc, "services"), "postgres");
    cr_assert_str_eq(json_string_value(json_object_get(pg, "host")), "root@" HOST1 ":22");
    cr_assert_not_null(strstr(json_string_value(json_object_get(pg, "note")),
                              "runs on host root@" HOST1 ":22: its CPU is not measured from here"));
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(doc, "models"), 0), "steps"), 0);
    json_t *run = json_array_get(json_object_get(step, "runs"), 0);
    /* Every request a row read on the other host: answered, and each answer checked. */
    cr_assert_gt(json_number_value(json_object_get(run, "requests")), 0);
    cr_assert_eq(json_number_value(json_object_get(run, "failed_checks")), 0);
    cr_assert_eq(json_number_value(json_object_get(run, "non2xx")), 0);
    json_decref(doc);
}

/* The data directory of the PostgreSQL server on the second host (its working directory's
 * parent) into dir, once one runs there. */
static void wait_database_dir(char *dir, size_t len, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        char what[4096];
        strays_on("-s1", what, sizeof(what));
        const char *found = strstr(what, "(postgres)");
        if (found != NULL) {
            const char *colon = found;
            while (colon > what && *colon != ':')
                colon--;
            char link[64];
            snprintf(link, sizeof(link), "/proc/%ld/cwd", strtol(colon + 1, NULL, 10));
            ssize_t got = readlink(link, dir, len - 1);
            if (got > 0) {
                dir[got] = '\0';
                char *slash = strrchr(dir, '/');
                if (slash != NULL && strcmp(slash, "/data") == 0) {
                    *slash = '\0';
                    return;
                }
            }
        }
        sleep_ms(100);
    }
    cr_assert_fail("no PostgreSQL started on host " HOST1);
}

Test(ssh_deploy, nothing_of_the_database_is_left_on_its_host_after_sigkill)
{
    char sc_path[256], inv_path[256], dir[512];
    int err_fd, status;
    assert_nothing_left(10000, "the tests before");
    write_db_run(30, sc_path, inv_path, sizeof(sc_path));
    pid_t pid = start_twice(sc_path, inv_path, &err_fd);
    wait_database_dir(dir, sizeof(dir), 60000);
    cr_assert(strncmp(dir, "/tmp/twice-postgres-", 20) == 0, "%s", dir);
    wait_servers_up(1, 30000);
    kill(pid, SIGKILL);
    cr_assert_eq(wait_exit(pid, 5000, &status), 0);
    running_twice = -1;
    close(err_fd);
    assert_nothing_left(15000, "SIGKILL of twice with a database on its own host");
    struct stat st;
    for (int waited = 0; waited < 5000 && stat(dir, &st) == 0; waited += 100)
        sleep_ms(100);
    cr_assert_neq(stat(dir, &st), 0, "the database's directory %s is left", dir);
}

/* twice's ssh master connection to host (its cmdline names root@host), or -1. */
static pid_t master_to(pid_t twice, const char *host)
{
    pid_t masters[8], found = -1;
    size_t n = masters_of(twice, masters, 8);
    char want[64];
    snprintf(want, sizeof(want), "root@%s", host);
    for (size_t i = 0; i < n && found < 0; i++) {
        char path[64], cmdline[4096];
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)masters[i]);
        int fd = open(path, O_RDONLY);
        ssize_t got = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;
        if (fd >= 0)
            close(fd);
        for (ssize_t k = 0; k < got; k += (ssize_t)strlen(cmdline + k) + 1) {
            if (strcmp(cmdline + k, want) == 0)
                found = masters[i];
        }
    }
    return found;
}

Test(ssh_deploy, nothing_of_the_database_is_left_when_its_connection_drops)
{
    char sc_path[256], inv_path[256], dir[512];
    int err_fd, status;
    assert_nothing_left(10000, "the tests before");
    write_db_run(30, sc_path, inv_path, sizeof(sc_path));
    pid_t pid = start_twice(sc_path, inv_path, &err_fd);
    wait_database_dir(dir, sizeof(dir), 60000);
    wait_servers_up(1, 30000);
    pid_t master = master_to(pid, HOST1);
    cr_assert_gt(master, 0, "no ssh master connection to the database's host");
    kill(master, SIGKILL);
    /* The host's sshd closes the channel: the supervisor stops the database at once, while
     * twice and its server on the other host go on. */
    assert_nothing_left_on("-s1", 15000, "the database's ssh connection dropped");
    struct stat st;
    for (int waited = 0; waited < 5000 && stat(dir, &st) == 0; waited += 100)
        sleep_ms(100);
    cr_assert_neq(stat(dir, &st), 0, "the database's directory %s is left", dir);
    kill(pid, SIGKILL);
    cr_assert_eq(wait_exit(pid, 5000, &status), 0);
    running_twice = -1;
    close(err_fd);
    assert_nothing_left(15000, "SIGKILL of twice after the database's connection dropped");
}
