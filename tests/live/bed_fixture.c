/*
 * bed_fixture.c - one test bed for the ssh suites (bed_fixture.h): brought
 * up before the first test (2 server hosts, 2 client hosts), down after the
 * last, and what the tests on it share: scratch files, inventories and
 * scenarios for the bed, twice runs in the background, and the look at every
 * namespace's processes that says whether anything was left on a host.
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
#include "scratch_dir.h"

#define BED_INVENTORY "/tmp/twice-ssh-deploy-test-bed.json"
#define NETNS_DIR "/run/netns"
#define PREFIX "twice-tb-"

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
                               (const char *const[]){"testbed", "up", "2", "--clients", "2",
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

void bed_init(void)
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

/* Every process that is not an sshd in the bed's namespaces whose names end with suffix ("":
 * all of them), listed in what; their count. */
int strays_on(const char *suffix, char *what, size_t len)
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

int strays(char *what, size_t len)
{
    return strays_on("", what, len);
}

/* Polls until no stray is left on the hosts whose namespaces end with suffix ("": all), nor a
 * wrk script in /tmp (which the namespaces share), up to timeout_ms; asserts it. */
void assert_nothing_left_on(const char *suffix, int timeout_ms, const char *after)
{
    char what[4096];
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        if (strays_on(suffix, what, sizeof(what)) == 0 &&
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

pid_t start_run_with(const char *servers, double duration_s, const char *inventory_extra,
                     int *err_fd)
{
    static char inv_path[256], sc_path[256];
    assert_nothing_left(10000, "the tests before");
    write_inventory(BED_SERVER_HOSTS, inventory_extra, inv_path, sizeof(inv_path));
    write_scenario(servers, duration_s, sc_path, sizeof(sc_path));
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

size_t masters_of(pid_t twice, const char *host, pid_t *masters, size_t max)
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
        cmdline[got] = '\0';
        int master = 0, to_host = host == NULL;
        for (ssize_t k = 0; k + 2 < got; k++) {
            master |= cmdline[k] == '\0' && cmdline[k + 1] == '-' && cmdline[k + 2] == 'M' &&
                      cmdline[k + 3] == '\0';
            to_host |= host != NULL && cmdline[k] == '\0' && strcmp(cmdline + k + 1, host) == 0;
        }
        if (master && to_host && found < max)
            masters[found++] = children[i];
    }
    free(children);
    return found;
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
