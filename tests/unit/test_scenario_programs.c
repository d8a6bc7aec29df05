/*
 * test_scenario_programs.c - a missing program is found before anything
 * runs: on a $PATH made for the test (a folder of small scripts), each
 * command target's program is looked up as the shell would, its message
 * names the file position and the Debian package, and gunicorn's gevent
 * worker class is checked against the Python gunicorn runs on.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scenario.h"
#include "scenario_programs.h"

static char dir[] = "/tmp/twice-programs-XXXXXX", bin[64], *saved_path;

/* An executable script at dir/name that runs body. */
static void script(const char *folder, const char *name, const char *body, mode_t mode)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", folder, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(body, f);
    fclose(f);
    cr_assert_eq(chmod(path, mode), 0);
}

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(bin, sizeof(bin), "%s/bin", dir);
    cr_assert_eq(mkdir(bin, 0700), 0);
    char shebang[160];
    script(bin, "wrk", "#!/bin/sh\n", 0700);
    script(bin, "badpython", "#!/bin/sh\nexit 1\n", 0700);
    script(bin, "goodpython", "#!/bin/sh\nexit 0\n", 0700);
    snprintf(shebang, sizeof(shebang), "#!%s/badpython\n", bin);
    script(bin, "gunicorn", shebang, 0700);
    script(bin, "gunicorn3", "#!/usr/bin/env goodpython\n", 0700);
    script(dir, "serve", "#!/bin/sh\n", 0600);
    saved_path = strdup(getenv("PATH"));
    setenv("PATH", bin, 1);
}

static void teardown(void)
{
    setenv("PATH", saved_path, 1);
    free(saved_path);
    const char *files[] = {"bin/wrk",      "bin/badpython", "bin/goodpython",
                           "bin/gunicorn", "bin/gunicorn3", "serve",
                           "bin"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
}

TestSuite(scenario_programs, .init = setup, .fini = teardown);

/* A scenario of twice-app and one command target, at 3:18 of p.json. */
static scenario one_command(const char *command)
{
    scenario sc = {.path = "p.json", .ntargets = 2};
    sc.targets[0] = (scenario_target){.label = "app", .kind = SCENARIO_TARGET_APP};
    sc.targets[1] = (scenario_target){.label = "t",
                                      .where = "targets[1]",
                                      .kind = SCENARIO_TARGET_COMMAND,
                                      .command = (char *)command,
                                      .cwd_path = dir,
                                      .command_line = 3,
                                      .command_column = 18};
    return sc;
}

/* The result of checking a scenario of one command target whose servers run here. */
static int check(const char *command, char *err, size_t errlen)
{
    scenario sc = one_command(command);
    return scenario_check_programs(&sc, 1, 1, err, errlen);
}

/* Servers on other hosts: their programs are checked there (the deployer does, before the
 * run), not on this machine, which may well lack them. */
Test(scenario_programs, the_programs_of_servers_elsewhere_are_not_looked_for_here)
{
    char err[512] = "";
    scenario sc = one_command("mysrv --port {port}");
    cr_assert_eq(scenario_check_programs(&sc, 0, 1, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(scenario_check_programs(&sc, 1, 1, err, sizeof(err)), -1);
}

/* Load from other hosts only: wrk is looked for on them when the run opens them, not here. */
Test(scenario_programs, wrk_is_looked_for_here_only_when_a_client_runs_here)
{
    char err[512] = "", path[128];
    snprintf(path, sizeof(path), "%s/bin/wrk", dir);
    cr_assert_eq(unlink(path), 0);
    scenario sc = {.path = "p.json"};
    cr_assert_eq(scenario_check_programs(&sc, 1, 0, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(scenario_check_programs(&sc, 1, 1, err, sizeof(err)), -1);
    cr_assert(strstr(err, "p.json: \"wrk\" is not installed (apt-get install wrk)") != NULL, "%s",
              err);
}

Test(scenario_programs, what_is_missing_is_named_with_its_package)
{
    struct {
        const char *command, *message;
    } missing[] = {
        {"nginx -c x.conf -g 'listen {port};'",
         "p.json:3:18: targets[1].command: \"nginx\" is not installed (apt-get install "
         "nginx-light)"},
        {"A=1 exec haproxy -f {port}", "\"haproxy\" is not installed (apt-get install haproxy)"},
        {"flask run --port {port}", "\"flask\" is not installed (apt-get install python3-flask)"},
        {"python3 -m http.server {port}", "\"python3\" is not installed (apt-get install python3)"},
        {"mysrv --port {port}", "\"mysrv\" is not installed: no such program on $PATH"},
        {"./serve {port}", "p.json:3:18: targets[1].command: \"./serve\" is not an executable "
                           "file"},
        {"gunicorn -k gevent -b {host}:{port} app:app",
         "targets[1].command: gunicorn's gevent worker class needs gevent, which "},
        {"gunicorn --worker-class=gevent {port}", "(apt-get install python3-gevent)"},
    };
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        char err[512] = "";
        cr_assert_eq(check(missing[i].command, err, sizeof(err)), -1, "%s", missing[i].command);
        cr_assert(strstr(err, missing[i].message) != NULL, "%s: got \"%s\"", missing[i].command,
                  err);
    }
    char err[512];
    cr_assert_eq(check("gunicorn -kgevent {port}", err, sizeof(err)), -1);
    cr_assert(strstr(err, bin) != NULL && strstr(err, "/badpython cannot import") != NULL,
              "the Python of gunicorn's #! line is named: %s", err);
}

Test(scenario_programs, what_is_there_passes)
{
    const char *present[] = {
        "gunicorn -k sync -b {host}:{port} app:app", /* no gevent needed */
        "gunicorn3 -k gevent {port}",                /* #!/usr/bin/env goodpython: it imports */
        "PYTHONPATH=. gunicorn --reuse-port {port}",
        "cd sub && anything {port}", /* the shell runs cd: not second-guessed */
        "$HOME/bin/server {port}",   /* the shell expands it: not second-guessed */
        "'quoted name' {port}",
    };
    for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
        char err[512] = "";
        cr_assert_eq(check(present[i], err, sizeof(err)), 0, "%s: %s", present[i], err);
    }
    char path[128], err[512] = "";
    snprintf(path, sizeof(path), "%s/serve", dir);
    cr_assert_eq(chmod(path, 0700), 0);
    cr_assert_eq(check("./serve {port}", err, sizeof(err)), 0, "relative to its folder: %s", err);
}

Test(scenario_programs, wrk_itself_is_checked)
{
    char path[128], err[512] = "";
    snprintf(path, sizeof(path), "%s/wrk", bin);
    cr_assert_eq(remove(path), 0);
    cr_assert_eq(check("gunicorn {port}", err, sizeof(err)), -1);
    cr_assert_str_eq(err,
                     "p.json: \"wrk\" is not installed (apt-get install wrk); twice drives the "
                     "load with it");
}
