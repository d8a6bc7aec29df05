/*
 * test_harness_run.c - twice run end to end on loopback: a tiny scenario and
 * its report, and what happens when things go wrong (Ctrl-C mid-run, a
 * server that dies, one that never starts, wrk missing). Whatever happens,
 * no process twice started may be left: each test deploys a copy of
 * twice-app under a name of its own and looks for it afterwards.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
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
#include "scratch_dir.h"

TestSuite(harness_run, .init = scratch_make, .fini = scratch_remove, .timeout = 120);

typedef struct fixture {
    char dir[96];  /* scenario, report and app copy live here (in the scratch folder) */
    char app[128]; /* the copy of twice-app */
    char scenario[128];
    char reports[128];
    char err_path[128];
} fixture;

static void setup_fixture(fixture *f, const char *scenario_json_fmt, const char *route_or_cmd)
{
    snprintf(f->dir, sizeof(f->dir), "%s/run-XXXXXX", scratch_dir);
    cr_assert_not_null(mkdtemp(f->dir));
    snprintf(f->app, sizeof(f->app), "%s/twice-app-under-test", f->dir);
    snprintf(f->scenario, sizeof(f->scenario), "%s/scenario.json", f->dir);
    snprintf(f->reports, sizeof(f->reports), "%s/reports", f->dir);
    snprintf(f->err_path, sizeof(f->err_path), "%s/stderr", f->dir);
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", TWICE_APP_PATH, f->app);
    cr_assert_eq(system(cmd), 0);
    FILE *out = fopen(f->scenario, "w");
    fprintf(out, scenario_json_fmt, route_or_cmd);
    fclose(out);
}

/* Starts twice with args (NULL-terminated); env_path, if set, replaces PATH. */
static pid_t start_twice(const fixture *f, const char *const *args, const char *env_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        int err = open(f->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        if (env_path != NULL)
            setenv("PATH", env_path, 1);
        const char *argv[16] = {TWICE_PATH};
        size_t n = 1;
        for (; *args != NULL && n < 15; args++)
            argv[n++] = *args;
        argv[n] = NULL;
        execv(TWICE_PATH, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int finish(pid_t pid, int timeout_ms)
{
    int status = -1;
    if (wait_exit(pid, timeout_ms, &status) == 0)
        return status;
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    cr_assert_fail("twice ran past %d ms", timeout_ms);
    return status;
}

/* Processes still running whose argv[0] is argv0, each sent sig unless it is 0. */
static int signal_named(const char *argv0, int sig)
{
    int count = 0;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char path[300], cmdline[512] = "";
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/cmdline", entry->d_name);
        FILE *c = fopen(path, "r");
        if (c == NULL)
            continue;
        size_t n = fread(cmdline, 1, sizeof(cmdline) - 1, c);
        cmdline[n] = '\0';
        fclose(c);
        if (strcmp(cmdline, argv0) == 0 && process_alive(atoi(entry->d_name))) {
            count++;
            if (sig != 0)
                kill(atoi(entry->d_name), sig);
        }
    }
    closedir(proc);
    return count;
}

/* Processes still running the fixture's copy of twice-app, each sent sig unless it is 0. */
static int signal_leftovers(const fixture *f, int sig)
{
    return signal_named(f->app, sig);
}

static int leftovers(const fixture *f)
{
    return signal_leftovers(f, 0);
}

static void assert_nothing_left(const fixture *f)
{
    for (int waited = 0; leftovers(f) != 0 && waited < 3000; waited += 50)
        sleep_ms(50);
    cr_assert_eq(leftovers(f), 0, "processes twice started are still running");
}

static json_t *load_report(const fixture *f)
{
    DIR *dir = opendir(f->reports);
    cr_assert_not_null(dir, "no report directory");
    struct dirent *entry;
    json_t *report = NULL;
    while ((entry = readdir(dir)) != NULL) {
        cr_assert(entry->d_name[0] != '.' || strcmp(entry->d_name, ".") == 0 ||
                      strcmp(entry->d_name, "..") == 0,
                  "a temporary file was left: %s", entry->d_name);
        if (strstr(entry->d_name, ".json") != NULL) {
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", f->reports, entry->d_name);
            json_error_t error;
            report = json_load_file(path, 0, &error);
            cr_assert_not_null(report, "%s: %s", path, error.text);
        }
    }
    closedir(dir);
    cr_assert_not_null(report, "no report was written");
    return report;
}

static char *stderr_of(const fixture *f)
{
    FILE *in = fopen(f->err_path, "r");
    static char text[8192];
    size_t n = in != NULL ? fread(text, 1, sizeof(text) - 1, in) : 0;
    text[n] = '\0';
    if (in != NULL)
        fclose(in);
    return text;
}

static const char *const app_scenario =
    "{\"name\": \"tiny\", \"target\": {\"app\": \"twice-app\", \"route\": \"%s\","
    " \"check\": \"ctx\", \"threads\": 4},"
    " \"models\": [\"process\", \"coroutine\"], \"servers\": [1, 2],"
    " \"connections_per_server\": 4, \"warmup_s\": 0, \"duration_s\": 1, \"repetitions\": 2,"
    " \"predict\": [4]}";

Test(harness_run, a_tiny_scenario_end_to_end)
{
    fixture f;
    setup_fixture(&f, app_scenario, "/ctx?id={id}&ms=2");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    int status = finish(start_twice(&f, args, NULL), 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit %d: %s", status, stderr_of(&f));
    json_t *r = load_report(&f);
    cr_assert_str_eq(json_string_value(json_object_get(r, "schema")), "twice.report/1");
    /* No seed in the scenario: the run picked one, said which, and kept it in the report. */
    json_t *seed = json_object_get(json_object_get(r, "statistics"), "seed");
    cr_assert(json_is_integer(seed));
    char said[128];
    snprintf(said, sizeof(said), "shuffled with seed %lld (\"seed\": %lld in the scenario",
             (long long)json_integer_value(seed), (long long)json_integer_value(seed));
    cr_assert(strstr(stderr_of(&f), said) != NULL, "%s", stderr_of(&f));
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(r, "statistics"), "interval")),
        "bootstrap percentile, 95%, 4000 resamples");
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "complete");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "scenario"), "name")),
                     "tiny");
    json_t *machine = json_object_get(r, "machine");
    cr_assert_gt(json_integer_value(json_object_get(machine, "cores")), 0);
    /* wrk prints its version, then its usage: the version is the first line. */
    const char *wrk = json_string_value(json_object_get(machine, "wrk"));
    cr_assert(wrk != NULL && strncmp(wrk, "wrk ", 4) == 0, "machine.wrk: %s", wrk);
    cr_assert(strstr(json_string_value(json_object_get(machine, "twice_app")), "twice-app") !=
              NULL);
    json_t *models = json_object_get(r, "models");
    cr_assert_eq(json_array_size(models), 2);
    for (size_t m = 0; m < 2; m++) {
        json_t *steps = json_object_get(json_array_get(models, m), "steps");
        cr_assert_eq(json_array_size(steps), 2);
        for (size_t s = 0; s < 2; s++) {
            json_t *step = json_array_get(steps, s);
            json_t *summary = json_object_get(step, "summary");
            cr_assert_eq(json_integer_value(json_object_get(step, "servers")), (json_int_t)s + 1);
            cr_assert_eq(json_integer_value(json_object_get(step, "connections")),
                         4 * ((json_int_t)s + 1));
            json_t *runs = json_object_get(step, "runs");
            cr_assert_eq(json_array_size(runs), 2, "every repetition");
            for (size_t k = 0; k < 2; k++)
                cr_assert_eq(json_integer_value(json_object_get(json_array_get(runs, k), "round")),
                             (json_int_t)k + 1, "one measurement of the step per round");
            cr_assert_gt(json_number_value(
                             json_object_get(json_object_get(summary, "throughput"), "median")),
                         0);
            cr_assert_float_eq(json_number_value(json_object_get(summary, "failed_checks")), 0,
                               1e-9, "the context probe held under load");
            double e = json_number_value(json_object_get(summary, "efficiency"));
            cr_assert(e > 0.3 && e < 1.7, "efficiency %f", e);
            /* Each figure with its 95% interval around it. */
            json_t *x = json_object_get(summary, "throughput");
            double median = json_number_value(json_object_get(x, "median"));
            json_t *ci = json_object_get(x, "ci95"),
                   *eci = json_object_get(summary, "efficiency_ci95");
            cr_assert(json_array_size(ci) == 2 && json_array_size(eci) == 2);
            cr_assert(json_number_value(json_array_get(ci, 0)) <= median &&
                      median <= json_number_value(json_array_get(ci, 1)));
            cr_assert(json_number_value(json_array_get(eci, 0)) <= e + 1e-12 &&
                      e <= json_number_value(json_array_get(eci, 1)) + 1e-12);
        }
    }
    /* The fit on every repetition (2 steps x 2 rounds), each parameter with its interval. */
    for (size_t m = 0; m < 2; m++) {
        json_t *analysis = json_object_get(json_array_get(models, m), "analysis");
        json_t *usl = json_object_get(analysis, "usl");
        cr_assert(json_is_string(json_object_get(analysis, "verdict_note")));
        json_t *prediction = json_array_get(json_object_get(analysis, "predictions"), 0);
        cr_assert_eq(json_integer_value(json_object_get(prediction, "servers")), 4);
        cr_assert(json_is_null(json_object_get(prediction, "measured")), "4 was not measured");
        cr_assert(json_is_number(json_object_get(prediction, "value")) ||
                      *json_string_value(json_object_get(prediction, "note")) != '\0',
                  "a prediction, or why none");
        if (!json_is_true(json_object_get(usl, "fitted")))
            continue; /* a fit can fail on real data: the note says why */
        cr_assert_eq(json_integer_value(json_object_get(usl, "measurements")), 4);
        cr_assert(json_is_number(json_object_get(json_object_get(usl, "sigma"), "value")));
        cr_assert(json_is_boolean(json_object_get(usl, "super_linear")));
        cr_assert_null(json_object_get(usl, "r2"), "R² is gone");
    }
    json_decref(r);
    /* Markdown and JUnit beside the JSON, under the same name. */
    int md = 0, junit = 0;
    DIR *dir = opendir(f.reports);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        md += strstr(entry->d_name, ".md") != NULL;
        junit += strstr(entry->d_name, ".junit.xml") != NULL;
    }
    closedir(dir);
    cr_assert(md == 1 && junit == 1, "md %d, junit %d", md, junit);
    assert_nothing_left(&f);
}

/* One worker per server in the process model serves one request at a time: two servers only
 * double the throughput if load reaches both. So a working front shows E(2) near 1, and a
 * front that sends everything to one server shows E(2) near 0.5. Three rounds: the kernel's
 * hash now and then puts all 8 connections on one server in one measurement (1 in 128), and
 * the median of three outvotes it. */
static void front_spreads_load(const char *front)
{
    fixture f;
    char format[512];
    snprintf(
        format, sizeof(format),
        "{\"name\": \"front\", \"target\": {\"app\": \"twice-app\", \"route\": \"%%s\","
        " \"check\": \"json\"}, \"models\": [\"process\"], \"servers\": [1, 2],"
        " \"connections_per_server\": 4, \"warmup_s\": 0, \"duration_s\": 2, \"repetitions\": 3,"
        " \"front\": \"%s\"}",
        front);
    setup_fixture(&f, format, "/sleep?ms=10");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    int status = finish(start_twice(&f, args, NULL), 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit %d: %s", status, stderr_of(&f));
    json_t *r = load_report(&f);
    json_t *steps = json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps");
    json_t *two = json_object_get(json_array_get(steps, 1), "summary");
    double e = json_number_value(json_object_get(two, "efficiency"));
    cr_assert_gt(e, 0.8, "%s front: E(2) = %f, so the load did not reach both servers", front, e);
    cr_assert_float_eq(json_number_value(json_object_get(two, "failed_checks")), 0, 1e-9);
    json_decref(r);
    assert_nothing_left(&f);
}

Test(harness_run, the_direct_front_reaches_every_server)
{
    front_spreads_load("direct");
}

Test(harness_run, the_reuseport_front_reaches_every_server)
{
    front_spreads_load("reuseport");
}

Test(harness_run, ctrl_c_mid_run_stops_everything_and_says_so)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"long\", \"target\": {\"app\": \"twice-app\", \"route\": \"%s\"},"
                  " \"models\": [\"thread\"], \"servers\": [2], \"warmup_s\": 0,"
                  " \"duration_s\": 20, \"repetitions\": 1}",
                  "/sleep?ms=5");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    pid_t twice = start_twice(&f, args, NULL);
    sleep_ms(2500); /* servers up, wrk running */
    cr_assert_gt(leftovers(&f), 0, "the servers were running");
    kill(twice, SIGINT);
    int status = finish(twice, 15000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    cr_assert(strstr(stderr_of(&f), "interrupted") != NULL, "%s", stderr_of(&f));
    json_t *r = load_report(&f);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "interrupted");
    json_decref(r);
    assert_nothing_left(&f);
}

Test(harness_run, a_server_that_dies_mid_run_fails_the_run)
{
    fixture f;
    char command[256];
    /* Serves for a while, then exits with timeout's status 124, with wrk still running. */
    snprintf(command, sizeof(command), "exec timeout 2 %s --listen {host}:{port}", TWICE_APP_PATH);
    setup_fixture(&f,
                  "{\"name\": \"dies\", \"target\": {\"command\": \"%s\", \"route\": \"/json\"},"
                  " \"servers\": [1], \"warmup_s\": 0, \"duration_s\": 4, \"repetitions\": 1}",
                  command);
    const char *const args[] = {"run", f.scenario, "-o", f.reports, NULL};
    int status = finish(start_twice(&f, args, NULL), 30000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    const char *err = stderr_of(&f);
    cr_assert(strstr(err, "server 1 of 1 exited with status 124 during the run") != NULL ||
                  strstr(err, "wrk") != NULL,
              "%s", err);
    json_t *r = load_report(&f);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "failed");
    json_decref(r);
}

Test(harness_run, a_server_that_never_starts_is_reported_with_its_stderr)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"nostart\", \"target\": {\"command\": \"%s\", \"route\": \"/\"},"
                  " \"servers\": [1], \"warmup_s\": 0, \"duration_s\": 1, \"repetitions\": 1}",
                  "echo cannot bind {port} >&2; exit 3");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, NULL};
    int status = finish(start_twice(&f, args, NULL), 30000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    const char *err = stderr_of(&f);
    cr_assert(strstr(err, "server 1 of 1 exited with status 3 before it was ready") != NULL, "%s",
              err);
    cr_assert(strstr(err, "cannot bind") != NULL, "its stderr is shown: %s", err);
}

Test(harness_run, wrk_missing_is_a_clear_error)
{
    fixture f;
    setup_fixture(&f, app_scenario, "/ctx?id={id}&ms=1");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    int status = finish(start_twice(&f, args, "/nonexistent"), 30000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    cr_assert(strstr(stderr_of(&f), "\"wrk\" is not installed (apt-get install wrk)") != NULL, "%s",
              stderr_of(&f));
    cr_assert_null(opendir(f.reports), "refused before anything ran");
    assert_nothing_left(&f);
}

/* A folder holding only wrk: a PATH on which every other program is missing. */
static const char *path_with_wrk_only(const fixture *f)
{
    static char bin[160];
    snprintf(bin, sizeof(bin), "%s/bin", f->dir);
    cr_assert_eq(mkdir(bin, 0700), 0);
    char link[200];
    snprintf(link, sizeof(link), "%s/wrk", bin);
    cr_assert_eq(symlink("/usr/bin/wrk", link), 0);
    return bin;
}

/* A target whose program is not installed stops the run before anything is measured, at the
 * command's position in the file, naming the package. */
Test(harness_run, a_missing_target_program_fails_at_once)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"peers\", \"workload\": {\"route\": \"/json\"},\n"
                  " \"targets\": [{\"label\": \"twice\", \"app\": \"twice-app\", \"model\": "
                  "\"thread\"},\n"
                  "  {\"label\": \"flask\", \"command\": \"%s\"}],\n"
                  " \"servers\": [1], \"warmup_s\": 0, \"duration_s\": 1, \"repetitions\": 1}",
                  "gunicorn -k sync --bind {host}:{port} app:app");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    int status = finish(start_twice(&f, args, path_with_wrk_only(&f)), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    char message[256];
    snprintf(message, sizeof(message),
             "%s:3:33: targets[1].command: \"gunicorn\" is not installed (apt-get install "
             "gunicorn)",
             f.scenario);
    cr_assert(strstr(stderr_of(&f), message) != NULL, "%s", stderr_of(&f));
    cr_assert_null(opendir(f.reports), "refused before anything ran");
    assert_nothing_left(&f);
}

/* The Markdown report of a run (the one file ending in .md in its folder). */
static char *markdown_of(const fixture *f)
{
    char pattern[200], *text = NULL;
    snprintf(pattern, sizeof(pattern), "%s/*.md", f->reports);
    glob_t found;
    cr_assert_eq(glob(pattern, 0, NULL, &found), 0, "no Markdown report");
    FILE *in = fopen(found.gl_pathv[0], "r");
    size_t len = 0;
    cr_assert_not_null(in);
    cr_assert_geq(getdelim(&text, &len, '\0', in), 0);
    fclose(in);
    globfree(&found);
    return text;
}

/* A run given an inventory (every host local, two load clients) records it, each step's hosts
 * and each client's figures, and its Markdown shows them. */
Test(harness_run, a_run_with_an_inventory_reports_its_hosts_and_clients)
{
    fixture f;
    setup_fixture(&f, app_scenario, "/sleep?ms=2");
    char inventory[160];
    snprintf(inventory, sizeof(inventory), "%s/inventory.json", f.dir);
    FILE *out = fopen(inventory, "w");
    cr_assert_not_null(out);
    fputs("{\"servers\": [\"local\", \"local\"], \"clients\": [\"local\", \"local\"]}\n", out);
    fclose(out);
    const char *const args[] = {"run", f.scenario,    "-o",      f.reports, "--app",
                                f.app, "--inventory", inventory, NULL};
    int status = finish(start_twice(&f, args, NULL), 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit %d: %s", status, stderr_of(&f));
    json_t *r = load_report(&f), *inv = json_object_get(r, "inventory");
    cr_assert_str_eq(json_string_value(json_object_get(inv, "file")), inventory);
    cr_assert_eq(json_array_size(json_object_get(inv, "servers")), 2);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(inv, "clients"), 1)),
                     "local");
    cr_assert_str_eq(json_string_value(json_object_get(inv, "balancer")), "local");
    json_t *two = json_array_get(
        json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps"), 1);
    json_t *hosts = json_object_get(two, "hosts");
    cr_assert_eq(json_array_size(hosts), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(hosts, 1), "host")),
                     "127.0.0.1");
    cr_assert_eq(json_array_size(
                     json_object_get(json_array_get(json_object_get(two, "runs"), 0), "clients")),
                 2);
    json_decref(r);
    char *md = markdown_of(&f), expected[256];
    snprintf(expected, sizeof(expected),
             "\n\nInventory %s: server hosts local, local; client hosts local, local; balancer "
             "local.\n",
             inventory);
    cr_assert(strstr(md, expected) != NULL, "%s", md);
    cr_assert(strstr(md, "\n### Hosts\n\n- process, 1 servers: 127\\.0.0.1\n- process, 2 servers: "
                         "127\\.0.0.1, 127\\.0.0.1\n") != NULL,
              "%s", md);
    cr_assert(strstr(md, "Load clients, coroutine, 2 servers:") != NULL, "%s", md);
    free(md);
    assert_nothing_left(&f);
}

/* A target that fails does not take the others with it: they are measured and analysed, it
 * is recorded as failed with why, none of its steps shows a figure, and twice exits 2 naming
 * it. */
Test(harness_run, a_failing_target_is_recorded_and_the_others_still_run)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"mixed\", \"workload\": {\"route\": \"/json\", \"check\": "
                  "\"json\"},"
                  " \"targets\": [{\"label\": \"broken\", \"command\": \"%s\"},"
                  " {\"label\": \"working\", \"app\": \"twice-app\", \"model\": \"coroutine\"}],"
                  " \"servers\": [1, 2], \"connections_per_server\": 2, \"warmup_s\": 0,"
                  " \"duration_s\": 1, \"repetitions\": 2}",
                  "echo cannot bind {port} >&2; exit 3");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    int status = finish(start_twice(&f, args, NULL), 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    const char *err = stderr_of(&f);
    cr_assert(strstr(err, "twice: target \"broken\" failed: server 1 of ") != NULL, "%s", err);
    cr_assert(strstr(err, "1 of 2 targets failed: broken") != NULL, "%s", err);
    json_t *r = load_report(&f);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "failed");
    json_t *broken = json_array_get(json_object_get(r, "models"), 0);
    json_t *working = json_array_get(json_object_get(r, "models"), 1);
    cr_assert_str_eq(json_string_value(json_object_get(broken, "model")), "broken");
    json_t *target = json_object_get(broken, "target");
    cr_assert_str_eq(json_string_value(json_object_get(target, "kind")), "command");
    cr_assert_str_eq(json_string_value(json_object_get(target, "command")),
                     "echo cannot bind {port} >&2; exit 3");
    json_t *analysis = json_object_get(broken, "analysis");
    cr_assert_str_eq(json_string_value(json_object_get(analysis, "verdict")), "failed");
    cr_assert(strstr(json_string_value(json_object_get(analysis, "error")), "cannot bind") != NULL);
    json_t *step;
    size_t i;
    json_array_foreach(json_object_get(broken, "steps"), i, step)
        cr_assert_null(json_object_get(step, "summary"), "no figure from a failed target");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(working, "target"), "model")),
        "coroutine");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(working, "target"), "kind")),
                     "twice-app");
    json_array_foreach(json_object_get(working, "steps"), i, step)
    {
        json_t *summary = json_object_get(step, "summary");
        cr_assert_gt(json_number_value(json_object_get(summary, "efficiency")), 0,
                     "the other target was measured and analysed");
    }
    cr_assert_str_neq(
        json_string_value(json_object_get(json_object_get(working, "analysis"), "verdict")),
        "failed");
    json_decref(r);
    char *md = markdown_of(&f);
    cr_assert(strstr(md, "| broken | 1 | — | — | — | — | — | — |") != NULL, "%s", md);
    cr_assert(strstr(md, "| broken | 2 | — |") != NULL, "%s", md);
    cr_assert(strstr(md, "- **broken**: `echo cannot bind {port} >&2; exit 3`") != NULL, "%s", md);
    cr_assert(strstr(md, "- **working**: `twice-app coroutine`") != NULL, "%s", md);
    cr_assert(strstr(md, "- **broken**: failed: no analysis: server 1 of ") != NULL, "%s", md);
    free(md);
    assert_nothing_left(&f);
}

/* gunicorn without --reuse-port under the reuseport front: the second server cannot bind the
 * shared port. It must not pass for ready because the first one answers there, and the
 * message says what to change and shows gunicorn's last lines, not one. */
Test(harness_run, a_server_without_reuse_port_is_told_what_it_needs)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"noreuse\", \"workload\": {\"route\": \"/json\", \"check\": "
                  "\"json\"}, \"targets\": [{\"label\": \"gunicorn\", \"cwd\": \"" TARGETS_DIR
                  "/flask\", \"command\": \"%s\"}], \"servers\": [1, 2], "
                  "\"connections_per_server\": 2, \"warmup_s\": 0, \"duration_s\": 1, "
                  "\"repetitions\": 1}",
                  "gunicorn -k sync -w 1 --bind {host}:{port} app:app");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, NULL};
    int status = finish(start_twice(&f, args, NULL), 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    const char *err = stderr_of(&f);
    cr_assert(strstr(err, "server 2 of 2 exited with status 1 before it was ready: its port was "
                          "in use: under the reuseport front every server binds the same port, "
                          "so each must set SO_REUSEPORT (gunicorn: --reuse-port), or the "
                          "scenario must use another front") != NULL,
              "%s", err);
    /* gunicorn's own account, to its last line. */
    cr_assert(strstr(err, "Connection in use: ('127.0.0.1'") != NULL, "%s", err);
    cr_assert(strstr(err, "Retrying in 1 second.") != NULL, "%s", err);
    cr_assert(strstr(err, "Can't connect to ('127.0.0.1'") != NULL, "%s", err);
    json_t *r = load_report(&f);
    json_t *steps = json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps");
    cr_assert_null(json_object_get(json_array_get(steps, 0), "summary"),
                   "the one step that ran shows no efficiency of its own");
    json_decref(r);
}

/* twice gate's exit statuses, the ones a CI job acts on, on a fixed report (a live run's
 * figures could be flagged on a busy machine, and this is about the verdicts' mapping). */
Test(harness_run, gate_exit_statuses)
{
    fixture f;
    setup_fixture(&f, "{}%s", "");
    char report[256];
    snprintf(report, sizeof(report), "%s/valid-report.json", f.dir);
    json_t *r = json_load_file(FIXTURES_DIR "/report.json", 0, NULL);
    cr_assert_not_null(r);
    json_t *step;
    size_t i;
    json_array_foreach(json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps"), i,
                       step)
    {
        json_t *summary = json_object_get(step, "summary");
        json_object_set_new(summary, "valid", json_true());
        json_object_set_new(summary, "flags", json_array());
    }
    cr_assert_eq(json_dump_file(r, report, 0), 0);
    json_decref(r);

    const char *const lax[] = {"gate", report, "--min-efficiency", "0.5", "--max-error-rate",
                               "0.01", NULL};
    int status = finish(start_twice(&f, lax, NULL), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a lax gate passes: %d %s", status,
              stderr_of(&f));
    const char *const strict[] = {"gate", report, "--max-p99-ms", "0.001", NULL};
    status = finish(start_twice(&f, strict, NULL), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "an impossible p99 fails: %d", status);
    const char *const itself[] = {
        "gate", report, "--baseline", report, "--min-efficiency", "0.5", "--max-error-rate",
        "0.01", NULL};
    status = finish(start_twice(&f, itself, NULL), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "against itself: %d", status);
    /* Every repetition 20% lower: beyond the tolerance and significant (p = 0.008). */
    char lower[256];
    snprintf(lower, sizeof(lower), "%s/lower-report.json", f.dir);
    r = json_load_file(report, 0, NULL);
    json_array_foreach(json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps"), i,
                       step)
    {
        json_t *run, *x = json_object_get(json_object_get(step, "summary"), "throughput");
        size_t k;
        json_array_foreach(json_object_get(step, "runs"), k, run) json_object_set_new(
            run, "throughput",
            json_real(json_number_value(json_object_get(run, "throughput")) * 0.8));
        json_object_set_new(x, "median",
                            json_real(json_number_value(json_object_get(x, "median")) * 0.8));
    }
    cr_assert_eq(json_dump_file(r, lower, 0), 0);
    json_decref(r);
    const char *const dropped[] = {
        "gate", lower, "--baseline", report, "--min-efficiency", "0.5", "--max-error-rate",
        "0.01", NULL};
    status = finish(start_twice(&f, dropped, NULL), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "a significant drop: %d", status);
    const char *const missing[] = {"gate", "/nonexistent.json", NULL};
    status = finish(start_twice(&f, missing, NULL), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "no report: %d", status);
    const char *const bad_flag[] = {"gate", report, "--tolerance", "lots", NULL};
    status = finish(start_twice(&f, bad_flag, NULL), 10000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "bad flag: %d", status);
    cr_assert(strstr(stderr_of(&f), "--tolerance: expected a number") != NULL, "%s", stderr_of(&f));
}

Test(harness_run, bad_input_exits_2)
{
    fixture f;
    setup_fixture(&f, "{\"name\": \"x\", \"servers\": [] %s}", "");
    const char *const validate[] = {"validate", f.scenario, NULL};
    int status = finish(start_twice(&f, validate, NULL), 5000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    cr_assert(strstr(stderr_of(&f), "scenario.json:1:") != NULL, "%s", stderr_of(&f));
    const char *const unknown[] = {"frobnicate", NULL};
    status = finish(start_twice(&f, unknown, NULL), 5000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    const char *const missing[] = {"run", NULL};
    status = finish(start_twice(&f, missing, NULL), 5000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    cr_assert(strstr(stderr_of(&f), "name a scenario file") != NULL);
}

/* What a SIGKILLed twice leaves behind, and what happens to a server that loses a worker:
 * these tests watch twice's process tree from outside while it runs. */

static void cmdline_of(pid_t pid, char *cmdline, size_t len)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    FILE *c = fopen(path, "r");
    size_t n = c != NULL ? fread(cmdline, 1, len - 1, c) : 0;
    cmdline[n] = '\0';
    if (c != NULL)
        fclose(c);
}

/* twice's wrk, once it runs (a child whose command is wrk), within timeout_ms; else 0. */
static pid_t wait_for_wrk(pid_t twice, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        size_t n;
        pid_t *children = children_of(twice, &n), found = 0;
        for (size_t i = 0; i < n && found == 0; i++) {
            char cmdline[256];
            cmdline_of(children[i], cmdline, sizeof(cmdline));
            if (strcmp(cmdline, "wrk") == 0)
                found = children[i];
        }
        free(children);
        if (found != 0)
            return found;
        sleep_ms(50);
    }
    return 0;
}

/* Every process under root, root included (malloc'd; *n their count). */
static pid_t *process_tree(pid_t root, size_t *n)
{
    pid_t *tree = malloc(sizeof(*tree));
    tree[0] = root;
    *n = 1;
    for (size_t next = 0; next < *n; next++) {
        size_t count;
        pid_t *children = children_of(tree[next], &count);
        tree = realloc(tree, (*n + count) * sizeof(*tree));
        memcpy(tree + *n, children, count * sizeof(*tree));
        *n += count;
        free(children);
    }
    return tree;
}

/* A named file of /tmp, other than the fixture's own, that a process under twice has open
 * ("" when none): twice's temporaries have no name, so a SIGKILL cannot leave them behind. */
static const char *named_temporary(const fixture *f, pid_t twice)
{
    static char found[600];
    size_t n;
    pid_t *tree = process_tree(twice, &n);
    found[0] = '\0';
    for (size_t i = 0; i < n && found[0] == '\0'; i++) {
        char dir[64];
        snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)tree[i]);
        DIR *fds = opendir(dir);
        struct dirent *entry;
        while (fds != NULL && (entry = readdir(fds)) != NULL) {
            char link[330], target[512];
            snprintf(link, sizeof(link), "%s/%s", dir, entry->d_name);
            ssize_t len = readlink(link, target, sizeof(target) - 1);
            target[len > 0 ? len : 0] = '\0';
            if (strncmp(target, "/tmp/", 5) == 0 && strncmp(target, f->dir, strlen(f->dir)) != 0)
                snprintf(found, sizeof(found), "process %d has %s open", (int)tree[i], target);
        }
        if (fds != NULL)
            closedir(fds);
    }
    free(tree);
    return found;
}

/* How many cgroups named after twice's pid exist, in any hierarchy. */
static size_t cgroups_of(pid_t twice)
{
    static const char *const patterns[] = {"/sys/fs/cgroup/twice-%d", "/sys/fs/cgroup/*/twice-%d",
                                           "/sys/fs/cgroup/*/*/twice-%d",
                                           "/sys/fs/cgroup/*/*/*/twice-%d"};
    size_t count = 0;
    for (size_t i = 0; i < sizeof(patterns) / sizeof(*patterns); i++) {
        char pattern[128];
        glob_t g;
        snprintf(pattern, sizeof(pattern), patterns[i], (int)twice);
        if (glob(pattern, 0, NULL, &g) == 0)
            count += g.gl_pathc;
        globfree(&g);
    }
    return count;
}

/* Command targets name the fixture's own copy of twice-app as TWICE_APP_COPY (its path is
 * known once the fixture exists), so that leftovers() finds what they start. */
static void name_app_copy(const fixture *f)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "sed -i 's|TWICE_APP_COPY|%s|' '%s'", f->app, f->scenario);
    cr_assert_eq(system(cmd), 0);
}

static void kill_twice(pid_t twice)
{
    int status;
    kill(twice, SIGKILL);
    cr_assert_eq(wait_exit(twice, 5000, &status), 0);
}

/* Waits for twice's wrk, so that everything of a step runs; twice is killed if it never does. */
static void wait_for_load(const fixture *f, pid_t twice)
{
    if (wait_for_wrk(twice, 15000) == 0) {
        kill_twice(twice);
        cr_assert_fail("wrk never ran: %s", stderr_of(f));
    }
}

Test(harness_run, a_killed_twice_takes_a_forking_commands_servers_with_it)
{
    fixture f;
    /* The shell waits for the server, so the server is twice's grandchild, out of reach of
     * the death signal twice's children get. */
    setup_fixture(
        &f,
        "{\"name\": \"forks\", \"target\": {\"command\": \"%s\", \"route\": "
        "\"/json\"}, \"servers\": [2], \"warmup_s\": 0, \"duration_s\": 20, \"repetitions\": 1}",
        "TWICE_APP_COPY --workers 2 --listen {host}:{port}; echo done");
    name_app_copy(&f);
    const char *const args[] = {"run", f.scenario, "-o", f.reports, NULL};
    pid_t twice = start_twice(&f, args, NULL);
    wait_for_load(&f, twice);
    int running = leftovers(&f);
    kill_twice(twice);
    cr_assert_geq(running, 2, "both servers and their workers ran");
    assert_nothing_left(&f);
}

Test(harness_run, a_killed_twice_leaves_no_file_and_no_cgroup)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"capped\", \"target\": {\"app\": \"twice-app\", \"route\": "
                  "\"%s\"}, \"models\": [\"thread\"], \"servers\": [1], \"cpu_cap\": 0.5,"
                  " \"warmup_s\": 0, \"duration_s\": 20, \"repetitions\": 1}",
                  "/sleep?ms=5");
    const char *const args[] = {"run", f.scenario,         "-o", f.reports, "--app",
                                f.app, "--allow-uncapped", NULL};
    pid_t twice = start_twice(&f, args, NULL);
    wait_for_load(&f, twice);
    char named[600];
    snprintf(named, sizeof(named), "%s", named_temporary(&f, twice));
    cr_log_info("%zu cgroups of twice during the run", cgroups_of(twice));
    kill_twice(twice);
    cr_assert_str_empty(named);
    assert_nothing_left(&f);
    for (int waited = 0; cgroups_of(twice) != 0 && waited < 3000; waited += 50)
        sleep_ms(50);
    cr_assert_eq(cgroups_of(twice), 0, "twice's cgroups were left behind");
    DIR *reports = opendir(f.reports);
    struct dirent *entry;
    while (reports != NULL && (entry = readdir(reports)) != NULL)
        cr_assert(strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0,
                  "left in the report directory: %s", entry->d_name);
    if (reports != NULL)
        closedir(reports);
}

/* A worker of the fixture's twice-app (its parent runs the same program), within 10 s; else 0. */
static pid_t find_worker(const fixture *f)
{
    for (int waited = 0; waited < 10000; waited += 50) {
        DIR *proc = opendir("/proc");
        struct dirent *entry;
        pid_t found = 0;
        while (found == 0 && (entry = readdir(proc)) != NULL) {
            char cmdline[512], parent_cmdline[512], path[300], stat[512];
            if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
                continue;
            cmdline_of(atoi(entry->d_name), cmdline, sizeof(cmdline));
            snprintf(path, sizeof(path), "/proc/%s/stat", entry->d_name);
            FILE *s = fopen(path, "r");
            size_t len = s != NULL ? fread(stat, 1, sizeof(stat) - 1, s) : 0;
            stat[len] = '\0';
            if (s != NULL)
                fclose(s);
            const char *after = strrchr(stat, ')');
            int ppid = 0;
            if (strcmp(cmdline, f->app) != 0 || after == NULL ||
                sscanf(after + 1, " %*c %d", &ppid) != 1)
                continue;
            cmdline_of(ppid, parent_cmdline, sizeof(parent_cmdline));
            if (strcmp(parent_cmdline, f->app) == 0)
                found = atoi(entry->d_name);
        }
        closedir(proc);
        if (found != 0)
            return found;
        sleep_ms(50);
    }
    return 0;
}

static int flags_mention(json_t *step, const char *text)
{
    json_t *flag;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(step, "summary"), "flags"), i, flag)
    {
        if (strstr(json_string_value(flag), text) != NULL)
            return 1;
    }
    return 0;
}

Test(harness_run, a_worker_lost_mid_run_flags_the_step)
{
    fixture f;
    setup_fixture(&f,
                  "{\"name\": \"crash\", \"target\": {\"app\": \"twice-app\", \"route\": "
                  "\"%s\", \"workers\": 2}, \"models\": [\"process\"], \"servers\": [1, 2],"
                  " \"warmup_s\": 0, \"duration_s\": 3, \"repetitions\": 1}",
                  "/sleep?ms=5");
    const char *const args[] = {"run", f.scenario, "-o", f.reports, "--app", f.app, NULL};
    pid_t twice = start_twice(&f, args, NULL);
    /* Mid-run in the first measurement (one or two servers, in the round's shuffled order): one
     * worker crashes. */
    wait_for_load(&f, twice);
    sleep_ms(500);
    pid_t worker = find_worker(&f);
    if (worker == 0)
        kill_twice(twice);
    cr_assert_neq(worker, 0, "no worker of %s found", f.app);
    cr_assert_eq(kill(worker, SIGKILL), 0);
    int status = finish(twice, 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit %d: %s", status, stderr_of(&f));
    json_t *r = load_report(&f);
    json_t *model = json_array_get(json_object_get(r, "models"), 0);
    json_t *steps = json_object_get(model, "steps");
    json_t *hit = json_array_get(steps, 0), *other = json_array_get(steps, 1);
    if (!flags_mention(hit, "lost")) {
        hit = other;
        other = json_array_get(steps, 0);
    }
    cr_assert(json_is_false(json_object_get(json_object_get(hit, "summary"), "valid")));
    cr_assert(flags_mention(hit, "round 1: server ") &&
                  flags_mention(hit, " lost 1 worker (last: twice: worker "),
              "%s", json_dumps(json_object_get(hit, "summary"), 0));
    cr_assert(flags_mention(hit, "was killed by signal 9"));
    cr_assert(!flags_mention(other, "lost"), "the other step lost nothing");
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(model, "analysis"), "verdict")),
        "invalid");
    json_decref(r);
    assert_nothing_left(&f);
}

Test(harness_run, ctrl_c_during_start_up_stops_at_once_and_says_interrupted)
{
    fixture f;
    /* Runs, but never answers on the port twice chose: twice waits for it. */
    setup_fixture(&f,
                  "{\"name\": \"deaf\", \"target\": {\"command\": \"%s\", \"route\": \"/\"},"
                  " \"servers\": [1], \"warmup_s\": 0, \"duration_s\": 1, \"repetitions\": 1}",
                  "exec TWICE_APP_COPY --listen 127.0.0.1:0 # {port}");
    name_app_copy(&f);
    const char *const args[] = {"run", f.scenario, "-o", f.reports, NULL};
    pid_t twice = start_twice(&f, args, NULL);
    for (int waited = 0; leftovers(&f) == 0 && waited < 10000; waited += 20)
        sleep_ms(20);
    cr_assert_gt(leftovers(&f), 0, "the server started: %s", stderr_of(&f));
    kill(twice, SIGINT);
    /* Far less than the 10 s twice would wait for the server to answer. */
    int status = finish(twice, 3000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d", status);
    const char *err = stderr_of(&f);
    cr_assert(strstr(err, "interrupted: while server 1 of 1 was starting") != NULL, "%s", err);
    cr_assert(strstr(err, "timeout") == NULL, "%s", err);
    json_t *r = load_report(&f);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "interrupted");
    json_decref(r);
    assert_nothing_left(&f);
}

Test(harness_run, a_killed_twice_takes_a_server_that_left_its_process_group_with_it)
{
    if (!cgroups_possible())
        cr_skip("twice can make no cgroup here (needs root): process groups are all it has");
    fixture f;
    /* setsid puts the server in a session and process group of its own: only the cgroup
     * twice made for it still holds it. */
    setup_fixture(
        &f,
        "{\"name\": \"escapes\", \"target\": {\"command\": \"%s\", \"route\": "
        "\"/json\"}, \"servers\": [1], \"warmup_s\": 0, \"duration_s\": 20, \"repetitions\": 1}",
        "setsid TWICE_APP_COPY --listen {host}:{port}; echo done");
    name_app_copy(&f);
    const char *const args[] = {"run", f.scenario, "-o", f.reports, NULL};
    pid_t twice = start_twice(&f, args, NULL);
    wait_for_load(&f, twice);
    size_t cgroups = cgroups_of(twice);
    kill_twice(twice);
    int left = 0;
    for (int waited = 0; (left = leftovers(&f)) != 0 && waited < 3000; waited += 50)
        sleep_ms(50);
    signal_leftovers(&f, SIGKILL);
    cr_assert_gt(cgroups, 0, "twice made no cgroup for its server");
    cr_assert_eq(left, 0, "the server outlived twice");
}

/* An inventory of two local load clients for the fixture's servers, written beside them. */
static void two_local_clients(const fixture *f, char *path, size_t len)
{
    snprintf(path, len, "%s/inventory.json", f->dir);
    FILE *out = fopen(path, "w");
    cr_assert_not_null(out);
    fputs("{\"servers\": [\"local\"], \"hosts_may_hold_several\": true,"
          " \"clients\": [\"local\", \"local\"]}\n",
          out);
    fclose(out);
}

static const char *const clients_scenario =
    "{\"name\": \"clients\", \"target\": {\"app\": \"twice-app\", \"route\": \"%s\","
    " \"check\": \"json\"}, \"models\": [\"coroutine\"], \"servers\": [1, 2],"
    " \"connections_per_server\": 3, \"warmup_s\": 0, \"duration_s\": 1, \"repetitions\": 1}";

/* Two clients at once against 1 and then 2 real servers: the merged run is exactly the sum of
 * the clients' requests, its p99 lies between theirs (a percentile of the merged histogram,
 * not an average), and the clients' connections are the step's, remainder included (3 = 2 +
 * 1). */
Test(harness_run, two_clients_load_at_once_and_merge_exactly)
{
    fixture f;
    char inventory[256];
    setup_fixture(&f, clients_scenario, "/sleep?ms=2");
    two_local_clients(&f, inventory, sizeof(inventory));
    const char *const args[] = {"run", f.scenario,    "-o",      f.reports, "--app",
                                f.app, "--inventory", inventory, NULL};
    int status = finish(start_twice(&f, args, NULL), 60000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit %d: %s", status, stderr_of(&f));
    json_t *r = load_report(&f);
    json_t *steps = json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps");
    cr_assert_eq(json_array_size(steps), 2);
    for (size_t s = 0; s < 2; s++) {
        json_t *step = json_array_get(steps, s);
        json_t *run = json_array_get(json_object_get(step, "runs"), 0);
        json_t *clients = json_object_get(run, "clients");
        cr_assert_eq(json_array_size(clients), 2, "step %zu: one entry per client", s);
        double requests = 0, p99[2];
        json_int_t connections = 0;
        for (size_t j = 0; j < 2; j++) {
            json_t *c = json_array_get(clients, j);
            cr_assert_str_eq(json_string_value(json_object_get(c, "host")), "local");
            requests += json_number_value(json_object_get(c, "requests"));
            connections += json_integer_value(json_object_get(c, "connections"));
            p99[j] = json_number_value(json_object_get(json_object_get(c, "latency_ms"), "p99"));
            cr_assert_gt(json_number_value(json_object_get(c, "requests")), 0,
                         "step %zu: client %zu loaded the servers", s, j + 1);
        }
        cr_assert_eq(json_integer_value(json_object_get(json_array_get(clients, 0), "connections")),
                     s == 0 ? 2 : 3, "the remainder goes to the first client");
        cr_assert_eq(connections, json_integer_value(json_object_get(step, "connections")));
        cr_assert_eq(json_number_value(json_object_get(run, "requests")), requests,
                     "step %zu: merged requests are the clients' sum", s);
        double merged =
            json_number_value(json_object_get(json_object_get(run, "latency_us"), "p99")) / 1000;
        double lo = p99[0] < p99[1] ? p99[0] : p99[1], hi = p99[0] < p99[1] ? p99[1] : p99[0];
        cr_assert(merged >= lo - 1e-9 && merged <= hi + 1e-9,
                  "step %zu: merged p99 %f outside the clients' [%f, %f]", s, merged, lo, hi);
        cr_assert_float_eq(
            json_number_value(json_object_get(json_object_get(step, "summary"), "requests")),
            requests, 1e-9);
    }
    json_decref(r);
    assert_nothing_left(&f);
}

/* A client whose wrk cannot start fails the step at once, naming the client, and the other
 * client's wrk (a 20 s run) is stopped with it rather than waited for. The wrapper starts the
 * real wrk under a name of its own, for the check that none is left. */
Test(harness_run, a_failing_client_fails_the_step_and_leaves_no_wrk)
{
    fixture f;
    char inventory[256], bin[160], wrapper[200], wrk_name[200];
    setup_fixture(&f,
                  "{\"name\": \"clients\", \"target\": {\"app\": \"twice-app\", \"route\":"
                  " \"%s\", \"check\": \"json\"}, \"models\": [\"coroutine\"], \"servers\": [1],"
                  " \"connections_per_server\": 3, \"warmup_s\": 0, \"duration_s\": 20,"
                  " \"repetitions\": 1}",
                  "/sleep?ms=2");
    two_local_clients(&f, inventory, sizeof(inventory));
    snprintf(bin, sizeof(bin), "%s/bin", f.dir);
    snprintf(wrapper, sizeof(wrapper), "%s/wrk", bin);
    snprintf(wrk_name, sizeof(wrk_name), "%s/wrk-of-client-1", f.dir);
    cr_assert_eq(mkdir(bin, 0755), 0);
    FILE *out = fopen(wrapper, "w");
    cr_assert_not_null(out);
    /* Client 2 has 1 of the 3 connections. */
    fprintf(out,
            "#!/bin/bash\n"
            "case \" $* \" in *\" -c 1 \"*) echo \"wrk: cannot start: test says no\" >&2; exit 1;; "
            "esac\n"
            "exec -a '%s' /usr/bin/wrk \"$@\"\n",
            wrk_name);
    fclose(out);
    cr_assert_eq(chmod(wrapper, 0755), 0);
    char path[512];
    snprintf(path, sizeof(path), "%s:/usr/bin:/bin", bin);
    const char *const args[] = {"run", f.scenario,    "-o",      f.reports, "--app",
                                f.app, "--inventory", inventory, NULL};
    int status = finish(start_twice(&f, args, path), 15000);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit %d: %s", status, stderr_of(&f));
    cr_assert(strstr(stderr_of(&f), "client 2 of 2 (local): wrk exited with status 1; its "
                                    "stderr ends:\nwrk: cannot start: test says no") != NULL,
              "%s", stderr_of(&f));
    json_t *r = load_report(&f);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "failed");
    /* The run's error names the target; the target's analysis says why it failed. */
    json_t *analysis = json_object_get(json_array_get(json_object_get(r, "models"), 0), "analysis");
    cr_assert_str_eq(json_string_value(json_object_get(analysis, "verdict")), "failed");
    cr_assert(strstr(json_string_value(json_object_get(analysis, "error")),
                     "client 2 of 2 (local)") != NULL,
              "%s", json_string_value(json_object_get(analysis, "error")));
    json_decref(r);
    cr_assert_eq(signal_named(wrk_name, 0), 0, "client 1's wrk is still running");
    assert_nothing_left(&f);
}
