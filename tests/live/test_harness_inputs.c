/*
 * test_harness_inputs.c - twice given hostile inputs, end to end: files
 * that are not files, bytes no scenario may hold, names and routes that
 * would escape their place, output targets that are not files, a bad -o,
 * an output directory lost mid-run, two runs sharing one output directory. Each must end in a clear
 * refusal (exit 2) or a correct result: never a hang, a crash, or a lost report.
 */
#define _GNU_SOURCE /* asprintf */
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
#include <time.h>
#include <unistd.h>

#include "app_process.h"
#include "scratch_dir.h"

TestSuite(harness_inputs, .init = scratch_make, .fini = scratch_remove, .timeout = 120);

static void write_bytes(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(bytes, 1, len, f), len);
    fclose(f);
}

/* Runs twice with args (NULL-terminated) for at most timeout_ms; its stdout and stderr
 * together in *out. Returns the exit status, or -1 when it had to be killed. */
static int twice(const char *const *args, int timeout_ms, char **out)
{
    char command[8192] = "exec '" TWICE_PATH "'";
    for (; *args != NULL; args++)
        snprintf(command + strlen(command), sizeof(command) - strlen(command), " '%s'", *args);
    snprintf(command + strlen(command), sizeof(command) - strlen(command), " >&2");
    const char *const sh_args[] = {"-c", command, NULL};
    int status = run_to_exit("/bin/sh", sh_args, timeout_ms, out);
    cr_assert_neq(status, -1, "twice ran past %d ms: %s", timeout_ms, *out);
    cr_assert(WIFEXITED(status), "twice died of signal %d: %s", WTERMSIG(status), *out);
    return WEXITSTATUS(status);
}

static void assert_no_control_bytes(const char *text)
{
    for (const char *p = text; *p != '\0'; p++)
        cr_assert(*p == '\n' || ((unsigned char)*p >= 0x20 && *p != 0x7f),
                  "a raw control byte 0x%02x reached the terminal: %s", (unsigned char)*p, text);
}

/* A FIFO blocked validate forever, /dev/zero grew without bound, "[1\0]" looped. */
Test(harness_inputs, validate_refuses_what_is_not_a_scenario_file_at_once)
{
    char *fifo = scratch_path("fifo"), *nul = scratch_path("nul.json"),
         *big = scratch_path("big.json");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    write_bytes(nul, "[1\0]", 4);
    int fd = open(big, O_WRONLY | O_CREAT, 0644);
    cr_assert_eq(ftruncate(fd, 17 << 20), 0);
    close(fd);
    struct {
        const char *path, *message;
    } cases[] = {
        {fifo, "is a FIFO, not a regular file"},
        {"/dev/zero", "is a character device, not a regular file"},
        {scratch_dir, "is a directory, not a regular file"},
        {nul, "nul.json:1:3: a NUL byte"},
        {big, "is larger than the 16 MiB limit"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *const args[] = {"validate", cases[i].path, NULL};
        char *out;
        cr_assert_eq(twice(args, 5000, &out), 2, "%s: %s", cases[i].path, out);
        cr_assert(strstr(out, cases[i].message) != NULL, "%s", out);
        free(out);
    }
    free(fifo);
    free(nul);
    free(big);
}

Test(harness_inputs, validate_shows_strings_from_files_escaped)
{
    char *path = scratch_path("s.json");
    const char *hostile[] = {
        "{\"name\": \"x\", \"\\u001b]0;owned\\u0007\": 1}",
        "{\"name\": \"\\u001b[2J\\r\\nok\", \"target\": {\"app\": \"twice-app\", \"route\": "
        "\"/\"}, \"models\": [\"process\"], \"servers\": [1]}",
        "{\"name\": \"x\", \"target\": {\"app\": \"twice-app\", \"route\": \"/a\\r\\nX: \\u001b\"},"
        " \"models\": [\"process\"], \"servers\": [1]}",
        "{\"name\": \"x\", \"target\": {\"app\": \"\\u009b31m\", \"route\": \"/\"},"
        " \"models\": [\"process\"], \"servers\": [1]}",
    };
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        write_bytes(path, hostile[i], strlen(hostile[i]));
        const char *const args[] = {"validate", path, NULL};
        char *out;
        cr_assert_eq(twice(args, 5000, &out), 2, "%s", out);
        assert_no_control_bytes(out);
        cr_assert(strstr(out, "\\x1b") != NULL || strstr(out, "\\u009b") != NULL, "%s", out);
        free(out);
    }
    const char *good = "{\"name\": \"fine\", \"target\": {\"app\": \"twice-app\", \"route\": "
                       "\"/ctx?id={id}\"}, \"models\": [\"process\"], \"servers\": [1]}";
    write_bytes(path, good, strlen(good));
    const char *const args[] = {"validate", path, NULL};
    char *out;
    cr_assert_eq(twice(args, 5000, &out), 0, "%s", out);
    cr_assert(strstr(out, "ok: \"fine\", route \"/ctx?id={id}\", targets process, servers 1") !=
                  NULL,
              "%s", out);
    free(out);
    free(path);
}

static const char *const one_step =
    "{\"name\": \"%s\", \"target\": {\"app\": \"twice-app\", \"route\": \"%s\", \"check\": "
    "\"ctx\"}, \"models\": [\"coroutine\"], \"servers\": [1], \"connections_per_server\": 2,"
    " \"warmup_s\": 0, \"duration_s\": %d, \"repetitions\": 1}";

static char *scenario_file(const char *file, const char *name, const char *route, int seconds)
{
    char *path = scratch_path(file), *text;
    cr_assert_geq(asprintf(&text, one_step, name, route, seconds), 0);
    write_bytes(path, text, strlen(text));
    free(text);
    return path;
}

/* A bad -o once cost the whole run: it is now refused before anything is measured. */
Test(harness_inputs, a_bad_output_directory_stops_the_run_before_it_measures)
{
    char *scenario = scenario_file("s.json", "long", "/ctx?id={id}", 30);
    char *file = scratch_path("file"), *under_file = scratch_path("file/reports");
    write_bytes(file, "x", 1);
    const char *const targets[] = {file, under_file};
    for (size_t i = 0; i < 2; i++) {
        const char *const args[] = {"run",   scenario,       "-o", targets[i],
                                    "--app", TWICE_APP_PATH, NULL};
        char *out;
        time_t started = time(NULL);
        cr_assert_eq(twice(args, 20000, &out), 2, "%s", out);
        cr_assert_lt(time(NULL) - started, 10, "it stopped before the 30 s step");
        cr_assert(strstr(out, "twice run: -o ") != NULL, "%s", out);
        cr_assert_null(strstr(out, "report:"), "%s", out);
        free(out);
    }
    free(scenario);
    free(file);
    free(under_file);
}

/* A name once put the report outside -o: it is refused before the run. */
Test(harness_inputs, a_name_cannot_put_the_report_outside_the_output_directory)
{
    char *reports = scratch_path("reports");
    const char *names[] = {"../../escaped", "/tmp/escaped", "a/b"};
    for (size_t i = 0; i < 3; i++) {
        char *scenario = scenario_file("s.json", names[i], "/ctx?id={id}", 1);
        const char *const args[] = {"run", scenario, "-o", reports, "--app", TWICE_APP_PATH, NULL};
        char *out;
        cr_assert_eq(twice(args, 20000, &out), 2, "%s", out);
        cr_assert(strstr(out, "\"name\" must be 1 to 100 letters") != NULL, "%s", out);
        free(out);
        free(scenario);
    }
    cr_assert_neq(access("/tmp/escaped", F_OK), 0);
    free(reports);
}

/* `twice report -o` once renamed over whatever was there. */
Test(harness_inputs, report_output_is_never_a_symlink_fifo_or_device)
{
    char *target = scratch_path("precious"), *link = scratch_path("link.md"),
         *fifo = scratch_path("fifo.md");
    write_bytes(target, "precious", 8);
    cr_assert_eq(symlink(target, link), 0);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    const char *outputs[] = {link, fifo, "/dev/null"};
    const char *kinds[] = {"is a symbolic link", "is a FIFO", "is a character device"};
    for (size_t i = 0; i < 3; i++) {
        const char *const args[] = {
            "report", FIXTURES_DIR "/report.json", "--format", "md", "-o", outputs[i], NULL};
        char *out;
        cr_assert_eq(twice(args, 10000, &out), 2, "%s", out);
        cr_assert(strstr(out, kinds[i]) != NULL, "%s", out);
        free(out);
    }
    struct stat st;
    cr_assert(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    cr_assert(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    cr_assert(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    FILE *f = fopen(target, "r");
    char text[16] = "";
    cr_assert_not_null(fgets(text, sizeof(text), f));
    fclose(f);
    cr_assert_str_eq(text, "precious");
    free(target);
    free(link);
    free(fifo);
}

static size_t count_files(const char *path, const char *suffix)
{
    size_t n = 0, len = strlen(suffix);
    DIR *d = opendir(path);
    cr_assert_not_null(d, "%s", path);
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        size_t name_len = strlen(entry->d_name);
        n += name_len > len && strcmp(entry->d_name + name_len - len, suffix) == 0;
    }
    closedir(d);
    return n;
}

/* Two runs at once, one name, one directory: both reports are kept, each with its three
 * siblings. The route is longer than the fixed buffer that once cut it (1,100 bytes), with
 * the id the context check needs at its end: cut, every response would fail its check. */
Test(harness_inputs, two_runs_at_once_keep_both_reports_and_long_routes_arrive_whole)
{
    char route[2100] = "/ctx?pad=";
    memset(route + strlen(route), 'p', sizeof(route) - strlen(route) - 1);
    strcpy(route + sizeof(route) - 1 - strlen("&id={id}"), "&id={id}");
    char *scenario = scenario_file("s.json", "same", route, 1);
    char *reports = scratch_path("reports");
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            execl(TWICE_PATH, TWICE_PATH, "run", scenario, "-o", reports, "--app", TWICE_APP_PATH,
                  (char *)NULL);
            _exit(127);
        }
    }
    for (int i = 0; i < 2; i++) {
        int status;
        cr_assert_eq(wait_exit(pids[i], 60000, &status), 0, "run %d ran past 60 s", i);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "run %d: status %d", i, status);
    }
    cr_assert_eq(count_files(reports, ".json"), 2);
    cr_assert_eq(count_files(reports, ".md"), 2);
    cr_assert_eq(count_files(reports, ".junit.xml"), 2);
    cr_assert_eq(count_files(reports, ".html"), 2);
    DIR *d = opendir(reports);
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 5 || strcmp(entry->d_name + len - 5, ".json") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", reports, entry->d_name);
        json_t *r = json_load_file(path, 0, NULL);
        cr_assert_not_null(r, "%s", path);
        json_t *summary = json_object_get(
            json_array_get(
                json_object_get(json_array_get(json_object_get(r, "models"), 0), "steps"), 0),
            "summary");
        cr_assert_gt(json_number_value(json_object_get(summary, "requests")), 0);
        cr_assert_float_eq(json_number_value(json_object_get(summary, "non2xx")), 0, 1e-9);
        cr_assert_float_eq(json_number_value(json_object_get(summary, "failed_checks")), 0, 1e-9,
                           "the long route's responses all passed their check");
        json_decref(r);
    }
    closedir(d);
    free(scenario);
    free(reports);
}

/* The output directory was fine before the run and is gone at its end: the results go to
 * the temporary directory, and twice says where, rather than losing them. */
Test(harness_inputs, results_outlive_an_output_directory_lost_mid_run)
{
    char *scenario = scenario_file("s.json", "kept", "/ctx?id={id}", 2);
    char *reports = scratch_path("reports"), *moved = scratch_path("moved"),
         *tmp = scratch_path("tmp");
    char *log = scratch_path("log");
    cr_assert_eq(mkdir(tmp, 0755), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
        setenv("TMPDIR", tmp, 1);
        execl(TWICE_PATH, TWICE_PATH, "run", scenario, "-o", reports, "--app", TWICE_APP_PATH,
              (char *)NULL);
        _exit(127);
    }
    struct stat st;
    for (int waited = 0; stat(reports, &st) != 0 && waited < 10000; waited += 20)
        sleep_ms(20);
    sleep_ms(300);
    cr_assert_eq(rename(reports, moved), 0, "the run made its directory first");
    write_bytes(reports, "in the way", 10);
    int status;
    cr_assert_eq(wait_exit(pid, 60000, &status), 0, "twice ran past 60 s");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d", status);
    FILE *f = fopen(log, "r");
    char text[8192] = "";
    text[fread(text, 1, sizeof(text) - 1, f)] = '\0';
    fclose(f);
    char *instead = strstr(text, "the report was written to ");
    cr_assert_not_null(instead, "%s", text);
    cr_assert(strstr(text, "report: ") != NULL, "%s", text);
    char path[512];
    cr_assert_eq(sscanf(instead, "the report was written to %511s", path), 1);
    cr_assert_eq(strncmp(path, tmp, strlen(tmp)), 0, "%s is in $TMPDIR", path);
    json_t *r = json_load_file(path, 0, NULL);
    cr_assert_not_null(r, "%s", path);
    cr_assert_str_eq(json_string_value(json_object_get(r, "status")), "complete");
    json_decref(r);
    cr_assert_eq(count_files(tmp, ".md"), 1, "its siblings are beside it");
    free(scenario);
    free(reports);
    free(moved);
    free(tmp);
    free(log);
}

/* --inventory: checked by validate and by run before anything is deployed; a step with more
 * servers than server hosts refused. */
Test(harness_inputs, inventories_are_checked_by_validate_and_run)
{
    char *good = scratch_path("two.json"), *bad = scratch_path("bad.json"), *out, expected[512];
    const char *two = "{\"servers\": [\"root@198.18.0.10:22\", \"root@198.18.0.11:22\"],\n"
                      " \"ssh\": {\"known_hosts\": \"accept-new\"}}\n";
    const char *typo = "{\"servers\": [\"root@198.18.0.10\"],\n \"ssh\": {\"known_host\": 1}}\n";
    write_bytes(good, two, strlen(two));
    write_bytes(bad, typo, strlen(typo));

    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", good, NULL}, 5000, &out), 0,
                 "%s", out);
    snprintf(expected, sizeof(expected), "%s: ok\n", good);
    cr_assert_str_eq(out, expected);
    free(out);

    snprintf(expected, sizeof(expected),
             "twice: %s:2:10: unknown key \"known_host\"; did you mean \"known_hosts\"?\n", bad);
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", bad, NULL}, 5000, &out), 2);
    cr_assert_str_eq(out, expected);
    free(out);
    cr_assert_eq(twice((const char *const[]){"run", SCENARIOS_DIR "/quick.json", "--inventory", bad,
                                             "-o", scratch_dir, NULL},
                       5000, &out),
                 2);
    cr_assert_str_eq(out, expected);
    free(out);

    /* quick.json steps up to 4 servers; the inventory has 2 server hosts. */
    snprintf(expected, sizeof(expected),
             "twice: %s: lists 2 server hosts, but a step runs 4 servers (one per host; set "
             "\"hosts_may_hold_several\": true to put several on a host)\n",
             good);
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", good,
                                             SCENARIOS_DIR "/quick.json", NULL},
                       5000, &out),
                 2);
    cr_assert(strstr(out, expected) != NULL, "%s", out);
    free(out);
    cr_assert_eq(twice((const char *const[]){"run", SCENARIOS_DIR "/quick.json", "-o", scratch_dir,
                                             "--inventory", good, NULL},
                       5000, &out),
                 2);
    cr_assert_str_eq(out, expected);
    free(out);
    cr_assert_eq(
        twice((const char *const[]){"run", SCENARIOS_DIR "/quick.json", "--inventory", NULL}, 5000,
              &out),
        2);
    cr_assert(strncmp(out, "twice run: --inventory needs a value\n", 37) == 0, "%s", out);
    free(out);
    free(good);
    free(bad);
}

/* Servers on other hosts cannot reach a database that listens on this machine's 127.0.0.1:
 * validate and run refuse the pair before anything starts, and name the key that moves it. */
Test(harness_inputs, remote_servers_with_the_database_here_are_refused)
{
    char *far = scratch_path("remote-servers.json"), *placed = scratch_path("db-host.json"), *out,
         expected[512];
    const char *servers = "{\"servers\": [\"root@198.18.0.10\", \"root@198.18.0.11\", "
                          "\"root@198.18.0.12\", \"root@198.18.0.13\"]}\n";
    const char *with_db = "{\"servers\": [\"root@198.18.0.10\", \"root@198.18.0.11\", "
                          "\"root@198.18.0.12\", \"root@198.18.0.13\"],\n"
                          " \"services\": {\"postgres\": \"root@198.18.0.14\"}}\n";
    write_bytes(far, servers, strlen(servers));
    write_bytes(placed, with_db, strlen(with_db));
    snprintf(expected, sizeof(expected),
             "twice: %s: the servers run on other hosts, which cannot reach a database on this "
             "machine (it listens on 127.0.0.1 only): name the database's host in \"services\": "
             "{\"postgres\": \"user@ADDRESS\"}\n",
             far);
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", far,
                                             SCENARIOS_DIR "/db-hot-row.json", NULL},
                       5000, &out),
                 2);
    cr_assert(strstr(out, expected) != NULL, "%s", out);
    free(out);
    cr_assert_eq(twice((const char *const[]){"run", SCENARIOS_DIR "/db-hot-row.json", "-o",
                                             scratch_dir, "--inventory", far, NULL},
                       5000, &out),
                 2);
    cr_assert_str_eq(out, expected);
    free(out);
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", placed,
                                             SCENARIOS_DIR "/db-hot-row.json", NULL},
                       5000, &out),
                 0, "%s", out);
    free(out);
    free(far);
    free(placed);
}

/* A balancer on another host cannot reach servers on this machine's loopback: an inventory
 * that puts it there in front of local servers is refused by validate and by run, before
 * anything starts (and before any host is reached). */
Test(harness_inputs, a_balancer_elsewhere_in_front_of_local_servers_is_refused)
{
    char *remote = scratch_path("remote-lb.json"), *local = scratch_path("local-lb.json"), *out,
         expected[512];
    const char *far = "{\"servers\": [\"local\"], \"hosts_may_hold_several\": true,\n"
                      " \"balancer\": \"root@198.18.0.20\"}\n";
    const char *here = "{\"servers\": [\"local\"], \"hosts_may_hold_several\": true,\n"
                       " \"balancer\": \"local\"}\n";
    write_bytes(remote, far, strlen(far));
    write_bytes(local, here, strlen(here));
    snprintf(expected, sizeof(expected),
             "twice: %s: the haproxy front's balancer is on host root@198.18.0.20, which cannot "
             "reach servers on this machine's loopback: put the servers on ssh hosts too "
             "(\"servers\"), or the balancer here (\"balancer\": \"local\")\n",
             remote);
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", remote,
                                             SCENARIOS_DIR "/haproxy.json", NULL},
                       5000, &out),
                 2);
    cr_assert(strstr(out, expected) != NULL, "the inventory alone is fine, not with it: %s", out);
    free(out);
    cr_assert_eq(twice((const char *const[]){"run", SCENARIOS_DIR "/haproxy.json", "-o",
                                             scratch_dir, "--inventory", remote, NULL},
                       5000, &out),
                 2);
    cr_assert_str_eq(out, expected);
    free(out);
    /* Where the front has no balancer, or the balancer is here, nothing to refuse. */
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", remote,
                                             SCENARIOS_DIR "/quick.json", NULL},
                       5000, &out),
                 0, "%s", out);
    free(out);
    cr_assert_eq(twice((const char *const[]){"validate", "--inventory", local,
                                             SCENARIOS_DIR "/haproxy.json", NULL},
                       5000, &out),
                 0, "%s", out);
    free(out);
    free(remote);
    free(local);
}
