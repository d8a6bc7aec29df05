/*
 * test_ssh_load.c - wrk on the test bed's client hosts, for real: OpenSSH
 * to each client namespace's sshd, the script shipped in the command, wrk
 * under the supervisor there. A run with two remote clients merges them
 * exactly (the requests add up, the merged p99 lies between the clients'),
 * with each client's figures and its wrk CPU, measured on its host, in the
 * report; and nothing is left on any host - no process in any namespace, no
 * script in /tmp - after SIGKILL of twice mid-load, after SIGTERM, and after
 * a client's ssh connection drops.
 *
 * The bed (bed_fixture.h, shared with test_ssh_deploy.c) needs root;
 * without it every test is skipped, saying so. Traffic goes only to the
 * bed's own 198.18 hosts.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "ssh_bed.h"

/* Both client hosts, as an inventory's extra key. */
#define BOTH_CLIENTS ", \"clients\": [\"root@" CLIENT0 ":22\", \"root@" CLIENT1 ":22\"]"

TestSuite(ssh_load, .init = bed_init, .fini = bed_fini, .timeout = 150);

/* The number of processes named comm on the hosts whose namespaces end with suffix. */
static int running_on(const char *suffix, const char *comm)
{
    char what[4096], name[64];
    int n = 0;
    snprintf(name, sizeof(name), "(%s)", comm);
    if (bed_strays_on(suffix, what, sizeof(what)) == 0)
        return 0;
    for (const char *p = what; (p = strstr(p, name)) != NULL; p++)
        n++;
    return n;
}

/* Polls until wrk has been seen running on each client host and a script of theirs in /tmp
 * (a loaded machine may show them on different polls); fails with what it saw, or with
 * twice's stderr (err_fd) when twice ends first. */
static void wait_wrk_on_both_clients(pid_t twice, int err_fd, int timeout_ms)
{
    char files[1024] = "";
    int seen[2] = {0, 0}, scripts = 0;
    for (int waited = 0; waited < timeout_ms; waited += 100) {
        int status;
        seen[0] |= running_on("-c0", "wrk") > 0;
        seen[1] |= running_on("-c1", "wrk") > 0;
        scripts |= remote_script_files(files, sizeof(files)) > 0;
        if (seen[0] && seen[1] && scripts)
            return;
        if (waitpid(twice, &status, WNOHANG) == twice) {
            running_twice = -1;
            char *err = read_all(err_fd);
            cr_assert_fail("twice ended (status %d) before wrk ran on both clients (seen: %d %d, "
                           "scripts: %d): %s",
                           status, seen[0], seen[1], scripts, err);
        }
        sleep_ms(100);
    }
    cr_assert_fail("wrk was not seen on both client hosts with a script in /tmp (seen: %d %d, "
                   "scripts: %d)",
                   seen[0], seen[1], scripts);
}

Test(ssh_load, two_remote_clients_are_merged_exactly)
{
    int err_fd, status;
    pid_t pid = start_run_with("[2]", 2, BOTH_CLIENTS, &err_fd);
    cr_assert_eq(wait_exit(pid, 90000, &status), 0);
    running_twice = -1;
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, err);
    cr_assert(strstr(err, "CPU time") == NULL, "each wrk's CPU was reported: %s", err);
    free(err);
    close(err_fd);
    assert_nothing_left(5000, "a normal end");
    json_t *doc = load_report();
    json_t *step = json_array_get(
        json_object_get(json_array_get(json_object_get(doc, "models"), 0), "steps"), 0);
    json_t *run = json_array_get(json_object_get(step, "runs"), 0);
    json_t *clients = json_object_get(run, "clients");
    cr_assert_eq(json_array_size(clients), 2);
    static const char *const hosts[] = {"root@" CLIENT0 ":22", "root@" CLIENT1 ":22"};
    double requests = 0, p99_low = INFINITY, p99_high = 0;
    for (size_t j = 0; j < 2; j++) {
        json_t *client = json_array_get(clients, j);
        cr_assert_str_eq(json_string_value(json_object_get(client, "host")), hosts[j]);
        double r = json_number_value(json_object_get(client, "requests"));
        cr_assert_gt(r, 0, "client %zu served nothing", j + 1);
        requests += r;
        double p99 =
            json_number_value(json_object_get(json_object_get(client, "latency_ms"), "p99"));
        p99_low = fmin(p99_low, p99);
        p99_high = fmax(p99_high, p99);
        /* Measured on its host: a number, and wrk did work. */
        json_t *cpu = json_object_get(client, "wrk_cpu");
        cr_assert(json_is_number(cpu), "client %zu: wrk_cpu %s", j + 1,
                  json_is_null(cpu) ? "null" : "missing");
        cr_assert_gt(json_number_value(cpu), 0, "client %zu", j + 1);
        cr_assert_lt(json_number_value(cpu), 4, "client %zu", j + 1);
        cr_assert_null(json_object_get(client, "wrk_cpu_note"));
    }
    cr_assert_eq(json_number_value(json_object_get(run, "requests")), requests,
                 "the run's requests are the clients' sum");
    double merged = json_number_value(json_object_get(json_object_get(run, "latency_us"), "p99"));
    cr_assert(merged / 1000 >= p99_low * (1 - 1e-9) && merged / 1000 <= p99_high * (1 + 1e-9),
              "merged p99 %g ms outside the clients' [%g, %g]", merged / 1000, p99_low, p99_high);
    cr_assert_eq(json_number_value(json_object_get(run, "failed_checks")), 0);
    json_decref(doc);
}

/* twice is stopped with sig while wrk runs on both client hosts; nothing may be left. */
static void stop_twice_mid_load(int sig, const char *after)
{
    int err_fd, status;
    pid_t pid = start_run_with("[2]", BED_MID_RUN_S, BOTH_CLIENTS, &err_fd);
    wait_wrk_on_both_clients(pid, err_fd, 60000);
    kill(pid, sig);
    cr_assert_eq(wait_exit(pid, 20000, &status), 0, "twice did not stop after %s", after);
    running_twice = -1;
    if (sig != SIGKILL) {
        char *err = read_all(err_fd);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
        cr_assert(strstr(err, "twice: interrupted") != NULL, "%s", err);
        free(err);
    }
    assert_nothing_left(10000, after);
    close(err_fd);
}

Test(ssh_load, nothing_is_left_on_the_clients_after_sigkill_mid_load)
{
    stop_twice_mid_load(SIGKILL, "SIGKILL to twice mid-load");
}

Test(ssh_load, nothing_is_left_on_the_clients_after_sigterm_mid_load)
{
    stop_twice_mid_load(SIGTERM, "SIGTERM to twice mid-load");
}

Test(ssh_load, nothing_is_left_when_a_clients_ssh_connection_drops)
{
    int err_fd, status;
    pid_t pid = start_run_with("[2]", BED_MID_RUN_S, BOTH_CLIENTS, &err_fd);
    wait_wrk_on_both_clients(pid, err_fd, 60000);
    pid_t master;
    cr_assert_eq(bed_ssh_masters_of(pid, "root@" CLIENT0, &master, 1), 1,
                 "one master connection to the first client host");
    kill(master, SIGKILL);
    /* The host's sshd closes the channel: the supervisor stops wrk there at once; twice sees
     * that client fail, stops the other one and the servers, and says which. */
    assert_nothing_left_on("-c0", 10000, "the first client's ssh connection dropped");
    cr_assert_eq(wait_exit(pid, 60000, &status), 0);
    running_twice = -1;
    assert_nothing_left(10000, "twice stopped");
    char *err = read_all(err_fd);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, err);
    cr_assert(strstr(err, "client 1 of 2 (root@" CLIENT0 ":22): wrk's ssh connection failed or "
                          "was lost (ssh exited with status 255)") != NULL,
              "%s", err);
    free(err);
    close(err_fd);
}
