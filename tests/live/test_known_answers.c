/*
 * test_known_answers.c - twice run on loopback, its measures and their
 * known answers. Every run records what its servers, wrk and the machine
 * used, in the report's contract; and runs built to make one part of the
 * loss breakdown, or one flag, dominate show it: a front skewed on purpose
 * (4 servers of one worker, 4 connections spread by SO_REUSEPORT), a cap so
 * tight that its cgroup throttles every server, and CPU hogs started beside
 * a step. The machine these run on is shared and noisy: the tests assert
 * which part is the largest, never exact figures, and when the one-server
 * step is itself flagged (a busy machine), that there is then no
 * breakdown, since X(1) is not the system's.
 */
#define _GNU_SOURCE /* memfd_create */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "report_steps.h"
#include "scratch_dir.h"

TestSuite(known_answers, .init = scratch_make, .fini = scratch_remove, .timeout = 180);

/* The report in the scratch folder's reports, loaded. */
static json_t *load_report(void)
{
    char *reports = scratch_path("reports");
    char pattern[128];
    snprintf(pattern, sizeof(pattern), "%s/*.json", reports);
    glob_t found;
    cr_assert_eq(glob(pattern, 0, NULL, &found), 0, "no report in %s", reports);
    json_error_t error;
    json_t *report = json_load_file(found.gl_pathv[0], 0, &error);
    cr_assert_not_null(report, "%s: %s", found.gl_pathv[0], error.text);
    globfree(&found);
    free(reports);
    return report;
}

/* Writes the scenario text to the scratch folder: its path (malloc'd). */
static char *write_scenario(const char *scenario_json)
{
    char *scenario = scratch_path("scenario.json");
    FILE *out = fopen(scenario, "w");
    cr_assert_not_null(out);
    fputs(scenario_json, out);
    fclose(out);
    return scenario;
}

/* Runs twice on the scenario text and returns its JSON report (asserting it ran). */
static json_t *run_scenario(const char *scenario_json)
{
    char *scenario = write_scenario(scenario_json), *reports = scratch_path("reports");
    const char *const args[] = {"run", scenario, "-o", reports, "--app", TWICE_APP_PATH, NULL};
    char *err = NULL;
    int status = run_to_exit(TWICE_PATH, args, 170000, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "twice run: status %d: %s", status,
              err);
    free(err);
    free(scenario);
    free(reports);
    return load_report();
}

/* The step's flags joined, for messages. */
static const char *flags_of(json_t *summary)
{
    static char text[2048];
    json_t *flag;
    size_t i;
    text[0] = '\0';
    json_array_foreach(json_object_get(summary, "flags"), i, flag)
    {
        strncat(text, json_string_value(flag), sizeof(text) - strlen(text) - 4);
        strncat(text, "; ", sizeof(text) - strlen(text) - 1);
    }
    return text;
}

/* A breakdown as the contract has it: its parts in order, none negative, summing to lost. */
static void assert_breakdown_shape(json_t *breakdown)
{
    static const char *const parts[] = {"front_imbalance", "throttling",     "cpu_starvation",
                                        "load_generator",  "shared_service", "system"};
    double ideal = json_number_value(json_object_get(breakdown, "ideal"));
    double measured = json_number_value(json_object_get(breakdown, "measured"));
    double lost = json_number_value(json_object_get(breakdown, "lost")), sum = 0;
    cr_assert_float_eq(lost, ideal - measured, 1e-6 * ideal);
    json_t *list = json_object_get(breakdown, "parts");
    size_t nparts = sizeof(parts) / sizeof(parts[0]);
    cr_assert_eq(json_array_size(list), nparts);
    for (size_t p = 0; p < nparts; p++) {
        json_t *part = json_array_get(list, p);
        cr_assert_str_eq(json_string_value(json_object_get(part, "part")), parts[p]);
        double value = json_number_value(json_object_get(part, "lost"));
        cr_assert_geq(value, 0, "%s: %g", parts[p], value);
        cr_assert(json_string_length(json_object_get(part, "evidence")) > 0);
        sum += value;
    }
    cr_assert_float_eq(sum, lost, 1e-6 * ideal + 1e-9);
}

/* The evidence of a named part of a breakdown. */
static const char *evidence_of(json_t *breakdown, const char *name)
{
    json_t *part;
    size_t i;
    json_array_foreach(json_object_get(breakdown, "parts"), i, part)
    {
        if (strcmp(json_string_value(json_object_get(part, "part")), name) == 0)
            return json_string_value(json_object_get(part, "evidence"));
    }
    return "";
}

static int is_number_at_least(json_t *object, const char *key, double least)
{
    json_t *value = json_object_get(object, key);
    return json_is_number(value) && json_number_value(value) >= least;
}

Test(known_answers, every_run_records_its_resources_as_the_report_contract_says)
{
    json_t *report =
        run_scenario("{\"name\": \"measured\", \"target\": {\"app\": \"twice-app\", \"route\": "
                     "\"/json\", \"workers\": 2, \"check\": \"json\"}, \"models\": [\"process\"], "
                     "\"servers\": [1, 2], \"connections_per_server\": 4, \"warmup_s\": 0, "
                     "\"duration_s\": 1, \"repetitions\": 2}");
    for (size_t s = 0; s < 2; s++) {
        json_t *run, *server;
        size_t k, i;
        json_array_foreach(json_object_get(report_step_json(report, s), "runs"), k, run)
        {
            json_t *r = json_object_get(run, "resources");
            cr_assert(json_is_object(r), "step %zu run %zu has no resources", s + 1, k + 1);
            double window = json_number_value(json_object_get(r, "window_s"));
            cr_assert(window > 0.2 && window < 1, "a 1 s run's window: %g s", window);
            json_t *servers = json_object_get(r, "servers");
            cr_assert_eq(json_array_size(servers), s + 1, "one entry per server");
            json_array_foreach(servers, i, server)
            {
                cr_assert(is_number_at_least(server, "cpu_user_s", 0) &&
                          is_number_at_least(server, "cpu_system_s", 0) &&
                          is_number_at_least(server, "cpu_s", 0) &&
                          is_number_at_least(server, "runqueue_wait_s", 0));
                /* Two twice-app processes at least: the master and its workers. */
                cr_assert(is_number_at_least(server, "peak_rss_bytes", 1 << 20));
                cr_assert(json_is_integer(json_object_get(server, "connections")));
                json_t *requests = json_object_get(server, "requests");
                cr_assert(json_is_integer(requests) && json_integer_value(requests) >= 0,
                          "twice-app says what it served in the window");
                json_t *throttled = json_object_get(server, "throttled_s");
                cr_assert(json_is_null(throttled) || json_number_value(throttled) >= 0);
            }
            json_t *wrk = json_object_get(r, "wrk");
            cr_assert(is_number_at_least(wrk, "cpu_s", 0) &&
                      is_number_at_least(wrk, "runqueue_wait_s", 0));
            cr_assert_eq(json_integer_value(json_object_get(wrk, "connections_asked")),
                         4 * (json_int_t)(s + 1));
            json_t *open = json_object_get(wrk, "connections_open");
            cr_assert(json_is_null(open) || (json_integer_value(open) >= 1 &&
                                             json_integer_value(open) <= 4 * (json_int_t)(s + 1)));
            json_t *machine = json_object_get(r, "machine");
            cr_assert_eq(json_integer_value(json_object_get(machine, "cores")),
                         sysconf(_SC_NPROCESSORS_ONLN));
            cr_assert(is_number_at_least(machine, "busy_s", 0) &&
                      is_number_at_least(machine, "foreign_cpu_s", 0));
            cr_assert(json_is_string(json_object_get(r, "notes")));
        }
        json_t *summary = report_summary_json(report, s);
        json_t *resources = json_object_get(summary, "resources");
        cr_assert_eq(json_array_size(json_object_get(resources, "servers")), s + 1);
        cr_assert(is_number_at_least(json_array_get(json_object_get(resources, "servers"), 0),
                                     "peak_rss_bytes", 1 << 20));
        cr_assert(is_number_at_least(resources, "cpu_s", 0));
        json_t *per_cpu = json_object_get(resources, "requests_per_cpu_s");
        cr_assert(json_is_null(per_cpu) || json_number_value(per_cpu) > 0);
        cr_assert(json_is_boolean(json_object_get(summary, "disturbed")));
        json_t *breakdown = json_object_get(summary, "breakdown");
        cr_assert(json_is_null(breakdown) || json_is_object(breakdown));
        if (s == 0)
            cr_assert(json_is_null(breakdown), "no breakdown at one server");
        else if (json_is_object(breakdown))
            assert_breakdown_shape(breakdown);
    }
    json_decref(report);
}

/* The sum of a run's servers' requests in its window. */
static double requests_of_servers(json_t *servers)
{
    double sum = 0;
    json_t *server;
    size_t i;
    json_array_foreach(servers, i, server) sum +=
        json_number_value(json_object_get(server, "requests"));
    return sum;
}

Test(known_answers, each_server_says_its_requests_in_the_window_and_a_command_cannot)
{
    char scenario[1024];
    snprintf(
        scenario, sizeof(scenario),
        "{\"name\": \"counted\", \"workload\": {\"route\": \"/json\", \"check\": \"json\"},"
        " \"targets\": [{\"label\": \"app\", \"app\": \"twice-app\", \"model\": \"process\","
        " \"workers\": 2}, {\"label\": \"command\", \"command\": \"'%s' --listen {host}:{port}\"}],"
        " \"servers\": [2], \"connections_per_server\": 4, \"warmup_s\": 0,"
        " \"duration_s\": 1, \"repetitions\": 1}",
        TWICE_APP_PATH);
    json_t *report = run_scenario(scenario);
    json_t *models = json_object_get(report, "models");
    json_t *app = json_array_get(json_object_get(json_array_get(models, 0), "steps"), 0);
    json_t *run = json_array_get(json_object_get(app, "runs"), 0);
    json_t *resources = json_object_get(run, "resources");
    json_t *servers = json_object_get(resources, "servers"), *server;
    size_t i;
    cr_assert_eq(json_array_size(servers), 2);
    json_array_foreach(servers, i, server)
    {
        json_t *requests = json_object_get(server, "requests");
        cr_assert(json_is_integer(requests) && json_integer_value(requests) > 0,
                  "server %zu served requests in the window", i + 1);
    }
    /* The window is the middle of wrk's run, wrk's throughput the average over all of it,
     * and the machine is shared: the window's rate follows what other work does meanwhile,
     * and within a few percent only on a quiet machine. The bound still tells the window's
     * difference from a count since the server started (about half as much again). And no
     * server can have served more in the window than wrk got in its whole run (plus one
     * answer per connection that it did not wait for). */
    double expected = json_number_value(json_object_get(run, "throughput")) *
                      json_number_value(json_object_get(resources, "window_s"));
    double counted = requests_of_servers(servers);
    cr_assert(fabs(counted - expected) <= 0.3 * expected,
              "the servers counted %.0f requests in the window, wrk's rate says %.0f", counted,
              expected);
    cr_assert_leq(counted, json_number_value(json_object_get(run, "requests")) + 8);
    json_t *summary = json_object_get(json_object_get(app, "summary"), "resources");
    json_array_foreach(json_object_get(summary, "servers"), i, server)
    {
        json_t *per_cpu = json_object_get(server, "requests_per_cpu_s");
        cr_assert(json_is_number(per_cpu) && json_number_value(per_cpu) > 0,
                  "server %zu's requests per CPU-second", i + 1);
    }

    /* Another program does not say what it served: null, and the notes say why. */
    json_t *command = json_array_get(json_object_get(json_array_get(models, 1), "steps"), 0);
    run = json_array_get(json_object_get(command, "runs"), 0);
    resources = json_object_get(run, "resources");
    json_array_foreach(json_object_get(resources, "servers"), i, server)
        cr_assert(json_is_null(json_object_get(server, "requests")), "server %zu", i + 1);
    const char *notes = json_string_value(json_object_get(resources, "notes"));
    cr_assert(strstr(notes, "requests: server 1 does not say how many requests it served") != NULL,
              "notes: %s", notes);
    json_array_foreach(
        json_object_get(json_object_get(json_object_get(command, "summary"), "resources"),
                        "servers"),
        i, server) cr_assert(json_is_null(json_object_get(server, "requests_per_cpu_s")));
    json_decref(report);
}

Test(known_answers, a_skewed_front_shows_front_imbalance_as_the_largest_part)
{
    /* One process worker per server holds one request at a time: 4 connections spread by
     * the kernel over 4 servers leave one idle in all but 4!/4^4 = 9% of runs. */
    json_t *report = run_scenario(
        "{\"name\": \"skewed\", \"target\": {\"app\": \"twice-app\", \"route\": "
        "\"/sleep?ms=20\", \"workers\": 1, \"check\": \"json\"}, \"models\": [\"process\"], "
        "\"servers\": [1, 4], \"connections_per_server\": 1, \"warmup_s\": 0, "
        "\"duration_s\": 1, \"repetitions\": 3}");
    json_t *runs = json_object_get(report_step_json(report, 1), "runs"), *run;
    size_t k;
    json_array_foreach(runs, k, run)
    {
        json_t *resources = json_object_get(run, "resources");
        json_t *servers = json_object_get(resources, "servers");
        cr_assert_eq(json_array_size(servers), 4, "one entry per server");
        long held = 0;
        for (size_t i = 0; i < 4; i++) {
            json_t *c = json_object_get(json_array_get(servers, i), "connections");
            cr_assert(json_is_integer(c), "server %zu's connections were counted", i + 1);
            held += (long)json_integer_value(c);
        }
        cr_assert(held >= 1 && held <= 4, "the servers held %ld of wrk's 4 connections", held);
        json_t *wrk = json_object_get(resources, "wrk");
        cr_assert_eq(json_integer_value(json_object_get(wrk, "connections_asked")), 4);
    }
    json_t *first = report_summary_json(report, 0), *skewed = report_summary_json(report, 1);
    json_t *breakdown = json_object_get(skewed, "breakdown");
    if (!json_is_true(json_object_get(first, "valid"))) {
        /* A busy machine: X(1) is flagged, and nothing is explained against it. */
        cr_assert(json_is_null(breakdown), "a breakdown against a flagged X(1): %s",
                  flags_of(first));
    } else if (json_number_value(json_object_get(skewed, "efficiency")) < 1) {
        assert_breakdown_shape(breakdown);
        cr_assert_str_eq(json_string_value(json_object_get(breakdown, "largest")),
                         "front_imbalance", "front: %s", evidence_of(breakdown, "front_imbalance"));
        cr_assert(strstr(evidence_of(breakdown, "front_imbalance"), "fair share 1.0") != NULL, "%s",
                  evidence_of(breakdown, "front_imbalance"));
    }
    json_decref(report);
}

Test(known_answers, a_tight_cap_shows_the_cgroup_throttling_every_server)
{
    if (geteuid() != 0)
        cr_skip("twice can make no cgroup here (needs root): no caps, no throttling to show");
    json_t *report = run_scenario(
        "{\"name\": \"tight-cap\", \"target\": {\"app\": \"twice-app\", \"route\": "
        "\"/plaintext\", \"workers\": 1, \"check\": \"plaintext\"}, \"models\": [\"process\"], "
        "\"servers\": [1, 2], \"connections_per_server\": 16, \"cpu_cap\": 0.05, "
        "\"warmup_s\": 0, \"duration_s\": 1, \"repetitions\": 1}");
    for (size_t s = 0; s < 2; s++) {
        json_t *run = json_array_get(json_object_get(report_step_json(report, s), "runs"), 0);
        json_t *resources = json_object_get(run, "resources"), *server;
        double window = json_number_value(json_object_get(resources, "window_s"));
        size_t i;
        cr_assert_gt(window, 0);
        json_array_foreach(json_object_get(resources, "servers"), i, server)
        {
            json_t *periods = json_object_get(server, "nr_periods");
            json_t *throttled = json_object_get(server, "nr_throttled");
            cr_assert(json_is_integer(periods) && json_is_integer(throttled),
                      "step %zu server %zu: the cgroup's counters were read", s + 1, i + 1);
            cr_assert_gt(json_integer_value(throttled), 0, "step %zu server %zu", s + 1, i + 1);
            cr_assert_leq(json_integer_value(throttled), json_integer_value(periods));
            cr_assert_gt(json_number_value(json_object_get(server, "throttled_s")), 0);
            /* The cap held: no more than 0.05 core, give or take three clock ticks. */
            cr_assert_leq(json_number_value(json_object_get(server, "cpu_s")), 0.05 * window + 0.03,
                          "step %zu server %zu", s + 1, i + 1);
        }
    }
    json_t *breakdown = json_object_get(report_summary_json(report, 1), "breakdown");
    if (!json_is_null(breakdown)) {
        assert_breakdown_shape(breakdown);
        cr_assert(strstr(evidence_of(breakdown, "throttling"), "was throttled") != NULL, "%s",
                  evidence_of(breakdown, "throttling"));
    }
    json_decref(report);
}

/* A busy loop as a child of the test, for at most 60 s, killed with it. */
static pid_t start_hog(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(60);
        for (volatile unsigned long spin = 0;; spin++)
            ;
    }
    cr_assert_gt(pid, 0);
    return pid;
}

Test(known_answers, cpu_hogs_beside_a_step_get_it_flagged_disturbed)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    pid_t hogs[64];
    size_t nhogs = cores < 64 ? (size_t)cores : 64;
    for (size_t i = 0; i < nhogs; i++)
        hogs[i] = start_hog();
    json_t *report = run_scenario(
        "{\"name\": \"hogged\", \"target\": {\"app\": \"twice-app\", \"route\": "
        "\"/sleep?ms=20\", \"threads\": 16, \"check\": \"json\"}, \"models\": [\"thread\"], "
        "\"servers\": [1], \"connections_per_server\": 16, \"warmup_s\": 0, "
        "\"duration_s\": 1, \"repetitions\": 1}");
    for (size_t i = 0; i < nhogs; i++) {
        kill(hogs[i], SIGKILL);
        waitpid(hogs[i], NULL, 0);
    }
    json_t *summary = report_summary_json(report, 0);
    cr_assert(json_is_true(json_object_get(summary, "disturbed")), "flags: %s", flags_of(summary));
    cr_assert(json_is_false(json_object_get(summary, "valid")));
    cr_assert(strstr(flags_of(summary),
                     "disturbed: round 1: processes twice did not start used ") != NULL,
              "%s", flags_of(summary));
    json_t *machine = json_object_get(
        json_object_get(json_array_get(json_object_get(report_step_json(report, 0), "runs"), 0),
                        "resources"),
        "machine");
    cr_assert_geq(json_number_value(json_object_get(machine, "foreign_cpu_s")), 0.25);
    cr_assert_str_eq(
        json_string_value(json_object_get(
            json_object_get(json_array_get(json_object_get(report, "models"), 0), "analysis"),
            "verdict")),
        "invalid");
    json_decref(report);
}

/* 1 when pid is a wrk. */
static int is_wrk(pid_t pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    FILE *f = fopen(path, "r");
    if (f != NULL && fgets(comm, sizeof(comm), f) == NULL)
        comm[0] = '\0';
    if (f != NULL)
        fclose(f);
    return strcmp(comm, "wrk\n") == 0;
}

/* Polls until twice (pid) runs a wrk. */
static void wait_wrk_of(pid_t twice, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 20) {
        size_t n;
        pid_t *children = children_of(twice, &n);
        int found = 0;
        for (size_t i = 0; i < n && !found; i++)
            found = is_wrk(children[i]);
        free(children);
        if (found)
            return;
        sleep_ms(20);
    }
    cr_assert_fail("twice started no wrk within %d ms", timeout_ms);
}

/* twice held off the CPU past wrk's end (stopped here, as a busy machine can) would close its
 * window over idle time: it gives no figures then, and says why, rather than low ones. */
Test(known_answers, a_window_closed_after_wrks_end_gives_no_figures_and_says_why)
{
    char *scenario =
        write_scenario("{\"name\": \"late\", \"target\": {\"app\": \"twice-app\", \"route\": "
                       "\"/plaintext\", \"check\": \"plaintext\"}, \"models\": [\"process\"], "
                       "\"servers\": [1], \"connections_per_server\": 4, \"warmup_s\": 0, "
                       "\"duration_s\": 3, \"repetitions\": 1}");
    char *reports = scratch_path("reports");
    int err_fd = memfd_create("twice-err", 0);
    cr_assert_geq(err_fd, 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(err_fd, STDERR_FILENO);
        execl(TWICE_PATH, TWICE_PATH, "run", scenario, "-o", reports, "--app", TWICE_APP_PATH,
              (char *)NULL);
        _exit(127);
    }
    wait_wrk_of(pid, 60000);
    /* The window opens half a second into wrk's 3 s; twice is stopped in it until after wrk's
     * end. */
    sleep_ms(1500);
    kill(pid, SIGSTOP);
    sleep_ms(3500);
    kill(pid, SIGCONT);
    int status;
    cr_assert_eq(wait_exit(pid, 60000, &status), 0);
    char err[8192] = "";
    cr_assert_geq(pread(err_fd, err, sizeof(err) - 1, 0), 0);
    close(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
    cr_assert(strstr(err, "resources not measured: twice came to close the window ") != NULL &&
                  strstr(err, " s after wrk's end (it did not get the CPU in time)") != NULL,
              "%s", err);
    json_t *report = load_report();
    json_t *run = json_array_get(json_object_get(report_step_json(report, 0), "runs"), 0);
    cr_assert_not_null(run);
    cr_assert_null(json_object_get(run, "resources"), "a late window's figures were kept");
    cr_assert_gt(json_number_value(json_object_get(run, "throughput")), 0,
                 "wrk's own figures stay");
    json_decref(report);
    free(scenario);
    free(reports);
}
