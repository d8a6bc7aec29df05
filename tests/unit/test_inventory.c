/*
 * test_inventory.c - inventory files: a full one and its defaults, and bad
 * ones, each with the message, line and column it must produce: hosts that
 * are not ssh destinations (or would read as ssh options), ports out of
 * range, IPv6 outside brackets, unsafe ssh options, known_hosts typos, a
 * database host that is not named by its address, and a step with more
 * servers than hosts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"

static inventory inv;
static char err[1024];

static void fini(void)
{
    inventory_free(&inv);
}

TestSuite(inventory, .fini = fini);

static int parse(const char *text)
{
    err[0] = '\0';
    inventory_free(&inv); /* what an earlier parse of the test left */
    return inventory_parse(&inv, "i.json", text, strlen(text), err, sizeof(err));
}

/* The text must be refused with exactly message. */
static void refused(const char *text, const char *message)
{
    cr_assert_eq(parse(text), -1, "accepted: %s", text);
    cr_assert_str_eq(err, message);
}

Test(inventory, a_full_inventory)
{
    const char *text = "{\n"
                       "  \"servers\": [\"root@198.18.0.10:2222\",\n"
                       "              {\"host\": \"bench@[fd00::1]:22\", \"cores\": 0.5},\n"
                       "              \"local\"],\n"
                       "  \"clients\": [\"me@client-1.example\"],\n"
                       "  \"balancer\": {\"host\": \"root@lb\"},\n"
                       "  \"hosts_may_hold_several\": true,\n"
                       "  \"ssh\": {\"identity_file\": \"/k/id\", \"known_hosts\": \"./kh\",\n"
                       "          \"options\": [\"ConnectTimeout=5\", \"Ciphers=aes128-ctr\"]}\n"
                       "}\n";
    cr_assert_eq(parse(text), 0, "%s", err);
    cr_assert_eq(inv.nservers, 3);
    cr_assert_str_eq(inv.servers[0].user, "root");
    cr_assert_str_eq(inv.servers[0].host, "198.18.0.10");
    cr_assert_eq(inv.servers[0].port, 2222);
    cr_assert_eq(inv.servers[0].local, 0);
    cr_assert_str_eq(inv.servers[1].destination, "bench@[fd00::1]:22");
    cr_assert_str_eq(inv.servers[1].host, "fd00::1");
    cr_assert_eq(inv.servers[1].port, 22);
    cr_assert_float_eq(inv.servers[1].cores, 0.5, 1e-12);
    cr_assert_eq(inv.servers[2].local, 1);
    cr_assert_null(inv.servers[2].host);
    cr_assert_eq(inv.nclients, 1);
    cr_assert_str_eq(inv.clients[0].host, "client-1.example");
    cr_assert_eq(inv.clients[0].port, 0);
    cr_assert_not_null(inv.balancer);
    cr_assert_str_eq(inv.balancer->host, "lb");
    cr_assert_eq(inv.hosts_may_hold_several, 1);
    cr_assert_str_eq(inv.identity_file, "/k/id");
    cr_assert_eq(inv.known_hosts, INVENTORY_KNOWN_HOSTS_FILE);
    cr_assert_str_eq(inv.known_hosts_file, "./kh");
    cr_assert_eq(inv.nssh_options, 2);
    cr_assert_str_eq(inv.ssh_options[1], "Ciphers=aes128-ctr");
}

Test(inventory, defaults_load_from_this_machine_and_check_keys_strictly)
{
    cr_assert_eq(parse("{\"servers\": [\"root@a\"]}"), 0, "%s", err);
    cr_assert_eq(inv.nclients, 1);
    cr_assert_eq(inv.clients[0].local, 1);
    cr_assert_null(inv.balancer);
    cr_assert_null(inv.postgres);
    cr_assert_eq(inv.hosts_may_hold_several, 0);
    cr_assert_eq(inv.known_hosts, INVENTORY_KNOWN_HOSTS_STRICT);
    cr_assert_null(inv.identity_file);
    cr_assert_eq(inv.nssh_options, 0);
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"ssh\": {\"known_hosts\": \"accept-new\"}}"),
                 0, "%s", err);
    cr_assert_eq(inv.known_hosts, INVENTORY_KNOWN_HOSTS_ACCEPT_NEW);
}

Test(inventory, the_document_and_its_keys)
{
    refused("[1]", "i.json:1:1: an inventory is a JSON object, got an array");
    refused("{\"servers\": [\"root@a\"],\n \"client\": [\"local\"]}",
            "i.json:2:2: unknown key \"client\"; did you mean \"clients\"?");
    refused("{\"servers\": [{\"host\": \"root@a\", \"core\": 2}]}",
            "i.json:1:33: unknown key \"core\"; did you mean \"cores\"?");
    refused("{\"servers\": [\"root@a\"], \"ssh\": {\"zzzzzzzz\": 1}}",
            "i.json:1:33: unknown key \"zzzzzzzz\" in ssh");
    refused("{}", "i.json:1:1: \"servers\" is required: the server hosts, such as "
                  "[\"root@10.0.0.2\", \"root@10.0.0.3\"]");
    refused("{\"servers\": [\"root@a\"] \"x\"}", "i.json:1:26: '}' expected near '\"x\"'");
    refused("{\"servers\": [\"root@a\"], \"servers\": []}",
            "i.json:1:33: duplicate object key near '\"servers\"'");
}

Test(inventory, host_lists)
{
    refused("{\"servers\": []}",
            "i.json:1:13: \"servers\" must be a list of 1 to 256 hosts, got 0");
    refused("{\"servers\": \"root@a\"}",
            "i.json:1:13: \"servers\" must be a list of 1 to 256 hosts, got a string");
    refused("{\"servers\": [\"root@a\"], \"clients\": [7]}",
            "i.json:1:37: \"clients[0]\" must be \"local\", an ssh destination "
            "user@host[:port] or an object with \"host\", got an integer");
    refused("{\"servers\": [{\"cores\": 2}]}", "i.json:1:14: \"servers[0].host\" is required");
    refused("{\"servers\": [{\"host\": \"root@a\", \"cores\": 0}]}",
            "i.json:1:42: \"servers[0].cores\" must be > 0 and at most 4096, got 0");
    refused("{\"servers\": [{\"host\": \"root@a\", \"cores\": \"2\"}]}",
            "i.json:1:42: \"servers[0].cores\" must be a number, got a string");
    refused("{\"servers\": [\"root@a\"], \"balancer\": [\"root@b\"]}",
            "i.json:1:37: \"balancer\" must be \"local\", an ssh destination user@host[:port] or "
            "an object with \"host\", got an array");
    refused("{\"servers\": [\"root@a\"], \"hosts_may_hold_several\": 1}",
            "i.json:1:51: \"hosts_may_hold_several\" must be true or false, got an integer");
}

Test(inventory, the_database_host)
{
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"services\": {\"postgres\": "
                       "\"postgres@198.18.0.12:2222\"}}"),
                 0, "%s", err);
    cr_assert_not_null(inv.postgres);
    cr_assert_eq(inv.postgres->local, 0);
    cr_assert_str_eq(inv.postgres->user, "postgres");
    cr_assert_str_eq(inv.postgres->host, "198.18.0.12");
    cr_assert_eq(inv.postgres->port, 2222);
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"services\": {\"postgres\": {\"host\": "
                       "\"root@[fd00::4]\", \"cores\": 2}}}"),
                 0, "%s", err);
    cr_assert_str_eq(inv.postgres->host, "fd00::4");
    cr_assert_float_eq(inv.postgres->cores, 2, 1e-12);
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"services\": {\"postgres\": \"local\"}}"), 0,
                 "%s", err);
    cr_assert_eq(inv.postgres->local, 1);
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"services\": {}}"), 0, "%s", err);
    cr_assert_null(inv.postgres);
}

Test(inventory, a_bad_database_host_says_what_and_where)
{
    refused("{\"servers\": [\"root@a\"],\n \"services\": [\"root@b\"]}",
            "i.json:2:14: \"services\" must be an object such as {\"postgres\": "
            "\"root@10.0.0.4\"}, got an array");
    refused("{\"servers\": [\"root@a\"],\n \"services\": {\"postgre\": \"root@10.0.0.4\"}}",
            "i.json:2:15: unknown key \"postgre\"; did you mean \"postgres\"?");
    refused("{\"servers\": [\"root@a\"],\n \"services\": {\"postgres\": 4}}",
            "i.json:2:27: \"services.postgres\" must be \"local\", an ssh destination "
            "user@host[:port] or an object with \"host\", got an integer");
    refused("{\"servers\": [\"root@a\"],\n \"services\": {\"postgres\": \"10.0.0.4\"}}",
            "i.json:2:27: \"services.postgres\" must be \"local\" or an ssh destination "
            "user@host[:port]: no user: write user@host[:port]; got \"10.0.0.4\"");
    refused("{\"servers\": [\"root@a\"],\n \"services\": {\"postgres\": \"root@db.example\"}}",
            "i.json:2:27: \"services.postgres\" must name its host by its address, such as "
            "root@10.0.0.4 (the servers connect to the database at it), got \"db.example\"");
}

Test(inventory, servers_on_other_hosts_need_the_database_on_a_host_too)
{
    cr_assert_eq(parse("{\"servers\": [\"root@10.0.0.2\"]}"), 0, "%s", err);
    cr_assert_eq(inventory_check_database(&inv, 1, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "i.json: the servers run on other hosts, which cannot reach a database "
                          "on this machine (it listens on 127.0.0.1 only): name the database's "
                          "host in \"services\": {\"postgres\": \"user@ADDRESS\"}");
    cr_assert_eq(inventory_check_database(&inv, 0, err, sizeof(err)), 0, "no database, no need");
    cr_assert_eq(parse("{\"servers\": [\"root@10.0.0.2\"], \"services\": {\"postgres\": "
                       "\"local\"}}"),
                 0, "%s", err);
    cr_assert_eq(inventory_check_database(&inv, 1, err, sizeof(err)), -1, "local is this machine");
    cr_assert_eq(parse("{\"servers\": [\"root@10.0.0.2\"], \"services\": {\"postgres\": "
                       "\"root@10.0.0.4\"}}"),
                 0, "%s", err);
    cr_assert_eq(inventory_check_database(&inv, 1, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(parse("{\"servers\": [\"local\"]}"), 0, "%s", err);
    cr_assert_eq(inventory_check_database(&inv, 1, err, sizeof(err)), 0, "%s", err);
}

/* The destination in a one-server inventory must be refused for why. */
static void bad_destination(const char *destination, const char *why)
{
    char text[512], message[1024], quoted[512];
    snprintf(text, sizeof(text), "{\"servers\": [\"%s\"]}", destination);
    snprintf(quoted, sizeof(quoted), "\"%s\"", destination);
    snprintf(message, sizeof(message),
             "i.json:1:14: \"servers[0]\" must be \"local\" or an ssh destination "
             "user@host[:port]: %s; got %s",
             why, quoted);
    refused(text, message);
}

Test(inventory, destinations)
{
    bad_destination("10.0.0.2", "no user: write user@host[:port]");
    bad_destination("@10.0.0.2", "the user must be 1 to 32 letters, digits, '.', '_' or '-', "
                                 "not starting with '-'");
    bad_destination("-oProxyCommand=x@h", "the user must be 1 to 32 letters, digits, '.', '_' "
                                          "or '-', not starting with '-'");
    bad_destination("ro ot@h", "the user must be 1 to 32 letters, digits, '.', '_' or '-', not "
                               "starting with '-'");
    bad_destination("root@-oProxyCommand=x", "the host must be 1 to 253 letters, digits, '.' or "
                                             "'-', starting with a letter or digit");
    bad_destination("root@", "the host must be 1 to 253 letters, digits, '.' or '-', starting "
                             "with a letter or digit");
    bad_destination("root@h;reboot", "the host must be 1 to 253 letters, digits, '.' or '-', "
                                     "starting with a letter or digit");
    bad_destination("root@h:0", "the port must be a whole number from 1 to 65535");
    bad_destination("root@h:65536", "the port must be a whole number from 1 to 65535");
    bad_destination("root@h:", "the port must be a whole number from 1 to 65535");
    bad_destination("root@h:22x", "the port must be a whole number from 1 to 65535");
    bad_destination("root@h:022", "the port must be a whole number from 1 to 65535");
    bad_destination("root@fd00::1", "an IPv6 address goes in brackets, such as "
                                    "root@[fd00::1]:22");
    bad_destination("root@[fd00::1", "an IPv6 address in brackets holds hex digits, ':' and '.' "
                                     "only, such as [fd00::1]");
    bad_destination("root@[host]", "an IPv6 address in brackets holds hex digits, ':' and '.' "
                                   "only, such as [fd00::1]");
    bad_destination("root@[fd00::1]x", "only :PORT may follow the ']' of an IPv6 address");
    bad_destination("root@[fd00::1]:99999", "the port must be a whole number from 1 to 65535");
    cr_assert_eq(parse("{\"servers\": [\"a.b_c-d@h-1.example:65535\", \"u@[::ffff:1.2.3.4]\"]}"), 0,
                 "%s", err);
    cr_assert_eq(inv.servers[0].port, 65535);
    cr_assert_str_eq(inv.servers[0].user, "a.b_c-d");
    cr_assert_str_eq(inv.servers[1].host, "::ffff:1.2.3.4");
}

Test(inventory, a_nul_byte_or_an_escape_in_a_destination)
{
    /* jansson refuses the escaped NUL itself: no string is cut short at it. */
    refused("{\"servers\": [\"root@h\\u0000x\"]}",
            "i.json:1:28: \\u0000 is not allowed without JSON_ALLOW_NUL near "
            "'\"root@h\\u0000x\"'");
    refused("{\"servers\": [\"root@h\\u001b[2J\"]}",
            "i.json:1:14: \"servers[0]\" must be \"local\" or an ssh destination "
            "user@host[:port]: the host must be 1 to 253 letters, digits, '.' or '-', starting "
            "with a letter or digit; got \"root@h\\x1b[2J\"");
}

Test(inventory, ssh_settings)
{
    refused("{\"servers\": [\"root@a\"], \"ssh\": []}",
            "i.json:1:32: \"ssh\" must be an object, got an array");
    refused("{\"servers\": [\"root@a\"], \"ssh\": {\"identity_file\": \"\"}}",
            "i.json:1:50: \"ssh.identity_file\" must be a file name, got \"\"");
    refused("{\"servers\": [\"root@a\"], \"ssh\": {\"identity_file\": \"a\\nb\"}}",
            "i.json:1:50: \"ssh.identity_file\" must be a file name without control "
            "characters, got \"a\\nb\"");
    refused("{\"servers\": [\"root@a\"], \"ssh\": {\"known_hosts\": \"stric\"}}",
            "i.json:1:48: \"ssh.known_hosts\" must be \"strict\", \"accept-new\" or a file path "
            "(with a '/', such as ./known_hosts), got \"stric\"");
    refused("{\"servers\": [\"root@a\"], \"ssh\": {\"options\": \"A=b\"}}",
            "i.json:1:44: \"ssh.options\" must be a list of at most 32 options such as "
            "\"ConnectTimeout=5\", got a string");
    const char *unsafe[] = {"ProxyCommand=sh -c x", "=x",    "Port=", "Port", "Po-rt=2", "User=a'b",
                            "LocalCommand=$(x)",    "A=b\nc"};
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(*unsafe); i++) {
        char text[256], json_escaped[64] = "", message[512], quoted[64];
        for (const char *c = unsafe[i]; *c; c++)
            strcat(json_escaped, *c == '\n' ? "\\n" : (char[]){*c, 0});
        snprintf(text, sizeof(text),
                 "{\"servers\": [\"root@a\"], \"ssh\": {\"options\": [\"%s\"]}}", json_escaped);
        snprintf(quoted, sizeof(quoted), "\"%s\"", json_escaped);
        snprintf(message, sizeof(message),
                 "i.json:1:45: \"ssh.options[0]\" must be an ssh option Name=value (the name "
                 "letters only, the value letters, digits and ._,:/@+=%%~- only, at most 256 "
                 "bytes), got %s",
                 quoted);
        refused(text, message);
    }
    refused("{\"servers\": [\"root@a\"], \"ssh\": {\"options\": [5]}}",
            "i.json:1:45: \"ssh.options[0]\" must be an ssh option Name=value (the name letters "
            "only, the value letters, digits and ._,:/@+=%~- only, at most 256 bytes), got an "
            "integer");
}

Test(inventory, a_step_needs_a_host_per_server_unless_hosts_may_hold_several)
{
    cr_assert_eq(parse("{\"servers\": [\"root@a\", \"root@b\"]}"), 0, "%s", err);
    cr_assert_eq(inventory_check_servers(&inv, 2, err, sizeof(err)), 0);
    cr_assert_eq(inventory_check_servers(&inv, 4, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "i.json: lists 2 server hosts, but a step runs 4 servers (one per "
                          "host; set \"hosts_may_hold_several\": true to put several on a host)");
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"hosts_may_hold_several\": true}"), 0, "%s",
                 err);
    cr_assert_eq(inventory_check_servers(&inv, 4, err, sizeof(err)), 0);
}

Test(inventory, files_are_read_through_the_bounded_reader)
{
    cr_assert_eq(inventory_load(&inv, "/nonexistent/inv.json", err, sizeof(err)), -1);
    cr_assert(strstr(err, "/nonexistent/inv.json") == err, "%s", err);
    cr_assert_eq(inventory_load(&inv, "/dev/zero", err, sizeof(err)), -1);
    cr_assert(strstr(err, "/dev/zero") == err, "%s", err);
    char path[] = "/tmp/twice-inventory-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *text = "{\"servers\": [\"local\"]}";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    int rc = inventory_load(&inv, path, err, sizeof(err));
    unlink(path);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(inv.servers[0].local, 1);
    cr_assert_str_eq(inv.path, path);
}

Test(inventory, too_large_a_file)
{
    size_t len = INVENTORY_MAX_BYTES + 1;
    char *text = malloc(len);
    memset(text, ' ', len);
    err[0] = '\0';
    inventory_free(&inv);
    cr_assert_eq(inventory_parse(&inv, "big.json", text, len, err, sizeof(err)), -1);
    free(text);
    cr_assert_str_eq(err, "big.json: is 262145 bytes; an inventory file is at most 256 KiB");
}

Test(inventory, the_app_on_the_server_hosts)
{
    cr_assert_eq(parse("{\"servers\": [\"root@a\"]}"), 0, "%s", err);
    cr_assert_null(inv.app, "without \"app\", the hosts run the same path as here");
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"app\": \"/opt/twice/bin/twice-app\"}"), 0,
                 "%s", err);
    cr_assert_str_eq(inv.app, "/opt/twice/bin/twice-app");
    refused("{\"servers\": [\"root@a\"], \"app\": 3}",
            "i.json:1:32: \"app\" must be a file name, got an integer");
    refused("{\"servers\": [\"root@a\"],\n \"app\": \"\"}",
            "i.json:2:9: \"app\" must be a file name, got \"\"");
}

Test(inventory, haproxy_on_the_balancer_host)
{
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"balancer\": \"root@b\"}"), 0, "%s", err);
    cr_assert_null(inv.haproxy, "without \"haproxy\", the host's own on its PATH");
    inventory_free(&inv);
    cr_assert_eq(parse("{\"servers\": [\"root@a\"], \"balancer\": \"root@b\", \"haproxy\": "
                       "\"/usr/local/sbin/haproxy\"}"),
                 0, "%s", err);
    cr_assert_str_eq(inv.haproxy, "/usr/local/sbin/haproxy");
    refused("{\"servers\": [\"root@a\"], \"haproxy\": false}",
            "i.json:1:36: \"haproxy\" must be a file name, got a boolean");
}
