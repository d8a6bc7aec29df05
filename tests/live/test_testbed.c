/*
 * test_testbed.c - `twice testbed up|down` for real: namespaces, bridge,
 * sshd, cgroups. Each host's sshd lets the bed's key in (the real OpenSSH
 * client, BatchMode, the bed's known_hosts), a command run over ssh is in
 * the host's namespace and cgroup, the CPU cap is the cgroup's quota, a
 * twice-app started over ssh answers at the host's address, and down leaves
 * no namespace, link, cgroup, process or file, also after an up that failed
 * or was killed midway. Traffic goes only to the bed's own 198.18 hosts.
 *
 * The bed needs root; run elsewhere, these tests fail saying so. They run
 * one at a time (one bed at a time), and every one takes its bed down at
 * the end, passed or failed.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "http_client.h"
#include "inventory.h"
#include "testbed_own.h"

#define STATE_DIR "/run/twice-testbed"
#define KEY STATE_DIR "/id_ed25519"
#define KNOWN_HOSTS STATE_DIR "/known_hosts"
#define PREFIX "twice-tb-"
#define TIMEOUT_MS 60000

static char inventory_path[64];
static pid_t remote_app = -1;      /* an ssh client a test keeps running */
static int remote_app_stdout = -1; /* and the pipe it writes to */

static void require_root(void)
{
    cr_assert_eq(geteuid(), 0,
                 "the test bed tests need root (namespaces, cgroups, sshd): run ctest as root");
}

static void init(void)
{
    require_root();
    snprintf(inventory_path, sizeof(inventory_path), "/tmp/twice-testbed-test-%d.json",
             (int)getpid());
    unlink(inventory_path);
}

static int twice(const char *const *args, char **out, char **err)
{
    return run_capturing(TWICE_PATH, args, TIMEOUT_MS, out, err);
}

/* Whatever happened in the test: no ssh client of its own left, no bed left. */
static void fini(void)
{
    if (remote_app > 0) {
        kill(remote_app, SIGKILL);
        waitpid(remote_app, NULL, 0);
        remote_app = -1;
    }
    if (remote_app_stdout >= 0)
        close(remote_app_stdout);
    remote_app_stdout = -1;
    char *err;
    twice((const char *const[]){"testbed", "down", NULL}, NULL, &err);
    free(err);
    unlink(inventory_path);
}

TestSuite(testbed, .init = init, .fini = fini, .timeout = 120);

/* Entries of dir whose names start with PREFIX, listed in what; their count. */
static int prefixed_entries(const char *dir, char *what, size_t len)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) == 0) {
            n++;
            snprintf(what + strlen(what), len - strlen(what), " %s/%s", dir, e->d_name);
        }
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* Live processes (not zombies) whose command line names the bed's state directory: its
 * sshds. */
static int bed_processes(char *what, size_t len)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[300], cmdline[1024];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        ssize_t got = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (got <= 0)
            continue;
        for (ssize_t i = 0; i < got; i++)
            cmdline[i] = cmdline[i] == '\0' ? ' ' : cmdline[i];
        cmdline[got] = '\0';
        if (strstr(cmdline, STATE_DIR) != NULL && process_alive(atoi(e->d_name))) {
            n++;
            snprintf(what + strlen(what), len - strlen(what), " pid %s (%.60s)", e->d_name,
                     cmdline);
        }
    }
    if (d != NULL)
        closedir(d);
    return n;
}

/* Everything of a bed still there (namespaces, links, cgroups, sshds, state, inventory),
 * listed in what; 0 when nothing is. */
static int leftovers(char *what, size_t len)
{
    what[0] = '\0';
    int n = prefixed_entries("/run/netns", what, len) +
            prefixed_entries("/sys/class/net", what, len) +
            prefixed_entries("/sys/fs/cgroup/cpu", what, len) +
            prefixed_entries("/sys/fs/cgroup", what, len) + bed_processes(what, len);
    if (access(STATE_DIR, F_OK) == 0) {
        n++;
        snprintf(what + strlen(what), len - strlen(what), " %s", STATE_DIR);
    }
    if (access(inventory_path, F_OK) == 0) {
        n++;
        snprintf(what + strlen(what), len - strlen(what), " %s", inventory_path);
    }
    return n;
}

/* twice testbed up with args after "up"; asserts it worked. */
static void up(const char *const *args)
{
    const char *argv[16] = {"testbed", "up"};
    size_t n = 2;
    for (; *args != NULL; args++)
        argv[n++] = *args;
    argv[n++] = "--inventory";
    argv[n++] = inventory_path;
    argv[n] = NULL;
    char *out, *err;
    int status = twice(argv, &out, &err);
    cr_assert_eq(status, 0, "twice testbed up: status %d\nstdout: %s\nstderr: %s", status, out,
                 err);
    cr_assert(strstr(out, "take it down with: twice testbed down") != NULL, "%s", out);
    free(out);
    free(err);
}

/* Runs command on the bed host at address over ssh; returns its wait status, its stdout in
 * *out (malloc'd). */
static int ssh(const char *address, const char *command, char **out)
{
    char destination[64], *err;
    snprintf(destination, sizeof(destination), "root@%s", address);
    const char *const args[] = {"-i",        KEY,
                                "-o",        "BatchMode=yes",
                                "-o",        "UserKnownHostsFile=" KNOWN_HOSTS,
                                "-o",        "ConnectTimeout=5",
                                "-p",        "22",
                                destination, command,
                                NULL};
    int status = run_capturing("/usr/bin/ssh", args, 20000, out, &err);
    if (status != 0)
        cr_log_error("ssh %s %s: status %d: %s", destination, command, status, err);
    free(err);
    return status;
}

static inventory load_inventory(void)
{
    inventory inv;
    char err[1024];
    cr_assert_eq(inventory_load(&inv, inventory_path, err, sizeof(err)), 0, "%s", err);
    return inv;
}

/* The CPU quota of the cgroup a process on a host reports in its /proc/self/cgroup lines:
 * cores, or 0 for no cap. */
static double cgroup_cores(const char *proc_cgroup)
{
    char path[512];
    const char *v1 = strstr(proc_cgroup, ":cpu:"), *v1_pair = strstr(proc_cgroup, ":cpu,cpuacct:");
    long quota = 0, period = 0;
    if (v1 != NULL || v1_pair != NULL) {
        const char *dir = v1 != NULL ? v1 + 5 : v1_pair + 13;
        const char *hierarchy = v1 != NULL ? "cpu" : "cpu,cpuacct";
        snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%.*s/cpu.cfs_quota_us", hierarchy,
                 (int)strcspn(dir, "\n"), dir);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        cr_assert_eq(fscanf(f, "%ld", &quota), 1);
        fclose(f);
        snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%.*s/cpu.cfs_period_us", hierarchy,
                 (int)strcspn(dir, "\n"), dir);
        f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        cr_assert_eq(fscanf(f, "%ld", &period), 1);
        fclose(f);
    } else {
        const char *dir = strstr(proc_cgroup, "0::");
        cr_assert_not_null(dir, "no cgroup line in %s", proc_cgroup);
        snprintf(path, sizeof(path), "/sys/fs/cgroup%.*s/cpu.max", (int)strcspn(dir + 3, "\n"),
                 dir + 3);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "%s", path);
        char max[32];
        cr_assert_eq(fscanf(f, "%31s %ld", max, &period), 2);
        quota = strcmp(max, "max") == 0 ? -1 : atol(max);
        fclose(f);
    }
    return quota < 0 ? 0 : (double)quota / (double)period;
}

Test(testbed, each_host_is_reached_over_ssh_inside_its_namespace_and_capped_cgroup)
{
    up((const char *const[]){"2", "--clients", "1", "--cpu-cap", "0.25", "--client-cpu-cap", "0.5",
                             NULL});
    inventory inv = load_inventory();
    cr_assert_eq(inv.nservers, 2);
    cr_assert_eq(inv.nclients, 1);
    cr_assert_str_eq(inv.identity_file, KEY);
    cr_assert_eq(inv.known_hosts, INVENTORY_KNOWN_HOSTS_FILE);
    cr_assert_str_eq(inv.known_hosts_file, KNOWN_HOSTS);
    const inventory_host *hosts[] = {&inv.servers[0], &inv.servers[1], &inv.clients[0]};
    const char *addresses[] = {"198.18.0.10", "198.18.0.11", "198.18.1.10"};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_str_eq(hosts[i]->user, "root");
        cr_assert_str_eq(hosts[i]->host, addresses[i]);
        cr_assert_eq(hosts[i]->port, 22);
        /* --cpu-cap is the server hosts', --client-cpu-cap the client hosts'. */
        double cores = i < 2 ? 0.25 : 0.5;
        cr_assert_float_eq(hosts[i]->cores, cores, 1e-9);
        char *out;
        cr_assert_eq(ssh(addresses[i], "true", &out), 0);
        free(out);
        cr_assert_eq(ssh(addresses[i], "ip -o -4 addr show; cat /proc/self/cgroup", &out), 0);
        /* Only the host's own addresses: loopback and its one on eth0. */
        char expected[64];
        snprintf(expected, sizeof(expected), "inet %s/16", addresses[i]);
        cr_assert(strstr(out, expected) != NULL, "host %s: %s", addresses[i], out);
        for (size_t j = 0; j < 3; j++) {
            snprintf(expected, sizeof(expected), "inet %s/", addresses[j]);
            cr_assert(j == i || strstr(out, expected) == NULL, "host %s: %s", addresses[i], out);
        }
        cr_assert(strstr(out, "inet 198.18.0.1/") == NULL, "the bridge's address: %s", out);
        char group[16];
        snprintf(group, sizeof(group), "-%c%zu\n", i < 2 ? 's' : 'c', i < 2 ? i : 0);
        cr_assert(strstr(out, "/" PREFIX) != NULL && strstr(out, group) != NULL,
                  "host %s is not in its cgroup: %s", addresses[i], out);
        cr_assert_float_eq(cgroup_cores(out), cores, 1e-9, "host %s: %s", addresses[i], out);
        free(out);
    }
    inventory_free(&inv);
}

/* --balancer adds a host for HAProxy alone, uncapped whatever --cpu-cap says, named as the
 * inventory's "balancer". */
Test(testbed, a_balancer_host_is_made_uncapped_and_named_in_the_inventory)
{
    up((const char *const[]){"1", "--clients", "1", "--balancer", "--cpu-cap", "0.2", NULL});
    inventory inv = load_inventory();
    cr_assert_eq(inv.nservers, 1);
    cr_assert_eq(inv.nclients, 1);
    cr_assert_not_null(inv.balancer, "no balancer in the inventory");
    cr_assert_str_eq(inv.balancer->destination, "root@198.18.2.10:22");
    cr_assert_eq(inv.balancer->cores, 0, "the balancer host is not capped");
    cr_assert_float_eq(inv.servers[0].cores, 0.2, 1e-9);
    char *out;
    cr_assert_eq(ssh("198.18.2.10", "ip -o -4 addr show; cat /proc/self/cgroup", &out), 0);
    cr_assert(strstr(out, "inet 198.18.2.10/16") != NULL, "%s", out);
    cr_assert(strstr(out, "-b0\n") != NULL, "the balancer is not in its own cgroup: %s", out);
    free(out);
    inventory_free(&inv);
}

/* A run on the bed counts every host's cgroup as its own work: each host has one, side by side
 * where twice's own is (nested in one bed cgroup, they kept twice off the CPU), and a run finds
 * them all from the inventory the bed wrote. */
Test(testbed, every_hosts_cgroup_is_found_as_the_runs_own)
{
    up((const char *const[]){"4", "--clients", "2", "--balancer", NULL});
    size_t n;
    char **own = testbed_own_cgroups(inventory_path, &n);
    cr_assert_eq(n, 7, "4 servers, 2 clients and a balancer, each its own cgroup");
    static const char *const hosts[] = {"-s0", "-s1", "-s2", "-s3", "-c0", "-c1", "-b0"};
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        size_t len = strlen(own[i]);
        cr_assert(len > 3 && strcmp(own[i] + len - 3, hosts[i]) == 0, "%s", own[i]);
        cr_assert(strstr(own[i], "/" PREFIX) != NULL, "%s", own[i]);
        cr_assert(stat(own[i], &st) == 0 && S_ISDIR(st.st_mode), "%s", own[i]);
    }
    cr_assert_null(own[n]);
    testbed_own_free(own);
    cr_assert_null(testbed_own_cgroups("/nonexistent/inventory.json", &n));
    cr_assert_eq(n, 0);
}

Test(testbed, a_twice_app_started_over_ssh_answers_at_the_host_address)
{
    up((const char *const[]){"1", "--clients", "1", NULL});
    const char *const argv[] = {"/usr/bin/ssh",
                                "-i",
                                KEY,
                                "-o",
                                "BatchMode=yes",
                                "-o",
                                "UserKnownHostsFile=" KNOWN_HOSTS,
                                "-p",
                                "22",
                                "root@198.18.0.10",
                                "exec " TWICE_APP_PATH " --listen 198.18.0.10:8080",
                                NULL};
    int out[2];
    cr_assert_eq(pipe(out), 0);
    remote_app = fork();
    if (remote_app == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    remote_app_stdout = out[0];
    /* ssh relays the app's "twice-app listening on ADDRESS" line from the host. */
    char line[256] = "";
    size_t len = 0;
    for (int waited = 0; waited < 10000 && strchr(line, '\n') == NULL; waited += 10) {
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        ssize_t got = poll(&p, 1, 10) == 1 ? read(out[0], line + len, sizeof(line) - len - 1) : 0;
        if (got < 0 || (got == 0 && p.revents != 0))
            break;
        len += (size_t)got;
        line[len] = '\0';
    }
    cr_assert(strstr(line, "twice-app listening on 198.18.0.10:8080 ") != NULL,
              "the remote twice-app did not start: \"%s\"", line);
    http_response res;
    cr_assert_eq(http_get_at("198.18.0.10", 8080, "/plaintext", 5000, &res), 0);
    cr_assert_eq(res.status, 200);
    cr_assert_str_eq(res.body, "Hello, World!");
    http_response_free(&res);
    /* Only in that host: nothing listens on the root namespace's side of the bridge. */
    cr_assert_neq(http_get_at("198.18.0.1", 8080, "/plaintext", 2000, &res), 0);
    http_response_free(&res);
}

Test(testbed, down_leaves_nothing_and_is_safe_twice)
{
    char what[4096];
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "left before the test:%s", what);
    up((const char *const[]){"2", "--clients", "1", "--cpu-cap", "0.1", NULL});
    /* 3 namespaces, 3 links, a bridge, 3 cgroups, 3 sshds (and any child one has for a
     * connection), the state directory and the inventory. */
    cr_assert_geq(leftovers(what, sizeof(what)), 3 + 3 + 1 + 3 + 3 + 2, "%s", what);
    const char *expected[] = {"/run/netns/" PREFIX, "/sys/class/net/" PREFIX, "s0/sshd_config",
                              "s1/sshd_config",     "c0/sshd_config",         " " STATE_DIR " ",
                              inventory_path};
    for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++)
        cr_assert(strstr(what, expected[i]) != NULL, "no %s in%s", expected[i], what);
    char *out, *err;
    /* A session with a process that detached from it: down must find it in the namespace. */
    cr_assert_eq(ssh("198.18.0.10", "setsid sleep 300 </dev/null >/dev/null 2>&1 &", &out), 0);
    free(out);
    cr_assert_eq(twice((const char *const[]){"testbed", "down", NULL}, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, "test bed down\n");
    free(out);
    free(err);
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "left after down:%s", what);
    cr_assert_eq(twice((const char *const[]){"testbed", "down", NULL}, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, "no test bed is up\n");
    free(out);
    free(err);
}

Test(testbed, an_inventory_named_relative_is_removed_by_a_down_run_elsewhere)
{
    char what[4096], *out, *err;
    cr_assert_eq(chdir("/tmp"), 0);
    const char *relative = inventory_path + strlen("/tmp/");
    int status = twice((const char *const[]){"testbed", "up", "1", "--clients", "1", "--inventory",
                                             relative, NULL},
                       &out, &err);
    cr_assert_eq(status, 0, "%s", err);
    free(out);
    free(err);
    cr_assert_eq(access(inventory_path, F_OK), 0);
    cr_assert_eq(chdir("/"), 0);
    cr_assert_eq(twice((const char *const[]){"testbed", "down", NULL}, &out, &err), 0, "%s", err);
    free(out);
    free(err);
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "left after down:%s", what);
}

Test(testbed, up_refuses_while_a_bed_exists)
{
    up((const char *const[]){"1", "--clients", "1", NULL});
    char other[80], *out, *err;
    snprintf(other, sizeof(other), "%s.second", inventory_path);
    int status =
        twice((const char *const[]){"testbed", "up", "1", "--inventory", other, NULL}, &out, &err);
    cr_assert_eq(WEXITSTATUS(status), 2);
    cr_assert(strstr(err, "twice testbed up: a test bed is up already, or half-made (its state "
                          "is in /run/twice-testbed): take it down first with `twice testbed "
                          "down`") != NULL,
              "%s", err);
    cr_assert_neq(access(other, F_OK), 0);
    free(out);
    free(err);
    cr_assert_eq(ssh("198.18.0.10", "true", &out), 0, "the first bed was harmed");
    free(out);
}

Test(testbed, an_up_that_fails_late_takes_down_what_it_made)
{
    char what[4096], *out, *err;
    /* The inventory cannot be written: everything else was made by then. */
    int status = twice((const char *const[]){"testbed", "up", "2", "--inventory",
                                             "/nonexistent-dir/inventory.json", NULL},
                       &out, &err);
    cr_assert_eq(WEXITSTATUS(status), 2, "%s", err);
    cr_assert(strstr(err, "twice testbed up: cannot write the inventory "
                          "/nonexistent-dir/inventory.json: No such file or directory") != NULL,
              "%s", err);
    free(out);
    free(err);
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "left after a failed up:%s", what);
}

Test(testbed, a_bed_half_made_by_a_killed_up_is_taken_down)
{
    char what[4096];
    const char *const argv[] = {TWICE_PATH, "testbed",     "up",           "4", "--clients",
                                "4",        "--inventory", inventory_path, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execv(TWICE_PATH, (char *const *)argv);
        _exit(127);
    }
    /* Kill it once it has made something (its state directory), before it can be done. */
    for (int waited = 0; waited < 5000 && access(STATE_DIR "/s1", F_OK) != 0; waited += 5)
        sleep_ms(5);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    cr_assert_neq(leftovers(what, sizeof(what)), 0, "up left nothing to take down");
    char *out, *err;
    cr_assert_eq(twice((const char *const[]){"testbed", "down", NULL}, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, "test bed down\n");
    free(out);
    free(err);
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "left after down:%s", what);
}

Test(testbed, netem_delay_is_on_both_ends_of_the_link_or_refused_clearly)
{
    char *out, *err, what[4096];
    int status =
        twice((const char *const[]){"testbed", "up", "1", "--clients", "1", "--delay-ms", "5",
                                    "--rate", "100", "--inventory", inventory_path, NULL},
              &out, &err);
    free(out);
    if (status != 0) {
        /* A kernel without sch_netem (some containers): a clear refusal, nothing left. */
        cr_assert(strstr(err, "netem") != NULL && strstr(err, "sch_netem") != NULL, "%s", err);
        free(err);
        cr_assert_eq(leftovers(what, sizeof(what)), 0, "left after a failed up:%s", what);
        return;
    }
    free(err);
    cr_assert_eq(ssh("198.18.0.10", "tc qdisc show dev eth0", &out), 0);
    cr_assert(strstr(out, "netem") != NULL && strstr(out, "delay 5ms") != NULL &&
                  strstr(out, "rate 100Mbit") != NULL,
              "%s", out);
    free(out);
}

/* Runs twice with args as the user nobody; its stderr in *err. */
static int twice_as_nobody(const char *const *args, char **err)
{
    char path[] = "/tmp/twice-testbed-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[8] = {TWICE_PATH};
        for (size_t i = 0; args[i] != NULL && i < 6; i++)
            argv[i + 1] = args[i];
        dup2(fd, STDERR_FILENO);
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(126);
        execv(TWICE_PATH, (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    *err = calloc(1, 4096);
    cr_assert_geq(pread(fd, *err, 4095, 0), 0);
    close(fd);
    return status;
}

Test(testbed, not_root_is_told_so)
{
    char *err, what[4096];
    const char *const up_args[] = {"testbed", "up", "1", "--inventory", inventory_path, NULL};
    const char *const down_args[] = {"testbed", "down", NULL};
    int status = twice_as_nobody(up_args, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert_str_eq(err, "twice testbed up: needs root: a test bed is made of network "
                          "namespaces, links, cgroups and sshd processes, which only root may "
                          "make (run it with sudo)\n");
    free(err);
    status = twice_as_nobody(down_args, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strncmp(err, "twice testbed down: needs root", 30) == 0, "%s", err);
    free(err);
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "%s", what);
}

/* twice testbed with args must exit 2 with message on stderr. */
static void bad_flags(const char *const *args, const char *message)
{
    char *out, *err;
    int status = twice(args, &out, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strncmp(err, message, strlen(message)) == 0, "expected %s\ngot %s", message, err);
    free(out);
    free(err);
}

Test(testbed, bad_flags_are_named_with_their_value)
{
    char what[4096];
    bad_flags((const char *const[]){"testbed", NULL},
              "twice testbed: expected up or down\nusage: twice testbed up N");
    bad_flags((const char *const[]){"testbed", "up", "0", "--inventory", "/tmp/x", NULL},
              "twice testbed: N: expected a whole number of server hosts from 1 to 64, got "
              "\"0\"\n");
    bad_flags((const char *const[]){"testbed", "up", "2", "--clients", "1.5", "--inventory",
                                    "/tmp/x", NULL},
              "twice testbed: \"--clients\": expected a whole number of client hosts from 1 to "
              "64, got \"1.5\"\n");
    bad_flags((const char *const[]){"testbed", "up", "2", "--cpu-cap", "0", NULL},
              "twice testbed: \"--cpu-cap\": expected a number of cores per server host from "
              "0.01 to 1024, got \"0\"\n");
    bad_flags((const char *const[]){"testbed", "up", "2", "--client-cpu-cap", "-1", NULL},
              "twice testbed: \"--client-cpu-cap\": expected a number of cores per client host "
              "from 0.01 to 1024, got \"-1\"\n");
    bad_flags((const char *const[]){"testbed", "up", "2", "--delay-ms", "x", NULL},
              "twice testbed: \"--delay-ms\": expected a delay in milliseconds from 0 to 10000, "
              "got \"x\"\n");
    bad_flags((const char *const[]){"testbed", "up", "2", "--rate", NULL},
              "twice testbed: \"--rate\" needs a value\n");
    bad_flags((const char *const[]){"testbed", "up", "2", NULL},
              "twice testbed: up: --inventory FILE is required: where the bed's inventory "
              "goes\n");
    bad_flags((const char *const[]){"testbed", "up", "--inventory", "/tmp/x", NULL},
              "twice testbed: up: name the number of server hosts\n");
    bad_flags((const char *const[]){"testbed", "up", "1", "2", NULL},
              "twice testbed: unexpected argument \"2\"\n");
    bad_flags((const char *const[]){"testbed", "down", "now", NULL},
              "twice testbed: down takes no arguments, got \"now\"\n");
    char existing[] = "/tmp/twice-testbed-test-XXXXXX";
    int fd = mkstemp(existing);
    cr_assert_geq(fd, 0);
    close(fd);
    char message[128];
    snprintf(message, sizeof(message),
             "twice testbed up: --inventory %s: the file exists; the bed writes a new one\n",
             existing);
    bad_flags((const char *const[]){"testbed", "up", "1", "--inventory", existing, NULL}, message);
    unlink(existing);
    cr_assert_eq(leftovers(what, sizeof(what)), 0, "%s", what);
}
