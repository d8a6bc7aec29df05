/*
 * test_ssh_host.c - what the ssh deployer hands to ssh and to the remote
 * shell, without a network: the argv for each role (options, their order,
 * port, identity, the three known-hosts modes, the inventory's -o options),
 * the quoting of the remote command line, checked by having a real sh split
 * it again (spaces, quotes, '$', ';', backquotes, newlines), the supervisor's
 * words and what it says of the CPU cap, the choice of deployer, and a
 * command's {host} and {port}.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command_template.h"
#include "deploy.h"
#include "inventory.h"
#include "readiness.h"
#include "shell_quote.h"
#include "ssh_host.h"
#include "supervisor.h"

static inventory inv;

static void fini(void)
{
    inventory_free(&inv);
}

TestSuite(ssh_host, .fini = fini);

static void load(const char *text)
{
    char err[1024];
    inventory_free(&inv);
    cr_assert_eq(inventory_parse(&inv, "i.json", text, strlen(text), err, sizeof(err)), 0, "%s",
                 err);
}

/* argv joined with single spaces (malloc'd). */
static char *joined(char **argv)
{
    cr_assert_not_null(argv);
    char *line = NULL;
    size_t size;
    FILE *out = open_memstream(&line, &size);
    for (size_t i = 0; argv[i] != NULL; i++)
        fprintf(out, "%s%s", i ? " " : "", argv[i]);
    fclose(out);
    ssh_argv_free(argv);
    return line;
}

static ssh_host host_of(size_t i)
{
    ssh_host h = {.inv = &inv, .host = &inv.servers[i], .master_err = -1};
    snprintf(h.control_dir, sizeof(h.control_dir), "/tmp/twice-ssh-1-abcdef");
    return h;
}

Test(ssh_host, the_argv_of_each_role)
{
    load("{\"servers\": [\"bench@10.0.0.2:2222\"], \"ssh\": {\"identity_file\": \"/k/id key\", "
         "\"known_hosts\": \"/k/known\", \"options\": [\"ConnectTimeout=3\", "
         "\"Ciphers=aes128-ctr\"]}}");
    ssh_host h = host_of(0);
    const char *common = "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/k/known "
                         "-i /k/id key -o IdentitiesOnly=yes -o ConnectTimeout=3 "
                         "-o Ciphers=aes128-ctr -o ConnectTimeout=10 -p 2222 -- bench@10.0.0.2";
    char expected[1024];
    char *line = joined(ssh_host_argv(&h, SSH_MASTER, NULL));
    snprintf(expected, sizeof(expected),
             "ssh -n -o BatchMode=yes -o ControlPath=/tmp/twice-ssh-1-abcdef/%%C -M -N -o "
             "ControlPersist=no %s",
             common);
    cr_assert_str_eq(line, expected);
    free(line);
    const char *words[] = {"twice-app", "--listen", "10.0.0.2:0", NULL};
    line = joined(ssh_host_argv(&h, SSH_COMMAND, words));
    snprintf(expected, sizeof(expected),
             "ssh -o BatchMode=yes -o ControlPath=/tmp/twice-ssh-1-abcdef/%%C -T -o "
             "ControlMaster=no %s 'twice-app' '--listen' '10.0.0.2:0'",
             common);
    cr_assert_str_eq(line, expected);
    free(line);
    line = joined(ssh_host_argv(&h, SSH_CONTROL_EXIT, NULL));
    snprintf(expected, sizeof(expected),
             "ssh -n -o BatchMode=yes -o ControlPath=/tmp/twice-ssh-1-abcdef/%%C -O exit %s",
             common);
    cr_assert_str_eq(line, expected);
    free(line);
}

Test(ssh_host, the_remote_command_is_one_argument_after_the_destination)
{
    load("{\"servers\": [\"root@h\"]}");
    ssh_host h = host_of(0);
    const char *words[] = {"echo", "a b", NULL};
    char **argv = ssh_host_argv(&h, SSH_COMMAND, words);
    size_t n = 0;
    while (argv[n] != NULL)
        n++;
    cr_assert_str_eq(argv[n - 3], "--");
    cr_assert_str_eq(argv[n - 2], "root@h");
    cr_assert_str_eq(argv[n - 1], "'echo' 'a b'");
    ssh_argv_free(argv);
}

Test(ssh_host, known_hosts_modes_and_defaults)
{
    /* strict: ssh's own known_hosts files, no key learned; no port: ssh's default. */
    load("{\"servers\": [\"root@h\"]}");
    ssh_host h = host_of(0);
    char *line = joined(ssh_host_argv(&h, SSH_MASTER, NULL));
    cr_assert(strstr(line, "-o StrictHostKeyChecking=yes -o ConnectTimeout=10 -- root@h") != NULL,
              "%s", line);
    cr_assert(strstr(line, "UserKnownHostsFile") == NULL && strstr(line, " -i ") == NULL &&
                  strstr(line, " -p ") == NULL,
              "%s", line);
    free(line);
    load("{\"servers\": [\"root@h\"], \"ssh\": {\"known_hosts\": \"accept-new\"}}");
    h = host_of(0);
    line = joined(ssh_host_argv(&h, SSH_MASTER, NULL));
    cr_assert(strstr(line, "-o StrictHostKeyChecking=accept-new -o ConnectTimeout=10") != NULL,
              "%s", line);
    cr_assert(strstr(line, "UserKnownHostsFile") == NULL, "%s", line);
    free(line);
    load("{\"servers\": [\"root@[fd00::1]:22\"], \"ssh\": {\"known_hosts\": \"./kh\"}}");
    h = host_of(0);
    line = joined(ssh_host_argv(&h, SSH_MASTER, NULL));
    cr_assert(strstr(line, "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=./kh") != NULL, "%s",
              line);
    cr_assert(strstr(line, "-p 22 -- root@fd00::1") != NULL, "%s", line);
    free(line);
}

/* What sh makes of line: each word it splits it into, on a line of its own. */
static char *split_by_sh(const char *line)
{
    char script[8192];
    snprintf(script, sizeof(script), "for w in %s; do printf '<%%s>\\n' \"$w\"; done", line);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char *out = calloc(1, 8192);
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], out + len, 8191 - len)) > 0)
        len += (size_t)got;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return out;
}

Test(ssh_host, every_word_reaches_the_remote_shell_as_it_left)
{
    const char *words[] = {"plain", "two words", "it's",      "\"double\"",  "$HOME",
                           "a;b",   "`id`",      "$(id)",     "back\\slash", "*",
                           "",      "'",         "new\nline", "&& rm -rf x", NULL};
    char *line = shell_quote_words(words);
    cr_assert_not_null(line);
    char *one = shell_quote_words((const char *[]){"it's", NULL});
    cr_assert_str_eq(one, "'it'\\''s'");
    free(one);
    char *split = split_by_sh(line);
    char expected[1024] = "";
    for (size_t i = 0; words[i] != NULL; i++)
        snprintf(expected + strlen(expected), sizeof(expected) - strlen(expected), "<%s>\n",
                 words[i]);
    cr_assert_str_eq(split, expected, "line: %s", line);
    free(split);
    free(line);
}

Test(ssh_host, the_supervisor_words_come_before_the_command)
{
    const char *words[16], *command[] = {"twice-app", "--listen", "0.0.0.0:0", NULL};
    char quota[32];
    cr_assert_eq(supervisor_words(words, 16, 0.25, quota, sizeof(quota), command), 0);
    cr_assert_str_eq(words[0], "sh");
    cr_assert_str_eq(words[1], "-c");
    cr_assert(strstr(words[2], "setsid") != NULL);
    cr_assert_str_eq(words[3], "twice-supervisor");
    cr_assert_str_eq(words[4], "2500 10000", "0.25 cores of a 10 ms period, as cpu.max has it");
    cr_assert_str_eq(words[5], "twice-app");
    cr_assert_str_eq(words[7], "0.0.0.0:0");
    cr_assert_null(words[8]);
    cr_assert_eq(supervisor_words(words, 16, 0, quota, sizeof(quota), command), 0);
    cr_assert_str_eq(words[4], "0", "no cap");
    cr_assert_eq(supervisor_words(words, 16, 0.05, quota, sizeof(quota), command), 0);
    cr_assert_str_eq(words[4], "1000 20000", "a longer period where 10 ms holds less than 1 ms");
    cr_assert_eq(supervisor_words(words, 16, 0.0001, quota, sizeof(quota), command), 0);
    cr_assert_str_eq(words[4], "1000 1000000", "the kernel's least quota in its longest period");
    cr_assert_eq(supervisor_words(words, 8, 0, quota, sizeof(quota), command), -1,
                 "no room for the NULL");
}

Test(ssh_host, what_the_supervisor_says_of_the_cap)
{
    char why[160] = "";
    cr_assert_eq(supervisor_cap_note("x\ntwice-supervisor: CPU cap applied: /sys/fs/cgroup/a\n",
                                     why, sizeof(why)),
                 1);
    cr_assert_eq(supervisor_cap_note("twice-supervisor: CPU cap not applied: no cgroup here\n"
                                     "later output\n",
                                     why, sizeof(why)),
                 0);
    cr_assert_str_eq(why, "no cgroup here");
    cr_assert_eq(supervisor_cap_note("twice-app listening on 1.2.3.4:5\n", why, sizeof(why)), -1);
}

Test(ssh_host, what_the_supervisor_says_of_the_servers_pid_and_cgroup)
{
    char dir[64] = "";
    const char *said = "twice-supervisor: CPU cap applied: /sys/fs/cgroup/cpu/s0/twice-server-7\n"
                       "twice-supervisor: server 4242\n";
    cr_assert_eq(supervisor_server_pid(said), 4242);
    cr_assert_eq(supervisor_cap_group(said, dir, sizeof(dir)), 1);
    cr_assert_str_eq(dir, "/sys/fs/cgroup/cpu/s0/twice-server-7");
    cr_assert_eq(supervisor_cap_group(said, dir, 16), 0, "a path that does not fit is none");
    cr_assert_eq(
        supervisor_cap_group("twice-supervisor: CPU cap not applied: no\n", dir, sizeof(dir)), 0);
    cr_assert_eq(
        supervisor_cap_group("twice-supervisor: CPU cap applied: relative\n", dir, sizeof(dir)), 0);
    cr_assert_eq(supervisor_server_pid("twice-supervisor: server 42"), 0, "not a whole line yet");
    cr_assert_eq(supervisor_server_pid("twice-supervisor: server -1\n"), 0);
    cr_assert_eq(supervisor_server_pid("twice-supervisor: server 1234567890\n"), 0);
    cr_assert_eq(supervisor_server_pid("twice-supervisor: server 12 13\n"), 0);
    cr_assert_eq(supervisor_server_pid("twice-app listening on 1.2.3.4:5\n"), 0);
}

Test(ssh_host, the_deployer_follows_the_inventory)
{
    char err[512] = "";
    cr_assert_eq(deployer_for(NULL, err, sizeof(err)), &deployer_local);
    load("{\"servers\": [\"local\", \"local\"]}");
    cr_assert_eq(deployer_for(&inv, err, sizeof(err)), &deployer_local);
    load("{\"servers\": [\"root@a\", \"root@b\"]}");
    cr_assert_eq(deployer_for(&inv, err, sizeof(err)), &deployer_ssh);
    load("{\"servers\": [\"root@a\", \"local\"]}");
    cr_assert_null(deployer_for(&inv, err, sizeof(err)));
    cr_assert_str_eq(err, "i.json: \"servers\" mixes \"local\" with ssh destinations; list "
                          "either only ssh destinations or only \"local\"");
}

Test(ssh_host, a_command_gets_its_host_and_port)
{
    char *line = command_template_expand("serve --bind {host}:{port} --name {hostname} {port}",
                                         "198.18.0.10", 20001, NULL);
    cr_assert_str_eq(line, "serve --bind 198.18.0.10:20001 --name {hostname} 20001");
    free(line);
}

/* {db} is one shell word whatever the conninfo holds, and '' without a database. */
Test(ssh_host, a_command_gets_its_database_as_one_word)
{
    char *line = command_template_expand("serve --db {db} {port}", "127.0.0.1", 8000,
                                         "host=/tmp/a b port=5 password='x;y'");
    cr_assert_str_eq(line, "serve --db 'host=/tmp/a b port=5 password='\\''x;y'\\''' 8000");
    free(line);
    line = command_template_expand("serve --db {db}", "127.0.0.1", 8000, NULL);
    cr_assert_str_eq(line, "serve --db ''");
    free(line);
}

Test(ssh_host, the_announced_port_from_any_address)
{
    int fd = memfd_create("announce", 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(readiness_announced_port(fd), 0, "nothing said yet");
    const char *line = "twice-app listening on 198.18.0.10:41234 model=process workers=1\n";
    cr_assert_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
    cr_assert_eq(readiness_announced_port(fd), 41234);
    close(fd);
    fd = memfd_create("announce", 0);
    line = "twice-app listening on [fd00::1]:8080 model=thread\n";
    cr_assert_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
    cr_assert_eq(readiness_announced_port(fd), 8080);
    close(fd);
}

/* The supervisor's whole note lines lead what it passes on; the command's own stderr follows. */
Test(ssh_host, the_supervisors_notes_are_told_from_the_commands_stderr)
{
    const char *said = "twice-supervisor: CPU cap not applied: no cgroup\n"
                       "twice-supervisor: server 4242\nwrk warns\ntwice-supervisor: later\n";
    cr_assert_str_eq(said + supervisor_notes_length(said), "wrk warns\ntwice-supervisor: later\n");
    cr_assert_eq(supervisor_notes_length("wrk warns\n"), 0);
    cr_assert_eq(supervisor_notes_length(""), 0);
    cr_assert_eq(supervisor_notes_length("twice-supervisor: server 42"), 0,
                 "a line still being written is not a whole note");
}
