/*
 * ssh_bed.c - one test bed for the ssh suites (ssh_bed.h), on
 * support/bed_fixture.h: brought up before the first test (2 server hosts, 2
 * client hosts), down after the last, and what the tests on it share: scratch files, inventories
 * and scenarios for the bed, twice runs in the background, and the look at every namespace's
 * processes that says whether anything was left on a host.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
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
#include "bed_fixture.h"
#include "ssh_bed.h"
#include "scratch_dir.h"
#include "ssh_bed.h"

static const bed_fixture bed = {TWICE_PATH, "/tmp/twice-ssh-deploy-test-bed.json",
                                "/tmp/twice-ssh-deploy-test-bed.err"};

/* In the runner, before any test and after the last. */
ReportHook(PRE_ALL)(struct criterion_test_set *tests)
{
    (void)tests;
    bed_up(&bed, (const char *const[]){"2", "--clients", "2", NULL});
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    bed_down(&bed);
}

void bed_init(void)
{
    bed_require(&bed, "the ssh deployer tests");
    scratch_make();
}

pid_t running_twice = -1;

/* A test that failed half-way leaves no twice running into the next one. */
void bed_fini(void)
{
    if (running_twice > 0) {
        kill(running_twice, SIGKILL);
        waitpid(running_twice, NULL, 0);
        running_twice = -1;
    }
    scratch_remove();
}

/* Writes text to scratch_dir/name; the path into path. */
void write_scratch(const char *name, const char *text, mode_t mode, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", scratch_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* An inventory of the bed's server hosts with extra top-level keys (extra: "" or ", ..."). */
void write_inventory(const char *servers, const char *extra, char *path, size_t len)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"servers\": [%s], \"ssh\": {\"identity_file\": \"/run/twice-testbed/id_ed25519\", "
             "\"known_hosts\": \"/run/twice-testbed/known_hosts\"}%s}\n",
             servers, extra);
    write_scratch("inventory.json", text, 0644, path, len);
}

/* A tiny direct-front scenario of twice-app's plaintext route over servers (a JSON list), with
 * extra top-level keys (extra: "" or ", ..."). */
void write_scenario_with(const char *servers, double duration_s, const char *extra, char *path,
                         size_t len)
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

void write_scenario(const char *servers, double duration_s, char *path, size_t len)
{
    write_scenario_with(servers, duration_s, "", path, len);
}

int strays(char *what, size_t len)
{
    return bed_strays_on("", what, len);
}

/* Polls until no stray is left on the hosts whose namespaces end with suffix ("": all), nor a
 * wrk script in /tmp (which the namespaces share), up to timeout_ms; asserts it. */
void assert_nothing_left_on(const char *suffix, int timeout_ms, const char *after)
{
    char what[4096];
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        if (bed_strays_on(suffix, what, sizeof(what)) == 0 &&
            remote_script_files(what, sizeof(what)) == 0)
            return;
        sleep_ms(100);
    }
    cr_assert_fail("left on the hosts after %s:%s", after, what);
}

void assert_nothing_left(int timeout_ms, const char *after)
{
    assert_nothing_left_on("", timeout_ms, after);
}

/* Polls until at least want twice-app processes (a server's master and worker are two) run on
 * the hosts. */
void wait_servers_up(int want, int timeout_ms)
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

scenario load_scenario(const char *path)
{
    scenario sc;
    char err[1024];
    cr_assert_eq(scenario_load(&sc, path, err, sizeof(err)), 0, "%s", err);
    return sc;
}

inventory load_inventory(const char *path)
{
    inventory inv;
    char err[1024];
    cr_assert_eq(inventory_load(&inv, path, err, sizeof(err)), 0, "%s", err);
    return inv;
}

pid_t start_twice(const char *sc_path, const char *inv_path, int *err_fd)
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

pid_t start_run_with(const char *servers, double duration_s, const char *inventory_extra,
                     int *err_fd)
{
    static char inv_path[256], sc_path[256];
    assert_nothing_left(10000, "the tests before");
    write_inventory(BED_SERVER_HOSTS, inventory_extra, inv_path, sizeof(inv_path));
    write_scenario(servers, duration_s, sc_path, sizeof(sc_path));
    return start_twice(sc_path, inv_path, err_fd);
}

char *read_all(int fd)
{
    char *text = calloc(1, 16384);
    cr_assert_geq(pread(fd, text, 16383, 0), 0);
    return text;
}

pid_t start_run(const char *servers, double duration_s, int *err_fd)
{
    return start_run_with(servers, duration_s, "", err_fd);
}

/* The newest report in the scratch folder, loaded. */
json_t *load_report(void)
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

int remote_script_files(char *what, size_t len)
{
    glob_t found;
    int n = 0;
    what[0] = '\0';
    if (glob("/tmp/twice-wrk-*", 0, NULL, &found) == 0) {
        for (size_t i = 0; i < found.gl_pathc; i++, n++)
            snprintf(what + strlen(what), len - strlen(what), " %s", found.gl_pathv[i]);
        globfree(&found);
    }
    return n;
}
