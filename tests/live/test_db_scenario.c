/*
 * test_db_scenario.c - a tiny scenario with a shared PostgreSQL, end to end
 * through `twice run`: the report has the service (its settings, whether
 * its cap applied) and its figures in every run and step, and nothing of it
 * is left afterwards (no process of any user in its directory, no
 * directory, no cgroup), whether the run completes or twice is SIGKILLed
 * mid-run and its watchdog cleans up. Whether a step is valid is not
 * asserted: the machine may be busy with other work.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <glob.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups_possible.h"
#include "db_fixture.h"
#include "scratch_dir.h"

TestSuite(db_scenario, .init = scratch_make, .fini = scratch_remove, .timeout = 240);

#define SERVICE_START_TIMEOUT_MS 60000
#define RUN_TIMEOUT_MS 150000

#define APP_TARGET                                                                                 \
    "\"target\": {\"app\": \"twice-app\", \"route\": \"/db/read?id=7\", \"check\": \"json\"}, "    \
    "\"models\": [\"coroutine\"]"

/* A scenario of 1 and 2 servers of target (its "target" and "models") on a database, each step
 * run for duration_s, in the scratch directory. */
static char *write_scenario(const char *target, unsigned duration_s)
{
    char *path = scratch_path("db.json");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "{\"name\": \"tiny-db\", %s, \"servers\": [1, 2], \"connections_per_server\": 2, "
            "\"warmup_s\": 0, \"duration_s\": %u, \"repetitions\": 1, \"seed\": 3, "
            "\"services\": {\"postgres\": {\"rows\": 100, \"max_connections\": 20, "
            "\"cpu_cap\": 0.5}}}\n",
            target, duration_s);
    fclose(f);
    return path;
}

/* twice run of scenario into the scratch directory, in the background. */
static pid_t start_twice(const char *scenario)
{
    char *out = scratch_path("reports");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO);
        execl(TWICE_PATH, TWICE_PATH, "run", scenario, "-o", out, "--allow-uncapped", "--app",
              TWICE_APP_PATH, (char *)NULL);
        _exit(127);
    }
    free(out);
    return pid;
}

/* Whether pid is ancestor or one of its descendants. */
static int descends_from(pid_t pid, pid_t ancestor)
{
    for (int depth = 0; pid > 1 && depth < 64; depth++) {
        if (pid == ancestor)
            return 1;
        char path[64], text[1024];
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            return 0;
        size_t len = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[len] = '\0';
        char *close = strrchr(text, ')');
        int ppid;
        if (close == NULL || sscanf(close + 2, "%*c %d", &ppid) != 1)
            return 0;
        pid = ppid;
    }
    return 0;
}

/* The directory of the PostgreSQL that twice (pid) started, once its server runs, into dir. */
static void find_service_dir(pid_t twice, char *dir, size_t len)
{
    for (int waited = 0; waited < SERVICE_START_TIMEOUT_MS; waited += 100) {
        glob_t found;
        if (glob("/tmp/twice-postgres-*", GLOB_ONLYDIR, NULL, &found) == 0) {
            for (size_t i = 0; i < found.gl_pathc; i++) {
                size_t n = 0;
                pid_t *pids = db_processes_in(found.gl_pathv[i], &n);
                int ours = 0;
                for (size_t k = 0; k < n && !ours; k++)
                    ours = descends_from(pids[k], twice);
                free(pids);
                if (ours) {
                    snprintf(dir, len, "%s", found.gl_pathv[i]);
                    globfree(&found);
                    return;
                }
            }
            globfree(&found);
        }
        int status;
        cr_assert_eq(waitpid(twice, &status, WNOHANG), 0,
                     "twice exited (status %d) before its PostgreSQL was seen", status);
        sleep_ms(100);
    }
    cr_assert_fail("no PostgreSQL of twice (pid %d) started within %d s", (int)twice,
                   SERVICE_START_TIMEOUT_MS / 1000);
}

/* twice's exit status; fails the test when it runs past the timeout. */
static int wait_twice(pid_t twice)
{
    int status;
    for (int waited = 0; waited < RUN_TIMEOUT_MS; waited += 100) {
        if (waitpid(twice, &status, WNOHANG) == twice)
            return status;
        sleep_ms(100);
    }
    kill(twice, SIGKILL);
    waitpid(twice, &status, 0);
    cr_assert_fail("twice ran past %d s", RUN_TIMEOUT_MS / 1000);
    return -1;
}

/* The service's cgroup of twice (pid) is gone, in every hierarchy (bounded wait). */
static void no_cgroup_left(pid_t twice)
{
    char pattern[128];
    snprintf(pattern, sizeof(pattern), "/sys/fs/cgroup/{,*/}twice-%d-postgres", (int)twice);
    glob_t found = {0};
    for (int waited = 0; waited < 15000; waited += 100) {
        globfree(&found);
        if (glob(pattern, GLOB_BRACE | GLOB_ONLYDIR, NULL, &found) != 0)
            return;
        sleep_ms(100);
    }
    cr_assert_fail("the service's cgroup %s is left", found.gl_pathv[0]);
}

static json_t *read_report(void)
{
    char *pattern = scratch_path("reports/tiny-db-*.json");
    glob_t found;
    cr_assert_eq(glob(pattern, 0, NULL, &found), 0, "no report %s", pattern);
    json_error_t error;
    json_t *report = json_load_file(found.gl_pathv[0], 0, &error);
    cr_assert_not_null(report, "%s: %s", found.gl_pathv[0], error.text);
    globfree(&found);
    free(pattern);
    return report;
}

/* A service's figures as a window or a step has them: numbers (or null: not measured) and
 * connections counted while the load ran. */
static void assert_service_figures(json_t *pg, const char *where)
{
    cr_assert(json_is_object(pg), "%s: no services.postgres", where);
    const char *keys[] = {"cpu_s", "throttled_s", "nr_throttled", "connections"};
    for (size_t k = 0; k < 4; k++) {
        json_t *v = json_object_get(pg, keys[k]);
        cr_assert(json_is_number(v) || json_is_null(v), "%s: %s is %s", where, keys[k],
                  v == NULL ? "absent" : "not a number");
        cr_assert(!json_is_number(v) || json_number_value(v) >= 0, "%s: %s < 0", where, keys[k]);
    }
    /* Its CPU is its cgroup's: where no cgroup can be made, it is not measured. */
    if (cgroups_possible())
        cr_assert(json_is_number(json_object_get(pg, "cpu_s")), "%s: the database's CPU", where);
    cr_assert_geq(json_integer_value(json_object_get(pg, "connections")), 1,
                  "%s: the servers' connections to the database", where);
}

Test(db_scenario, a_run_reports_the_database_and_leaves_nothing)
{
    char *scenario = write_scenario(APP_TARGET, 1);
    pid_t twice = start_twice(scenario);
    char dir[PATH_MAX];
    find_service_dir(twice, dir, sizeof(dir));
    int status = wait_twice(twice);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "twice run failed (status %d)",
              status);
    db_nothing_left(dir, "after the run");
    no_cgroup_left(twice);
    json_t *report = read_report();
    json_t *pg = json_object_get(json_object_get(report, "services"), "postgres");
    cr_assert_eq(json_integer_value(json_object_get(pg, "rows")), 100);
    cr_assert_eq(json_integer_value(json_object_get(pg, "max_connections")), 20);
    cr_assert_eq(json_is_true(json_object_get(pg, "cap_applied")), cgroups_possible(),
                 "the cap applies where cgroups can be made, and the report says which");
    json_t *steps = json_object_get(json_array_get(json_object_get(report, "models"), 0), "steps");
    cr_assert_eq(json_array_size(steps), 2);
    json_t *step;
    size_t s;
    json_array_foreach(steps, s, step)
    {
        char where[64];
        snprintf(where, sizeof(where), "step %zu", s);
        json_t *run = json_array_get(json_object_get(step, "runs"), 0);
        json_t *summary = json_object_get(step, "summary");
        cr_assert_eq(json_integer_value(json_object_get(run, "non2xx")), 0,
                     "%s: every /db/read answered", where);
        cr_assert_eq(json_integer_value(json_object_get(run, "failed_checks")), 0);
        assert_service_figures(
            json_object_get(json_object_get(json_object_get(run, "resources"), "services"),
                            "postgres"),
            where);
        assert_service_figures(
            json_object_get(json_object_get(json_object_get(summary, "resources"), "services"),
                            "postgres"),
            where);
        /* Capped, the database's capacity is one of the step's bounds. */
        json_t *service_bound = json_object_get(json_object_get(summary, "bounds"), "service");
        if (cgroups_possible())
            cr_assert(json_number_value(service_bound) > 0, "%s: bounds.service", where);
        json_t *breakdown = json_object_get(summary, "breakdown");
        if (json_is_object(breakdown))
            cr_assert_str_eq(json_string_value(json_object_get(
                                 json_array_get(json_object_get(breakdown, "parts"), 4), "part")),
                             "shared_service");
    }
    json_decref(report);
    free(scenario);
}

Test(db_scenario, a_sigkill_of_twice_mid_run_leaves_nothing)
{
    char *scenario = write_scenario(APP_TARGET, 30);
    pid_t twice = start_twice(scenario);
    char dir[PATH_MAX];
    find_service_dir(twice, dir, sizeof(dir));
    /* The service is up: a moment later the servers are up and loaded too. */
    sleep_ms(2000);
    cr_assert_eq(kill(twice, SIGKILL), 0);
    int status;
    waitpid(twice, &status, 0);
    cr_assert(WIFSIGNALED(status), "twice was killed");
    db_nothing_left(dir, "after SIGKILL of twice run");
    no_cgroup_left(twice);
    free(scenario);
}

/* A command target reaches the database through {db} in its command line, or through TWICE_DB
 * in its environment: twice-app run as a command reads either. Every /db/read answered is
 * the database reached. */
Test(db_scenario, a_command_gets_the_database_as_db_and_in_its_environment)
{
    const char *targets[] = {
        "\"target\": {\"command\": \"exec " TWICE_APP_PATH " --listen {host}:{port} --db {db}\", "
        "\"route\": \"/db/read?id=7\", \"check\": \"json\"}",
        "\"target\": {\"command\": \"exec " TWICE_APP_PATH " --listen {host}:{port}\", "
        "\"route\": \"/db/read?id=7\", \"check\": \"json\"}"};
    for (size_t t = 0; t < 2; t++) {
        char *scenario = write_scenario(targets[t], 1);
        pid_t twice = start_twice(scenario);
        int status = wait_twice(twice);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "twice run failed (status %d)",
                  status);
        json_t *report = read_report();
        json_t *run = json_array_get(
            json_object_get(
                json_array_get(
                    json_object_get(json_array_get(json_object_get(report, "models"), 0), "steps"),
                    0),
                "runs"),
            0);
        cr_assert_gt(json_integer_value(json_object_get(run, "requests")), 0, "%s", targets[t]);
        cr_assert_eq(json_integer_value(json_object_get(run, "non2xx")), 0,
                     "%s: a server without the database answers 503", targets[t]);
        cr_assert_eq(json_integer_value(json_object_get(run, "failed_checks")), 0);
        json_decref(report);
        free(scenario);
        /* The next report must be the next target's. */
        char *reports = scratch_path("reports");
        char command[600];
        snprintf(command, sizeof(command), "rm -rf '%s'", reports);
        cr_assert_eq(system(command), 0);
        free(reports);
    }
}
