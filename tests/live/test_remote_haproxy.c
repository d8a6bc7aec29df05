/*
 * test_remote_haproxy.c - the haproxy front with its balancer on a test-bed
 * host, for real: two server hosts, and HAProxy on a third, started there
 * through ssh under the supervisor from a configuration shipped over ssh.
 * A run reaches every server evenly through it and reports its per-server
 * counts and its CPU read on its host; nothing of it (its processes in the
 * host's namespace, its temporary folder) is left after SIGKILL of twice or
 * after the balancer's ssh connection drops; a balancer host without HAProxy
 * is named before the run, and a server HAProxy never sees UP is named with
 * its address.
 *
 * The bed is brought up once for the whole suite (bed_fixture.h) and needs
 * root: without it every test is skipped, saying so. Traffic goes only to
 * the bed's own 198.18 hosts.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "bed_fixture.h"
#include "front.h"
#include "haproxy_remote.h"
#include "inventory.h"
#include "scratch_dir.h"

#define SERVERS "\"root@198.18.0.10:22\", \"root@198.18.0.11:22\""
#define BALANCER "root@198.18.0.12:22"
#define BALANCER_NETNS "-s2" /* the third server host's namespace */

static const bed_fixture bed = {TWICE_PATH, "/tmp/twice-remote-haproxy-test-bed.json",
                                "/tmp/twice-remote-haproxy-test-bed.err"};

ReportHook(PRE_ALL)(struct criterion_test_set *tests)
{
    (void)tests;
    bed_up(&bed, (const char *const[]){"3", "--clients", "1", NULL});
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    bed_down(&bed);
}

static pid_t running_twice = -1; /* a twice run a test started in the background */

static void init(void)
{
    bed_require(&bed, "the remote balancer tests");
    scratch_make();
}

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

TestSuite(remote_haproxy, .init = init, .fini = fini, .timeout = 150);

static char inv_path[256], sc_path[256];

static void write_scratch(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", scratch_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* The bed's first two server hosts, the third as the balancer, with extra top-level keys
 * (extra: "" or ", ..."); and a plaintext scenario of 2 servers behind HAProxy. */
static void write_inputs(const char *extra, double duration_s)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"servers\": [" SERVERS "], \"balancer\": \"" BALANCER "\", \"ssh\": "
             "{\"identity_file\": \"/run/twice-testbed/id_ed25519\", \"known_hosts\": "
             "\"/run/twice-testbed/known_hosts\"}%s}\n",
             extra);
    write_scratch("inventory.json", text, inv_path, sizeof(inv_path));
    snprintf(text, sizeof(text),
             "{\"name\": \"rh-test\", \"target\": {\"app\": \"twice-app\", \"route\": "
             "\"/plaintext\", \"workers\": 1, \"threads\": 1, \"check\": \"plaintext\"}, "
             "\"models\": [\"process\"], \"front\": \"haproxy\", \"servers\": [2], "
             "\"connections_per_server\": 4, \"warmup_s\": 0, \"duration_s\": %g, "
             "\"repetitions\": 1, \"seed\": 1}\n",
             duration_s);
    write_scratch("scenario.json", text, sc_path, sizeof(sc_path));
}

/* twice run of the inputs in the background; its stderr goes to *err_fd (a memfd). */
static pid_t start_run(int *err_fd)
{
    *err_fd = memfd_create("twice-err", 0);
    cr_assert_geq(*err_fd, 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(*err_fd, STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        execl(TWICE_PATH, TWICE_PATH, "run", sc_path, "--inventory", inv_path, "-o", scratch_dir,
              "--app", TWICE_APP_PATH, (char *)NULL);
        _exit(127);
    }
    running_twice = pid;
    return pid;
}

static char *read_all(int fd)
{
    char *text = calloc(1, 16384);
    cr_assert_geq(pread(fd, text, 16383, 0), 0);
    return text;
}

/* The temporary folders of HAProxies on the bed's hosts (they share this machine's /tmp). */
static int temp_folders(char *what, size_t len)
{
    DIR *d = opendir("/tmp");
    struct dirent *e;
    int n = 0;
    what[0] = '\0';
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, HAPROXY_REMOTE_DIR_PREFIX, strlen(HAPROXY_REMOTE_DIR_PREFIX)) != 0)
            continue;
        n++;
        snprintf(what + strlen(what), len - strlen(what), " /tmp/%s", e->d_name);
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* Nothing of HAProxy on any host: no process in the namespaces, no temporary folder. */
static void assert_nothing_left(int timeout_ms, const char *after)
{
    bed_assert_nothing_left_on("", timeout_ms, after);
    char what[2048];
    for (int waited = 0; temp_folders(what, sizeof(what)) > 0; waited += 100) {
        cr_assert_leq(waited, timeout_ms, "left on the hosts after %s:%s", after, what);
        sleep_ms(100);
    }
}

/* Polls until HAProxy runs in the balancer's namespace. */
static void wait_haproxy_up(int timeout_ms)
{
    char what[4096];
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        if (bed_strays_on(BALANCER_NETNS, what, sizeof(what)) > 0 &&
            strstr(what, "(haproxy)") != NULL)
            return;
        sleep_ms(100);
    }
    cr_assert_fail("no haproxy started on the balancer host:%s", what);
}

/* The one report in the scratch folder, loaded. */
static json_t *load_report(void)
{
    DIR *d = opendir(scratch_dir);
    struct dirent *e;
    char report[512] = "";
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "rh-test-", 8) == 0 && len > 5 &&
            strcmp(e->d_name + len - 5, ".json") == 0)
            snprintf(report, sizeof(report), "%s/%s", scratch_dir, e->d_name);
    }
    closedir(d);
    json_error_t jerr;
    json_t *doc = json_load_file(report, 0, &jerr);
    cr_assert_not_null(doc, "%s: %s", report, jerr.text);
    return doc;
}

Test(remote_haproxy, a_run_reaches_every_server_through_the_balancer_host)
{
    int err_fd, status;
    write_inputs("", 3);
    pid_t pid = start_run(&err_fd);
    cr_assert_eq(wait_exit(pid, 90000, &status), 0);
    running_twice = -1;
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
    free(err);
    close(err_fd);
    assert_nothing_left(5000, "a normal end");
    json_t *doc = load_report();
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(doc, "models"), 0), "steps"), 0);
    json_t *seen = json_object_get(json_array_get(json_object_get(step, "runs"), 0), "front");
    cr_assert_not_null(seen, "the run has what the balancer saw");
    cr_assert_str_eq(json_string_value(json_object_get(seen, "host")), BALANCER);
    /* Its CPU, read on its host: a figure, busy but not more than its one core. */
    json_t *cpu = json_object_get(seen, "cpu");
    cr_assert(json_is_number(cpu), "%s", json_dumps(seen, 0));
    cr_assert(json_number_value(cpu) > 0 && json_number_value(cpu) <= 1.05, "cpu %g",
              json_number_value(cpu));
    cr_assert_null(json_object_get(seen, "cpu_unmeasured"));
    /* Every server reached, evenly: plaintext is uniform, round robin spreads it. */
    json_t *servers = json_object_get(seen, "servers");
    cr_assert_eq(json_array_size(servers), 2);
    double least = INFINITY, most = 0;
    for (size_t i = 0; i < 2; i++) {
        double requests =
            json_number_value(json_object_get(json_array_get(servers, i), "requests"));
        cr_assert_gt(requests, 0, "server %zu got nothing", i + 1);
        least = fmin(least, requests);
        most = fmax(most, requests);
    }
    cr_assert_leq(most / least - 1, 0.10, "spread %g: %g vs %g", most / least - 1, most, least);
    json_t *summary = json_object_get(json_object_get(step, "summary"), "front");
    cr_assert(json_is_number(json_object_get(summary, "cpu")), "%s", json_dumps(summary, 0));
    /* Its core is the balancer host's: none of this machine's is counted for it. */
    json_t *flags = json_object_get(json_object_get(step, "summary"), "flags");
    for (size_t i = 0; i < json_array_size(flags); i++)
        cr_assert_null(strstr(json_string_value(json_array_get(flags, i)), "balancer's core"), "%s",
                       json_string_value(json_array_get(flags, i)));
    json_decref(doc);
}

Test(remote_haproxy, nothing_is_left_after_sigkill_of_twice)
{
    int err_fd, status;
    write_inputs("", BED_MID_RUN_S);
    pid_t pid = start_run(&err_fd);
    wait_haproxy_up(60000);
    kill(pid, SIGKILL);
    cr_assert_eq(wait_exit(pid, 5000, &status), 0);
    running_twice = -1;
    close(err_fd);
    assert_nothing_left(10000, "SIGKILL to twice");
}

Test(remote_haproxy, nothing_is_left_when_the_balancers_connection_drops)
{
    int err_fd, status;
    write_inputs("", BED_MID_RUN_S);
    pid_t pid = start_run(&err_fd);
    wait_haproxy_up(60000);
    pid_t master;
    cr_assert_eq(bed_ssh_masters_of(pid, "root@198.18.0.12", &master, 1), 1,
                 "one master connection to the balancer host");
    kill(master, SIGKILL);
    /* The host's sshd closes the channel: the supervisor stops HAProxy and its script removes
     * the folder, while twice sees its balancer gone and fails the run. */
    bed_assert_nothing_left_on(BALANCER_NETNS, 10000, "the balancer's ssh connection dropped");
    cr_assert_eq(wait_exit(pid, 60000, &status), 0);
    running_twice = -1;
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0, "status %d: %s", status, err);
    cr_assert(strstr(err, "haproxy on host " BALANCER) != NULL, "%s", err);
    free(err);
    close(err_fd);
    assert_nothing_left(10000, "twice stopped");
}

Test(remote_haproxy, a_balancer_host_without_haproxy_is_named_before_the_run)
{
    write_inputs(", \"haproxy\": \"/nonexistent/haproxy\"", 1);
    char *err = NULL;
    int status = run_to_exit(TWICE_PATH,
                             (const char *const[]){"run", sc_path, "--inventory", inv_path, "-o",
                                                   scratch_dir, "--app", TWICE_APP_PATH, NULL},
                             60000, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strstr(err, "balancer host " BALANCER " has no /nonexistent/haproxy") != NULL, "%s",
              err);
    cr_assert(strstr(err, "apt-get install haproxy") != NULL, "%s", err);
    cr_assert_null(strstr(err, "round 1"), "refused before anything ran: %s", err);
    free(err);
    assert_nothing_left(5000, "a refused run");
}

/* Through the front itself: HAProxy starts on the balancer host but never sees the server UP
 * (nothing listens there): the server is named with its address, and nothing is left. */
Test(remote_haproxy, a_server_never_up_is_named_and_nothing_is_left)
{
    write_inputs("", 1);
    inventory inv;
    char err[4096];
    cr_assert_eq(inventory_load(&inv, inv_path, err, sizeof(err)), 0, "%s", err);
    const char *addresses[] = {"198.18.0.10"};
    int ports[] = {9};
    front_spec spec = {.addresses = addresses, .ports = ports, .n = 1, .inv = &inv};
    front_run fr;
    cr_assert_eq(front_haproxy.start(&fr, &spec, err, sizeof(err)), -1);
    cr_assert(strstr(err, "haproxy did not see every server UP") != NULL &&
                  strstr(err, "server 1 of 1 (198.18.0.10:9) is DOWN") != NULL,
              "%s", err);
    cr_assert_null(fr.state, "a failed start keeps nothing");
    assert_nothing_left(10000, "a failed start");
    inventory_free(&inv);
}
