/*
 * test_front_haproxy.c - the HAProxy front against real processes on
 * loopback: a real HAProxy in front of real twice-app servers spreads
 * /plaintext evenly and counts it; stop() leaves no HAProxy and no folder;
 * HAProxy that cannot start (its port taken, a server that never comes UP, the
 * program missing) says why; and `twice run` behind HAProxy reports what it
 * saw, and leaves no HAProxy and no folder behind when it is killed with
 * SIGKILL mid-run; a TMPDIR HAProxy's configuration cannot name is refused.
 * Each test's TMPDIR is its own scratch folder, so that "no folder left" is
 * checked where only the test writes.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "cgroups_possible.h"
#include "front.h"
#include "loopback.h"
#include "scratch_dir.h"

static void setup(void)
{
    scratch_make();
    setenv("TMPDIR", scratch_dir, 1);
}

TestSuite(front_haproxy, .init = setup, .fini = scratch_remove, .timeout = 120);

static char err[4096];

/* Entries of the scratch folder whose name starts with prefix. */
static int entries(const char *prefix)
{
    int n = 0;
    DIR *dir = opendir(scratch_dir);
    struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL)
        n += strncmp(entry->d_name, prefix, strlen(prefix)) == 0;
    if (dir != NULL)
        closedir(dir);
    return n;
}

/* A child of parent running haproxy, or 0. */
static pid_t haproxy_child_of(pid_t parent)
{
    size_t n;
    pid_t *pids = children_of(parent, &n), found = 0;
    for (size_t i = 0; i < n && found == 0; i++) {
        char path[64], comm[64] = "";
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
        FILE *f = fopen(path, "r");
        if (f != NULL && fgets(comm, sizeof(comm), f) != NULL && strcmp(comm, "haproxy\n") == 0)
            found = pids[i];
        if (f != NULL)
            fclose(f);
    }
    free(pids);
    return found;
}

static void start_servers(app_process *servers, int *ports, unsigned n)
{
    const char *const args[] = {"--model", "coroutine", NULL};
    for (unsigned i = 0; i < n; i++) {
        cr_assert_eq(app_start(&servers[i], TWICE_APP_PATH, args), 0, "server %u", i);
        ports[i] = servers[i].port;
    }
}

static void stop_servers(app_process *servers, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        app_stop(&servers[i], SIGTERM, 5000);
        app_release(&servers[i]);
    }
}

Test(front_haproxy, spreads_plaintext_evenly_and_stop_leaves_nothing)
{
    app_process servers[3];
    int ports[3];
    start_servers(servers, ports, 3);
    front_spec spec = {.ports = ports, .n = 3};
    front_run fr;
    cr_assert_eq(front_haproxy.start(&fr, &spec, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(fr.nports, 1, "wrk goes to the frontend alone");
    cr_assert_str_eq(fr.balance, "roundrobin", "the default");
    pid_t haproxy = haproxy_child_of(getpid());
    cr_assert_gt(haproxy, 0, "haproxy runs as a child");
    cr_assert_eq(entries("twice-haproxy-"), 1, "its private folder");
    cr_assert_eq(front_haproxy.mark(&fr, err, sizeof(err)), 0, "%s", err);
    char url[64], *out = NULL, *wrk_err = NULL;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/plaintext", fr.ports[0]);
    const char *const wrk[] = {"-t1", "-c6", "-d2s", url, NULL};
    int status = run_capturing("wrk", wrk, 30000, &out, &wrk_err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "wrk: %s", wrk_err);
    cr_assert_null(strstr(out, "Non-2xx"), "every response a 2xx: %s", out);
    free(out);
    free(wrk_err);
    json_t *seen = front_haproxy.collect(&fr, err, sizeof(err));
    cr_assert_not_null(seen, "%s", err);
    cr_assert_str_eq(json_string_value(json_object_get(seen, "name")), "haproxy");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "balance")), "roundrobin");
    double cpu = json_number_value(json_object_get(seen, "cpu"));
    cr_assert(cpu > 0 && cpu < 1.5, "haproxy's CPU, a share of its core: %f", cpu);
    json_t *counts = json_object_get(seen, "servers");
    cr_assert_eq(json_array_size(counts), 3);
    double least = 1e300, most = 0;
    for (size_t i = 0; i < 3; i++) {
        json_t *server = json_array_get(counts, i);
        double requests = json_number_value(json_object_get(server, "requests"));
        cr_assert(json_is_integer(json_object_get(server, "sessions")));
        cr_assert_gt(requests, 0, "server %zu got nothing", i + 1);
        least = requests < least ? requests : least;
        most = requests > most ? requests : most;
    }
    cr_assert_leq(most / least - 1, 0.10, "roundrobin spreads within 10%%: %s",
                  json_dumps(counts, 0));
    json_decref(seen);
    front_haproxy.stop(&fr);
    cr_assert_eq(wait_gone(haproxy, 3000), 0, "haproxy outlived stop()");
    cr_assert_eq(entries("twice-haproxy-"), 0, "stop() removes the folder");
    cr_assert_null(fr.state);
    front_haproxy.stop(&fr); /* twice is safe */
    stop_servers(servers, 3);
}

Test(front_haproxy, a_port_in_use_is_a_clear_error_and_leaves_nothing)
{
    app_process servers[1];
    int ports[1];
    start_servers(servers, ports, 1);
    uint16_t taken;
    int holder = loopback_bind(0, 0, 1, &taken);
    cr_assert_geq(holder, 0);
    front_spec spec = {.ports = ports, .n = 1, .balance = "leastconn", .port = taken};
    front_run fr;
    cr_assert_eq(front_haproxy.start(&fr, &spec, err, sizeof(err)), -1);
    cr_assert(strstr(err, "haproxy exited with status ") != NULL, "%s", err);
    cr_assert(strstr(err, "before it was ready; its stderr ends:") != NULL, "%s", err);
    cr_assert(strstr(err, "cannot bind socket") != NULL, "HAProxy's own reason: %s", err);
    cr_assert_eq(haproxy_child_of(getpid()), 0);
    cr_assert_eq(entries("twice-haproxy-"), 0, "a failed start removes the folder");
    close(holder);
    stop_servers(servers, 1);
}

Test(front_haproxy, a_server_that_never_comes_up_is_named)
{
    int ports[2];
    app_process servers[1];
    start_servers(servers, ports, 1);
    ports[1] = free_port(); /* nothing listens there */
    front_spec spec = {.ports = ports, .n = 2};
    front_run fr;
    cr_assert_eq(front_haproxy.start(&fr, &spec, err, sizeof(err)), -1);
    char down[128];
    snprintf(down, sizeof(down), "server 2 of 2 (127.0.0.1:%d) is DOWN (check L4CON)", ports[1]);
    cr_assert(strstr(err, "haproxy did not see every server UP within 10000 ms: ") != NULL, "%s",
              err);
    cr_assert(strstr(err, down) != NULL, "%s", err);
    cr_assert_null(strstr(err, "server 1 of 2"), "server 1 is UP: %s", err);
    cr_assert_eq(haproxy_child_of(getpid()), 0);
    cr_assert_eq(entries("twice-haproxy-"), 0);
    stop_servers(servers, 1);
}

Test(front_haproxy, haproxy_missing_says_how_to_install_it)
{
    int ports[1] = {1};
    char *path = strdup(getenv("PATH"));
    setenv("PATH", scratch_dir, 1);
    front_spec spec = {.ports = ports, .n = 1};
    front_run fr;
    int rc = front_haproxy.start(&fr, &spec, err, sizeof(err));
    setenv("PATH", path, 1);
    free(path);
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err, "haproxy exited with status 127 before it was ready (is haproxy "
                          "installed? apt-get install haproxy)") != NULL,
              "%s", err);
    cr_assert_eq(entries("twice-haproxy-"), 0);
}

/* twice run with scenario text (one %s: the route), from a copy of twice-app named for the
 * test. Returns twice's pid; its stderr goes to scratch_dir/stderr. */
static pid_t start_twice_run(const char *scenario_text)
{
    char *scenario = scratch_path("scenario.json"), *reports = scratch_path("reports");
    char *errors = scratch_path("stderr");
    FILE *f = fopen(scenario, "w");
    fputs(scenario_text, f);
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(errors, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        execl(TWICE_PATH, TWICE_PATH, "run", scenario, "-o", reports, "--app", TWICE_APP_PATH,
              (char *)NULL);
        _exit(127);
    }
    free(scenario);
    free(reports);
    free(errors);
    return pid;
}

static char *twice_stderr(void)
{
    static char text[8192];
    char *path = scratch_path("stderr");
    FILE *f = fopen(path, "r");
    size_t n = f != NULL ? fread(text, 1, sizeof(text) - 1, f) : 0;
    text[n] = '\0';
    if (f != NULL)
        fclose(f);
    free(path);
    return text;
}

/* servers (a list's inside), duration, and further keys (", \"k\": v" or ""). */
static const char *const scenario_fmt =
    "{\"name\": \"hp\", \"target\": {\"app\": \"twice-app\", \"route\": \"/plaintext\","
    " \"check\": \"plaintext\"}, \"models\": [\"coroutine\"], \"servers\": [%s],"
    " \"connections_per_server\": 4, \"front\": \"haproxy\", \"balance\": \"roundrobin\","
    " \"warmup_s\": 0, \"duration_s\": %d, \"repetitions\": 1, \"seed\": 1%s}";

/* The report twice run wrote into scratch_dir/reports. */
static json_t *load_report(void)
{
    char *reports = scratch_path("reports");
    DIR *dir = opendir(reports);
    struct dirent *entry;
    json_t *report = NULL;
    while (dir != NULL && (entry = readdir(dir)) != NULL && report == NULL) {
        if (strstr(entry->d_name, ".json") != NULL) {
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", reports, entry->d_name);
            report = json_load_file(path, 0, NULL);
        }
    }
    if (dir != NULL)
        closedir(dir);
    free(reports);
    cr_assert_not_null(report, "no report");
    return report;
}

Test(front_haproxy, twice_run_reports_what_haproxy_saw)
{
    char text[1024];
    snprintf(text, sizeof(text), scenario_fmt, "2", 1, "");
    pid_t twice = start_twice_run(text);
    int status;
    cr_assert_eq(wait_exit(twice, 60000, &status), 0, "twice ran too long");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", twice_stderr());
    json_t *report = load_report();
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(report, "models"), 0), "steps"), 0);
    json_t *run = json_array_get(json_object_get(step, "runs"), 0);
    json_t *seen = json_object_get(run, "front"), *summary = json_object_get(step, "summary");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "name")), "haproxy");
    cr_assert_eq(json_array_size(json_object_get(seen, "servers")), 2);
    for (size_t i = 0; i < 2; i++)
        cr_assert_gt(json_integer_value(json_object_get(
                         json_array_get(json_object_get(seen, "servers"), i), "requests")),
                     0);
    json_t *front = json_object_get(summary, "front");
    cr_assert_str_eq(json_string_value(json_object_get(front, "balance")), "roundrobin");
    cr_assert(json_is_number(json_object_get(front, "cpu")));
    cr_assert(json_is_number(json_object_get(front, "spread")));
    json_decref(report);
    cr_assert_eq(entries("twice-haproxy-"), 0);
}

Test(front_haproxy, a_killed_twice_leaves_no_haproxy)
{
    char text[1024];
    snprintf(text, sizeof(text), scenario_fmt, "2", 10, "");
    pid_t twice = start_twice_run(text);
    pid_t haproxy = 0;
    for (int waited = 0; haproxy == 0 && waited < 20000; waited += 50) {
        haproxy = haproxy_child_of(twice);
        sleep_ms(50);
    }
    cr_assert_gt(haproxy, 0, "no haproxy under twice: %s", twice_stderr());
    sleep_ms(500); /* mid-run: wrk is loading it */
    kill(twice, SIGKILL);
    int status;
    cr_assert_eq(wait_exit(twice, 5000, &status), 0);
    cr_assert_eq(wait_gone(haproxy, 5000), 0, "haproxy outlived a SIGKILLed twice");
    /* The watchdog removes the folder of its configuration and stats socket. */
    for (int waited = 0; entries("twice-haproxy-") != 0 && waited < 5000; waited += 50)
        sleep_ms(50);
    cr_assert_eq(entries("twice-haproxy-"), 0, "haproxy's folder outlived a SIGKILLed twice");
}

/* HAProxy binds its stats socket as PATH.PID.tmp before renaming it to PATH, so the path must
 * leave room for that in a unix socket address: a TMPDIR that leaves the path itself room but
 * not that is refused by twice, saying so, not by HAProxy after it started. */
Test(front_haproxy, a_tmpdir_too_long_for_haproxys_socket_is_refused)
{
    char name[128];
    /* The socket's path, TMPDIR + "/twice-haproxy-XXXXXX/stats.sock", is 100 bytes: it fits
     * sun_path (108) but not with ".PID.tmp" after it. */
    size_t fill = 100 - strlen("/twice-haproxy-XXXXXX/stats.sock") - strlen(scratch_dir) - 1;
    memset(name, 'd', fill);
    name[fill] = '\0';
    char *longer = scratch_path(name);
    cr_assert_eq(mkdir(longer, 0700), 0);
    setenv("TMPDIR", longer, 1);
    int ports[] = {1};
    front_spec spec = {.ports = ports, .n = 1};
    front_run fr;
    cr_assert_eq(front_haproxy.start(&fr, &spec, err, sizeof(err)), -1);
    cr_assert(strstr(err, "is too long a path for haproxy's stats socket") != NULL, "%s", err);
    cr_assert_eq(rmdir(longer), 0, "nothing was made in it");
    free(longer);
}

/* A TMPDIR that HAProxy's configuration could not name as it is (a space would end the
 * stats socket's path there) is refused before anything starts, saying what to change. */
Test(front_haproxy, a_tmpdir_haproxy_cannot_name_is_refused)
{
    char *odd = scratch_path("a b");
    cr_assert_eq(mkdir(odd, 0700), 0);
    setenv("TMPDIR", odd, 1);
    int ports[] = {1};
    front_spec spec = {.ports = ports, .n = 1};
    front_run fr;
    int rc = front_haproxy.start(&fr, &spec, err, sizeof(err));
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err, "cannot name the folder") != NULL && strstr(err, "set TMPDIR") != NULL,
              "%s", err);
    cr_assert_null(fr.state);
    cr_assert_eq(rmdir(odd), 0, "nothing was made in it");
    free(odd);
}

/* HAProxy's core counts with the servers' caps and wrk's measured CPU: caps that leave less
 * than a core beside them flag the step, whatever wrk used. Needs cgroups for the caps. */
Test(front_haproxy, the_balancers_core_counts_against_the_caps)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (!cgroups_possible() || cores < 2)
        cr_skip("CPU caps need cgroups (root) and 2 cores");
    /* 2 caps = cores - 0.9: with the balancer's core, more than the machine has. */
    char extra[64], text[1024], expected[256];
    snprintf(extra, sizeof(extra), ", \"cpu_cap\": %.2f", ((double)cores - 0.9) / 2);
    snprintf(text, sizeof(text), scenario_fmt, "2", 1, extra);
    pid_t twice = start_twice_run(text);
    int status;
    cr_assert_eq(wait_exit(twice, 60000, &status), 0, "twice ran too long");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", twice_stderr());
    json_t *report = load_report();
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(report, "models"), 0), "steps"), 0);
    cr_assert_eq(json_integer_value(json_object_get(step, "wrk_threads")), 1);
    json_t *summary = json_object_get(step, "summary");
    snprintf(expected, sizeof(expected),
             "and the haproxy balancer's core need more than the %ld cores", cores);
    json_t *flags = json_object_get(summary, "flags");
    char *dumped = json_dumps(flags, 0);
    cr_assert(strstr(dumped, expected) != NULL, "%s", dumped);
    free(dumped);
    cr_assert(json_is_false(json_object_get(summary, "valid")));
    json_decref(report);
}
