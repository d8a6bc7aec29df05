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
 * The bed (bed_fixture.h) is brought up once for the whole executable and
 * needs root: without it every test is skipped, saying so. Traffic goes
 * only to the bed's own 198.18 hosts.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "deploy.h"
#include "http_client.h"
#include "inventory.h"
#include "proc.h"
#include "scenario.h"
#include "ssh_bed.h"
#include "scratch_dir.h"

static const char *const both_hosts = BED_SERVER_HOSTS;

TestSuite(ssh_deploy, .init = bed_init, .fini = bed_fini, .timeout = 150);

/* The ssh deployer's hosts for inv and sc, opened (the test fails otherwise). */
static deploy_hosts *open_hosts(const inventory *inv, const scenario *sc)
{
    deploy_hosts *hosts;
    char err[2048];
    cr_assert_eq(deployer_ssh.open(&hosts, inv, sc, TWICE_APP_PATH, err, sizeof(err)), 0, "%s",
                 err);
    return hosts;
}

/* Two servers of sc's first target on hosts, capped only if the hosts can be. */
static deploy_spec two_servers(const scenario *sc, deploy_hosts *hosts)
{
    return (deploy_spec){.sc = sc,
                         .target = &sc->targets[0],
                         .app_path = TWICE_APP_PATH,
                         .n = 2,
                         .allow_uncapped = 0,
                         .hosts = hosts};
}

Test(ssh_deploy, servers_start_on_their_hosts_and_each_answers_there)
{
    char inv_path[256], sc_path[256], err[2048];
    write_inventory(both_hosts, "", inv_path, sizeof(inv_path));
    write_scenario("[2]", 1, sc_path, sizeof(sc_path));
    inventory inv = load_inventory(inv_path);
    scenario sc = load_scenario(sc_path);
    deploy_hosts *hosts = open_hosts(&inv, &sc);
    deployment d;
    deploy_spec spec = two_servers(&sc, hosts);
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
    deploy_hosts *hosts = open_hosts(&inv, &sc);
    deployment d;
    deploy_spec spec = two_servers(&sc, hosts);
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), -1);
    cr_assert(strstr(err, "lists 1 server host, but a step runs 2 servers") != NULL, "%s", err);
    deployer_ssh.close(hosts);
    inventory_free(&inv);
    /* Several on one host: round-robin, each on a port of its own. */
    write_inventory("\"root@" HOST0 ":22\"", ", \"hosts_may_hold_several\": true", inv_path,
                    sizeof(inv_path));
    inv = load_inventory(inv_path);
    hosts = open_hosts(&inv, &sc);
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
    deploy_hosts *hosts = open_hosts(&inv, &sc);
    deployment d;
    deploy_spec spec = two_servers(&sc, hosts);
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

/* twice is stopped with sig while its 2 servers run; nothing may be left on the hosts. */
static void stop_twice_with(int sig, const char *after)
{
    int err_fd, status;
    pid_t pid = start_run("[2]", BED_MID_RUN_S, &err_fd);
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

Test(ssh_deploy, nothing_is_left_when_the_ssh_connection_drops)
{
    int err_fd, status;
    /* twice finds the lost server at the step's end: the step is long enough that the test,
     * kept off the CPU by the bed's traffic for a while (BED_MID_RUN_S), still drops the
     * connection in it, and short enough not to slow the suite much. */
    pid_t pid = start_run("[2]", 40, &err_fd);
    wait_servers_up(4, 30000);
    pid_t masters[4];
    size_t n = bed_ssh_masters_of(pid, NULL, masters, 4);
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
    deploy_hosts *hosts = open_hosts(&inv, &sc);
    deployment d;
    deploy_spec spec = two_servers(&sc, hosts);
    cr_assert_eq(deployer_ssh.start(&d, &spec, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(deployer_ssh.check(&d, err, sizeof(err)), 0, "%s", err);
    /* Every twice-app on the second host, killed there. */
    cr_assert_geq(bed_strays_on("-s1", what, sizeof(what)), 2, "%s", what);
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
    deploy_hosts *hosts = open_hosts(&inv, &sc);
    deployment d;
    deploy_spec spec = two_servers(&sc, hosts);
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
        bed_strays_on("-s1", what, sizeof(what));
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
    write_db_run(BED_MID_RUN_S, sc_path, inv_path, sizeof(sc_path));
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

Test(ssh_deploy, nothing_of_the_database_is_left_when_its_connection_drops)
{
    char sc_path[256], inv_path[256], dir[512];
    int err_fd, status;
    assert_nothing_left(10000, "the tests before");
    write_db_run(BED_MID_RUN_S, sc_path, inv_path, sizeof(sc_path));
    pid_t pid = start_twice(sc_path, inv_path, &err_fd);
    wait_database_dir(dir, sizeof(dir), 60000);
    wait_servers_up(1, 30000);
    pid_t master;
    cr_assert_eq(bed_ssh_masters_of(pid, "root@" HOST1, &master, 1), 1,
                 "no ssh master connection to the database's host");
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
