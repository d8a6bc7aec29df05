/*
 * test_load_remote.c - wrk on another host, without a network. The ssh
 * runner's remote command is run on this machine for real (a "local" host
 * runs the same words, with no ssh in between) against a stand-in wrk on
 * PATH: the script arrives in a file of its own with every byte, wrk gets
 * its environment and the file's path, the file is gone afterwards, the CPU
 * report is read and cut off stderr, and closing the lifeline stops wrk and
 * removes the file. The CPU report's parser on what shells print and on
 * what they must not be taken for; the check that a client host has wrk;
 * and an ssh client host that cannot be reached, named before the run.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "load.h"
#include "load_remote.h"
#include "load_runner.h"
#include "load_wrk.h"
#include "proc.h"
#include "scratch_dir.h"

static void init(void)
{
    scratch_make();
}

static void fini(void)
{
    scratch_remove();
}

TestSuite(load_remote, .init = init, .fini = fini, .timeout = 60);

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

/* The script a run ships: quotes, '$', backquotes and a line without its newline. */
static const char script[] = "-- it's \"$HOME\" and `date`; a \\ backslash\n"
                             "function done() end\n"
                             "-- the last line";

/*
 * A stand-in wrk first on PATH (body: its sh script after the common lines, which print what
 * it got: its words, TWICE_ROUTE, and the script file's text), TWICE_LUA naming the script and
 * TMPDIR a folder of the scratch dir's, where the file must go and whence it must go.
 */
static void stand_in_wrk(const char *body)
{
    char path[256], text[2048];
    snprintf(path, sizeof(path), "%s/bin", scratch_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/bin/wrk", scratch_dir);
    snprintf(text, sizeof(text),
             "#!/bin/sh\n"
             "echo \"$$\" >\"%s/wrk.pid\"\n"
             "for word; do printf 'word:%%s\\n' \"$word\"; done\n"
             "printf 'route:%%s\\n' \"$TWICE_ROUTE\"\n"
             "while [ \"$#\" -gt 1 ] && [ \"$1\" != -s ]; do shift; done\n"
             "printf 'script:'; cat \"$2\"; printf '\\n'\n"
             "%s",
             scratch_dir, body);
    write_file(path, text, 0755);
    snprintf(path, sizeof(path), "%s/bin:/usr/bin:/bin", scratch_dir);
    setenv("PATH", path, 1);
    snprintf(path, sizeof(path), "%s/script.lua", scratch_dir);
    write_file(path, script, 0644);
    setenv("TWICE_LUA", path, 1);
    snprintf(path, sizeof(path), "%s/tmp", scratch_dir);
    mkdir(path, 0755);
    setenv("TMPDIR", path, 1);
}

/* How many files are in the scratch TMPDIR. */
static int files_in_tmp(void)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/tmp", scratch_dir);
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static const inventory_host here = {.destination = "local", .local = 1};
static const inventory no_settings = {.path = "i.json"};

/* A "local" host opened with the ssh runner: the remote command, run here. */
static load_host open_ssh_runner(void)
{
    load_host h = {.host = &here, .runner = &load_runner_ssh, .lifeline = -1, .stderr_fd = -1};
    char err[1024];
    cr_assert_eq(load_runner_ssh.open(&h, &no_settings, err, sizeof(err)), 0, "%s", err);
    return h;
}

/* The command of a client of 2 connections on 1 thread to two servers, into cmd (its argv
 * points into it). */
static void command(load_command *cmd)
{
    static const int ports[] = {8001, 8002};
    static const char *const addresses[] = {"198.18.0.10", "198.18.0.11"};
    load_spec spec = {.route = "/plain text?q='x'",
                      .addresses = addresses,
                      .ports = ports,
                      .nports = 2,
                      .connections = 2,
                      .threads = 1,
                      .duration_s = 1};
    char err[256];
    cr_assert_eq(load_command_build(&spec, 2, 1, 0, cmd, err, sizeof(err)), 0, "%s", err);
}

Test(load_remote, the_remote_command_ships_the_script_runs_wrk_and_reports_its_cpu)
{
    /* About a tenth of a second of CPU, and a last stderr line without its newline. */
    stand_in_wrk("i=0\n"
                 "while [ $i -lt 100000 ]; do i=$((i + 1)); done\n"
                 "printf 'wrk warns' >&2\n");
    load_host h = open_ssh_runner();
    load_command cmd;
    command(&cmd);
    char err[1024], note[300] = "";
    int out = proc_output_fd("out", err, sizeof(err)), errfd = proc_output_fd("err", err, 1024);
    pid_t pid = load_runner_ssh.start(&h, &cmd, out, errfd, err, sizeof(err));
    cr_assert_gt(pid, 0, "%s", err);
    int status = 0;
    double cpu_s = -2;
    cr_assert_eq(load_runner_ssh.wait(&h, pid, 30000, &status, &cpu_s, note, sizeof(note)), 1);
    char *said = proc_output(out, 0, NULL), *warned = proc_output(errfd, 0, NULL);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d: %s", status, warned);
    /* wrk's stderr, and nothing of the wrapper's. */
    cr_assert_str_eq(warned, "wrk warns");
    cr_assert_geq(cpu_s, 0.02, "the busy loop's CPU is wrk's: %g (%s)", cpu_s, note);
    cr_assert_lt(cpu_s, 30);
    /* wrk's words as load_wrk.c made them, the script's path replaced by a file of TMPDIR's. */
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "word:-t\nword:1\nword:-c\nword:2\nword:-d\nword:1s\nword:--timeout\nword:10s\n"
             "word:-s\nword:%s/tmp/twice-wrk-",
             scratch_dir);
    cr_assert(strncmp(said, expected, strlen(expected)) == 0, "%s", said);
    cr_assert(strstr(said, "\nword:http://198.18.0.10:8001/\nroute:/plain text?q='x'\n") != NULL,
              "%s", said);
    snprintf(expected, sizeof(expected), "script:%s\n", script);
    cr_assert(strstr(said, expected) != NULL, "the script arrived whole: %s", said);
    cr_assert_eq(files_in_tmp(), 0, "the script's file is removed when wrk ends");
    free(said);
    free(warned);
    close(out);
    close(errfd);
    load_command_free(&cmd);
    load_runner_ssh.close(&h);
}

Test(load_remote, closing_the_lifeline_stops_wrk_and_removes_the_script)
{
    stand_in_wrk("exec sleep 60\n");
    load_host h = open_ssh_runner();
    load_command cmd;
    command(&cmd);
    char err[1024];
    pid_t pid = load_runner_ssh.start(&h, &cmd, -1, -1, err, sizeof(err));
    cr_assert_gt(pid, 0, "%s", err);
    /* Once wrk runs (it wrote its pid), the step is cut short. */
    char pid_path[256];
    snprintf(pid_path, sizeof(pid_path), "%s/wrk.pid", scratch_dir);
    pid_t wrk = 0;
    for (int waited = 0; waited < 10000 && wrk <= 0; waited += 50) {
        FILE *f = fopen(pid_path, "r");
        if (f != NULL && fscanf(f, "%d", &wrk) != 1)
            wrk = 0;
        if (f != NULL)
            fclose(f);
        sleep_ms(50);
    }
    cr_assert_gt(wrk, 0, "the stand-in wrk did not start");
    cr_assert_eq(files_in_tmp(), 1, "the script is in its file while wrk runs");
    load_runner_ssh.stop(&h, pid);
    cr_assert_eq(wait_gone(wrk, 5000), 0, "wrk outlived its lifeline");
    cr_assert_eq(files_in_tmp(), 0, "the script's file outlived wrk");
    cr_assert_eq(h.lifeline, -1);
    load_command_free(&cmd);
    load_runner_ssh.close(&h);
}

Test(load_remote, a_client_host_without_wrk_is_named_with_the_package)
{
    /* A PATH with a shell and no wrk. */
    char bin[256], sh[300];
    snprintf(bin, sizeof(bin), "%s/bin", scratch_dir);
    mkdir(bin, 0755);
    snprintf(sh, sizeof(sh), "%s/sh", bin);
    cr_assert_eq(symlink("/bin/sh", sh), 0);
    setenv("PATH", bin, 1);
    load_host h = {.host = &here, .runner = &load_runner_ssh, .lifeline = -1, .stderr_fd = -1};
    char err[1024];
    cr_assert_eq(load_runner_ssh.open(&h, &no_settings, err, sizeof(err)), -1);
    const char *expected = "host local: has no wrk (the load generator: apt-get install wrk): "
                           "`command -v wrk` exited with status ";
    cr_assert(strncmp(err, expected, strlen(expected)) == 0, "%s", err);
    load_runner_ssh.close(&h);
}

Test(load_remote, an_unreachable_client_host_is_named_before_the_run)
{
    inventory inv;
    char err[2048];
    const char *text = "{\"servers\": [\"local\"], \"clients\": [\"local\", \"root@127.0.0.1:1\"], "
                       "\"ssh\": {\"known_hosts\": \"accept-new\"}}";
    cr_assert_eq(inventory_parse(&inv, "i.json", text, strlen(text), err, sizeof(err)), 0, "%s",
                 err);
    load_host *hosts = (load_host *)1;
    size_t n = 9;
    cr_assert_eq(load_hosts_open(&hosts, &n, &inv, err, sizeof(err)), -1);
    cr_assert_null(hosts);
    cr_assert_eq(n, 0);
    const char *expected = "client 2 of 2: host root@127.0.0.1:1: ssh cannot reach it (ssh exited "
                           "with status 255): ssh: connect to host 127.0.0.1 port 1: Connection "
                           "refused";
    cr_assert(strncmp(err, expected, strlen(expected)) == 0, "%s", err);
    /* Without an inventory: this machine, with the local runner. */
    cr_assert_eq(load_hosts_open(&hosts, &n, NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(n, 1);
    cr_assert_eq(hosts[0].runner, &load_runner_local);
    cr_assert_str_eq(hosts[0].host->destination, "local");
    load_hosts_close(hosts, n);
    inventory_free(&inv);
}

/* load_remote_cpu on text: cpu_s and where the report starts, or -1. */
static int cpu_of(const char *text, size_t len, double *cpu_s, size_t *at)
{
    char why[256];
    *cpu_s = -2;
    int rc = load_remote_cpu(text, len, cpu_s, at, why, sizeof(why));
    if (rc != 0)
        cr_assert(strstr(why, LOAD_REMOTE_CPU_MARK) != NULL, "why names the mark: %s", why);
    return rc;
}

Test(load_remote, the_cpu_report_of_each_shell_is_read_and_its_place_found)
{
    static const struct {
        const char *text;
        double cpu_s;
        size_t at;
    } cases[] = {
        /* dash (%f's six decimals), bash and busybox ash, a comma for a point (a locale). */
        {"twice-wrk-cpu:\n0m0.004000s 0m0.000000s\n0m1.250000s 0m0.500000s\n", 1.75, 0},
        {"Running 1s test\ntwice-wrk-cpu:\n0m0.003s 0m0.001s\n0m2.010s 0m0.990s\n", 3.0, 16},
        {"twice-wrk-cpu:\n0m0,00s 0m0,00s\n1m2,5s 0m0,5s\n", 63.0, 0},
        /* Minutes past the hour, no newline at the end, whole seconds, tabs. */
        {"twice-wrk-cpu:\n0m0.0s 0m0.0s\n125m0.5s\t0m30s", 7530.5, 0},
        /* wrk's stderr without its newline: the mark on its line; the last mark is the
         * wrapper's, an earlier one (wrk's own text) is not. */
        {"oopstwice-wrk-cpu:\n0m0s 0m0s\n0m1s 0m1s\n", 2.0, 4},
        {"twice-wrk-cpu:\nwrk said this\ntwice-wrk-cpu:\n0m0s 0m0s\n0m1.5s 0m0s\n", 1.5, 29},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double cpu_s;
        size_t at = 99;
        int rc = cpu_of(cases[i].text, strlen(cases[i].text), &cpu_s, &at);
        cr_assert_eq(rc, 0, "case %zu: %s", i, cases[i].text);
        cr_assert_float_eq(cpu_s, cases[i].cpu_s, 1e-9, "case %zu", i);
        cr_assert_eq(at, cases[i].at, "case %zu", i);
    }
}

Test(load_remote, a_missing_or_garbled_cpu_report_is_no_figure)
{
    static const char *const garbled[] = {
        "",
        "wrk ended\n",
        "twice-wrk-cpu:",
        "twice-wrk-cpu:\n",
        "twice-wrk-cpu:\n0m0s 0m0s\n",                 /* the children's line missing */
        "twice-wrk-cpu:\n0m0s 0m0s\n0m1s\n",           /* one time */
        "twice-wrk-cpu:\n0m0s 0m0s\n0m1s 0m1s 0m1s\n", /* three */
        "twice-wrk-cpu:\n0m0s 0m0s\n0m75s 0m1s\n",     /* seconds past a minute */
        "twice-wrk-cpu:\n0m0s 0m0s\n1s 1s\n",          /* no minutes */
        "twice-wrk-cpu:\n0m0s 0m0s\n0m1.s 0m1s\n",     /* a point without a fraction */
        "twice-wrk-cpu:\n0m0s 0m0s\n-0m1s 0m1s\n",
        "twice-wrk-cpu:\n0m0s 0m0s\n0m1s0m1s\n",
        "twice-wrk-cpu:\n0m0s 0m0s\n0m1s 0m1s\nConnection closed\n", /* something after */
        "twice-wrk-cpu:\n0m0s 0m0s\n1234567890m0s 0m0s\n",           /* too many digits */
        "twice-wrk-cpu: 0m0s 0m0s\n0m1s 0m1s\n",
        "twice-wrk-cpu:\n0m0s 0m0s\n0m 1s 0m1s\n",
    };
    for (size_t i = 0; i < sizeof(garbled) / sizeof(garbled[0]); i++) {
        double cpu_s;
        size_t at;
        cr_assert_eq(cpu_of(garbled[i], strlen(garbled[i]), &cpu_s, &at), -1, "case %zu: %s", i,
                     garbled[i]);
        cr_assert_eq(cpu_s, -2, "case %zu: nothing set", i);
    }
    /* A NUL byte in wrk's stderr before the report does not hide it. */
    const char with_nul[] = "a\0b twice-wrk-cpu:\n0m0s 0m0s\n0m1s 0m2s\n";
    double cpu_s;
    size_t at;
    cr_assert_eq(cpu_of(with_nul, sizeof(with_nul) - 1, &cpu_s, &at), 0);
    cr_assert_float_eq(cpu_s, 3, 1e-9);
    cr_assert_eq(at, 4);
}

Test(load_remote, the_remote_words_are_the_wrapper_the_supervisor_and_wrk)
{
    setenv("TWICE_LUA", "/here/twice.lua", 1);
    load_command cmd;
    command(&cmd);
    const char *words[LOAD_REMOTE_MAX_WORDS];
    char quota[32];
    cr_assert_eq(
        load_remote_words(&cmd, "SCRIPT", words, LOAD_REMOTE_MAX_WORDS, quota, sizeof(quota)), 0);
    cr_assert_str_eq(words[0], "sh");
    cr_assert_str_eq(words[1], "-c");
    cr_assert_str_eq(words[3], "twice-wrk");
    cr_assert_str_eq(words[4], "SCRIPT");
    cr_assert_str_eq(words[5], "sh");
    cr_assert_str_eq(words[8], "twice-supervisor");
    cr_assert_str_eq(words[9], "0", "wrk runs uncapped");
    static const char *const rest[] = {"env",
                                       "TWICE_CHECK=status",
                                       "TWICE_ROUTE=/plain text?q='x'",
                                       "TWICE_SERVERS=198.18.0.10:8001,198.18.0.11:8002",
                                       "wrk",
                                       "-t",
                                       "1",
                                       "-c",
                                       "2",
                                       "-d",
                                       "1s",
                                       "--timeout",
                                       "10s",
                                       "-s",
                                       LOAD_REMOTE_SCRIPT_WORD,
                                       "http://198.18.0.10:8001/",
                                       NULL};
    for (size_t i = 0; rest[i] != NULL; i++) {
        cr_assert_not_null(words[10 + i], "word %zu", 10 + i);
        cr_assert_str_eq(words[10 + i], rest[i], "word %zu", 10 + i);
    }
    cr_assert_null(words[26]);
    /* Too little room is refused, not cut short. */
    cr_assert_eq(load_remote_words(&cmd, "SCRIPT", words, 20, quota, sizeof(quota)), -1);
    cr_assert_eq(load_remote_words(&cmd, "SCRIPT", words, 4, quota, sizeof(quota)), -1);
    load_command_free(&cmd);
}
