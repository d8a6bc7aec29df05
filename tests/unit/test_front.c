/*
 * test_front.c - the fronts' pieces that need no process: the table looked up
 * by name, where a balancer may run, the HAProxy configuration twice writes,
 * the reader of HAProxy's `show stat` CSV (good, columns moved or missing,
 * garbage), and what a step's summary makes of the runs' counts.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "front.h"
#include "front_summary.h"
#include "haproxy_config.h"
#include "haproxy_stat.h"

static char err[1024];

Test(front, fronts_are_found_by_name)
{
    cr_assert_eq(front_by_name("reuseport"), &front_reuseport);
    cr_assert_eq(front_by_name("direct"), &front_direct);
    cr_assert_eq(front_by_name("haproxy"), &front_haproxy);
    cr_assert_null(front_by_name("HAProxy"), "names are exact");
    cr_assert_null(front_by_name(""));
    cr_assert_null(front_by_name(NULL));
    const char *const *names = front_names();
    cr_assert_str_eq(names[0], "reuseport", "the first is the default");
    cr_assert_str_eq(names[1], "direct");
    cr_assert_str_eq(names[2], "haproxy");
    cr_assert_null(names[3]);
    /* What the run and the scenario's checks ask of each. */
    cr_assert(front_reuseport.servers_share_port && !front_reuseport.load_spreads);
    cr_assert(!front_direct.servers_share_port && front_direct.load_spreads);
    cr_assert(!front_haproxy.servers_share_port && !front_haproxy.load_spreads);
    cr_assert_null(front_direct.balances);
    cr_assert_str_eq(front_haproxy.balances[0], "roundrobin");
    cr_assert_str_eq(front_haproxy.balances[1], "leastconn");
    cr_assert_null(front_haproxy.balances[2]);
}

/* Fronts without a process of their own: the load goes to the servers' ports. */
Test(front, plain_fronts_point_wrk_at_the_servers)
{
    int ports[] = {4001, 4002, 4003};
    front_spec spec = {.ports = ports, .n = 3};
    front_run fr;
    cr_assert_eq(front_direct.start(&fr, &spec, err, sizeof(err)), 0);
    cr_assert_eq(fr.nports, 3);
    cr_assert_eq(fr.ports[2], 4003);
    cr_assert_null(fr.balance);
    err[0] = 'x';
    cr_assert_null(front_direct.collect(&fr, err, sizeof(err)));
    cr_assert_str_eq(err, "", "nothing to say is not an error");
    front_direct.stop(&fr);
    cr_assert_eq(front_reuseport.start(&fr, &spec, err, sizeof(err)), 0);
    cr_assert_eq(fr.nports, 1, "one port shared by every server");
    cr_assert_eq(fr.ports[0], 4001);
    front_reuseport.stop(&fr);
}

/* A balancer on another host must reach the servers: servers on this machine's loopback are
 * refused before anything starts; fronts without a balancer do not care where it is. */
Test(front, a_balancer_elsewhere_needs_servers_it_can_reach)
{
    inventory_host local = {.destination = "local", .local = 1};
    inventory_host remote = {
        .destination = "bench@198.18.0.9", .user = "bench", .host = "198.18.0.9"};
    inventory inv = {.servers = &local, .nservers = 1, .balancer = &remote};
    cr_assert_eq(front_check_host(&front_haproxy, NULL, err, sizeof(err)), 0);
    cr_assert_eq(front_check_host(&front_direct, &inv, err, sizeof(err)), 0,
                 "a front without a balancer does not care");
    cr_assert_eq(front_check_host(&front_haproxy, &inv, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "the haproxy front's balancer is on host bench@198.18.0.9, which "
                          "cannot reach servers on this machine's loopback: put the servers on "
                          "ssh hosts too (\"servers\"), or the balancer here (\"balancer\": "
                          "\"local\")");
    inv.servers = &remote;
    cr_assert_eq(front_check_host(&front_haproxy, &inv, err, sizeof(err)), 0,
                 "servers on ssh hosts are reached from the balancer's");
    inv.servers = &local;
    inv.balancer = &local;
    cr_assert_eq(front_check_host(&front_haproxy, &inv, err, sizeof(err)), 0);
    cr_assert_eq(front_probe(&front_haproxy, &inv, err, sizeof(err)), 0,
                 "nothing to ask of a balancer here before the run");
    cr_assert_eq(front_probe(&front_direct, &inv, err, sizeof(err)), 0);
}

/* wrk on a client host cannot reach what listens on this machine's loopback: a balancer here,
 * or servers here behind a front without one. */
Test(front, load_from_other_hosts_needs_a_target_it_can_reach)
{
    inventory_host local = {.destination = "local", .local = 1};
    inventory_host server = {
        .destination = "bench@198.18.0.10", .user = "bench", .host = "198.18.0.10"};
    inventory_host client = {
        .destination = "bench@198.18.1.10", .user = "bench", .host = "198.18.1.10"};
    inventory_host clients[2] = {local, client};
    inventory inv = {.servers = &server, .nservers = 1, .clients = clients, .nclients = 2};
    cr_assert_eq(front_check_host(&front_haproxy, &inv, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "the haproxy front's balancer runs on this machine's loopback, which "
                          "client host bench@198.18.1.10 cannot reach: put the balancer on a "
                          "host the clients reach (\"balancer\": \"user@host\"), or the load "
                          "here (\"clients\": [\"local\"])");
    cr_assert_eq(front_check_host(&front_direct, &inv, err, sizeof(err)), 0,
                 "servers on ssh hosts are reached from the clients'");
    inv.balancer = &server;
    cr_assert_eq(front_check_host(&front_haproxy, &inv, err, sizeof(err)), 0,
                 "a balancer on an ssh host is reached from the clients'");
    inv.balancer = NULL;
    inv.servers = &local;
    cr_assert_eq(front_check_host(&front_direct, &inv, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "the servers run on this machine's loopback, which client host "
                          "bench@198.18.1.10 cannot reach: put the servers on ssh hosts "
                          "(\"servers\"), or the load here (\"clients\": [\"local\"])");
    cr_assert_eq(front_check_host(&front_reuseport, &inv, err, sizeof(err)), -1);
    inv.nclients = 1;
    cr_assert_eq(front_check_host(&front_reuseport, &inv, err, sizeof(err)), 0,
                 "local clients reach loopback");
}

/* Where the balancer's core is counted: on this machine only when it runs here. */
Test(front, a_remote_balancers_core_is_not_this_machines)
{
    inventory_host local = {.destination = "local", .local = 1};
    inventory_host remote = {
        .destination = "bench@198.18.0.9", .user = "bench", .host = "198.18.0.9"};
    inventory inv = {.servers = &remote, .nservers = 1};
    cr_assert_eq(front_local_cores(&front_haproxy, NULL), 1);
    cr_assert_eq(front_local_cores(&front_haproxy, &inv), 1, "no balancer named: here");
    inv.balancer = &local;
    cr_assert_eq(front_local_cores(&front_haproxy, &inv), 1);
    cr_assert(!front_balancer_remote(&inv));
    inv.balancer = &remote;
    cr_assert(front_balancer_remote(&inv));
    cr_assert_eq(front_local_cores(&front_haproxy, &inv), 0);
    cr_assert_eq(front_local_cores(&front_direct, NULL), 0);
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

Test(front, the_haproxy_config_has_every_server_and_the_stats_socket)
{
    int ports[] = {4001, 4002, 4003};
    haproxy_config_spec spec = {
        "/tmp/twice-haproxy-abc/stats.sock", NULL, 5000, NULL, ports, 3, "leastconn"};
    char *text = haproxy_config_text(&spec, err, sizeof(err));
    cr_assert_not_null(text);
    cr_assert(strstr(text, "\n    stats socket /tmp/twice-haproxy-abc/stats.sock level "
                           "user\n") != NULL,
              "%s", text);
    cr_assert(strstr(text, "\n    bind 127.0.0.1:5000\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\n    balance leastconn\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\n    nbthread 1\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\n    mode http\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\n    server s1 127.0.0.1:4001 check\n"
                           "    server s2 127.0.0.1:4002 check\n"
                           "    server s3 127.0.0.1:4003 check\n") != NULL,
              "%s", text);
    cr_assert_eq(count(text, "    server "), 3, "one line per server: %s", text);
    cr_assert_eq(count(text, "maxconn"), 0, "no server is limited: %s", text);
    cr_assert_eq(count(text, "log"), 0, "nothing to syslog: %s", text);
    free(text);
    spec = (haproxy_config_spec){"/d/stats.sock", NULL, 5000, NULL, ports, 1, "roundrobin"};
    text = haproxy_config_text(&spec, err, sizeof(err));
    cr_assert(strstr(text, "\n    balance roundrobin\n") != NULL, "%s", text);
    cr_assert_eq(count(text, "    server "), 1, "%s", text);
    free(text);
}

/* On another host: the frontend on the host's address, the stats socket a TCP port there, the
 * servers at their hosts' addresses; and an address that would read as other settings is
 * refused naming which one. */
Test(front, the_haproxy_config_for_another_host_binds_its_address)
{
    int ports[] = {4001, 4002};
    const char *addresses[] = {"198.18.0.10", "198.18.0.11"};
    haproxy_config_spec spec = {
        "ipv4@198.18.0.12:30001", "198.18.0.12", 30000, addresses, ports, 2, "roundrobin"};
    char *text = haproxy_config_text(&spec, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    cr_assert(strstr(text, "\n    stats socket ipv4@198.18.0.12:30001 level user\n") != NULL, "%s",
              text);
    cr_assert(strstr(text, "\n    bind 198.18.0.12:30000\n") != NULL, "%s", text);
    cr_assert(strstr(text, "\n    server s1 198.18.0.10:4001 check\n"
                           "    server s2 198.18.0.11:4002 check\n") != NULL,
              "%s", text);
    cr_assert_eq(count(text, "127.0.0.1"), 0, "nothing on loopback: %s", text);
    free(text);
    const char *odd[] = {"198.18.0.10", "h;x y"};
    spec.addresses = odd;
    cr_assert_null(haproxy_config_text(&spec, err, sizeof(err)));
    cr_assert(strstr(err, "cannot name server 2's address \"h;x y\": byte 4 (0x20)") != NULL, "%s",
              err);
    spec.addresses = addresses;
    spec.listen_address = "0.0.0.0 ssl";
    cr_assert_null(haproxy_config_text(&spec, err, sizeof(err)));
    cr_assert(strstr(err, "cannot name the listening address") != NULL, "%s", err);
}

/* A folder whose name would end the word in HAProxy's configuration, start a comment or be
 * expanded, is refused naming the byte: written as it is, it would read as other settings. */
Test(front, the_haproxy_config_refuses_a_folder_that_would_read_as_settings)
{
    int ports[] = {4001};
    const char *const bad[] = {"/tmp/a b",     "/tmp/x\nglobal\n    maxconn 1",
                               "/tmp/#c",      "/tmp/q\"",
                               "/tmp/q'",      "/tmp/e\\",
                               "/tmp/${HOME}", "/tmp/t\tab"};
    const size_t byte[] = {7, 7, 6, 7, 7, 7, 6, 7};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        haproxy_config_spec spec = {bad[i], NULL, 5000, NULL, ports, 1, "roundrobin"};
        err[0] = '\0';
        cr_assert_null(haproxy_config_text(&spec, err, sizeof(err)), "%s", bad[i]);
        char expected[64];
        snprintf(expected, sizeof(expected), ": byte %zu (0x", byte[i]);
        cr_assert(strstr(err, "haproxy's configuration cannot name the stats socket \"/tmp/") !=
                          NULL &&
                      strstr(err, expected) != NULL,
                  "%s: %s", bad[i], err);
        cr_assert_null(strchr(err, '\n'), "the message is one line: %s", err);
    }
    haproxy_config_spec spec = {
        "/tmp/twice-haproxy-Az09._-+@/stats.sock", NULL, 5000, NULL, ports, 1, "roundrobin"};
    char *text = haproxy_config_text(&spec, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    free(text);
}

/* HAProxy 2.6's own header, cut to the columns that matter and a few around them. */
#define HEADER "# pxname,svname,qcur,scur,stot,bin,status,weight,check_status,req_tot,\n"

Test(front, show_stat_is_read_by_column_names)
{
    haproxy_server_stat s[2];
    const char *text = HEADER "twice,FRONTEND,,0,30,0,OPEN,,,60,\n"
                              "servers,s2,0,0,12,0,UP,1,L4OK,40,\n"
                              "servers,s1,0,0,11,0,DOWN,1,L4CON,,\n"
                              "servers,BACKEND,0,0,23,0,UP,2,,80,\n"
                              "other,s9,0,0,1,0,UP,1,L4OK,1,\n"
                              "\n";
    cr_assert_eq(haproxy_stat_parse(text, "servers", 2, s, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(s[0].sessions, 11);
    cr_assert(!s[0].has_requests, "an empty req_tot is no count");
    cr_assert_str_eq(s[0].status, "DOWN");
    cr_assert_str_eq(s[0].check, "L4CON");
    cr_assert(!haproxy_stat_up(&s[0]));
    cr_assert_eq(s[1].sessions, 12);
    cr_assert(s[1].has_requests);
    cr_assert_eq(s[1].requests, 40);
    cr_assert(haproxy_stat_up(&s[1]));
    /* Columns in another order, and no req_tot at all (an older HAProxy): still read. */
    const char *moved = "# svname,pxname,status,stot\n"
                        "s1,servers,UP,7\n";
    cr_assert_eq(haproxy_stat_parse(moved, "servers", 1, s, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(s[0].sessions, 7);
    cr_assert(!s[0].has_requests);
    cr_assert(!haproxy_stat_up(&s[0]), "UP before its first check is not yet UP");
}

Test(front, show_stat_that_is_wrong_is_refused_with_its_line)
{
    haproxy_server_stat s[2];
    struct {
        const char *text;
        unsigned n;
        const char *message;
    } cases[] = {
        {"", 1,
         "not HAProxy's `show stat` output: line 1 should start with \"# pxname,\", got \"\""},
        {"Unknown command\n", 1, "line 1 should start with \"# pxname,\", got \"Unknown command\""},
        {"# pxname,svname,status\ns1\n", 1, "header (line 1) has no \"stot\" column"},
        {"# svname,stot,status\n", 1, "header (line 1) has no \"pxname\" column"},
        {HEADER "servers,s1,0,0\n", 1,
         "`show stat` line 2 has 4 fields; the header's columns "
         "need 10"},
        {HEADER "servers,s1,0,0,12x,0,UP,1,L4OK,1,\n", 1,
         "line 2: \"stot\" is \"12x\", not a "
         "count"},
        {HEADER "servers,s1,0,0,-1,0,UP,1,L4OK,1,\n", 1, "\"stot\" is \"-1\", not a count"},
        {HEADER "servers,s1,0,0,99999999999999999999999,0,UP,1,L4OK,1,\n", 1,
         "\"stot\" is \"99999999999999999999999\", not a count"},
        {HEADER "servers,s1,0,0,1,0,UP,1,L4OK,1e3,\n", 1,
         "line 2: \"req_tot\" is \"1e3\", not a "
         "count"},
        {HEADER "servers,s1,0,0,1,0,UP,1,L4OK,1,\nservers,s1,0,0,1,0,UP,1,L4OK,1,\n", 2,
         "line 3: server s1 is listed twice"},
        {HEADER "servers,s3,0,0,1,0,UP,1,L4OK,1,\n", 2,
         "line 2: server \"s3\" is not one of s1..s2"},
        {HEADER "servers,s01,0,0,1,0,UP,1,L4OK,1,\n", 2, "server \"s01\" is not one of s1..s2"},
        {HEADER "servers,web\x1b[2J,0,0,1,0,UP,1,L4OK,1,\n", 2,
         "server \"web\\x1b[2J\" is not one of s1..s2"},
        {HEADER "servers,s1,0,0,1,0,UP,1,L4OK,1,\n", 2,
         "has no row for server s2 of backend "
         "servers"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(haproxy_stat_parse(cases[i].text, "servers", cases[i].n, s, err, sizeof(err)),
                     -1, "case %zu accepted", i);
        cr_assert(strstr(err, cases[i].message) != NULL, "case %zu: %s", i, err);
    }
}

/* runs[k].front as the HAProxy front writes it. */
static json_t *run_with(double cpu, json_int_t a, json_int_t b)
{
    return json_pack("{s:{s:s, s:s, s:f, s:[{s:I, s:I}, {s:I, s:I}]}}", "front", "name", "haproxy",
                     "balance", "roundrobin", "cpu", cpu, "servers", "sessions", (json_int_t)1,
                     "requests", a, "sessions", (json_int_t)1, "requests", b);
}

Test(front, a_steps_summary_of_its_front)
{
    json_t *runs = json_pack("[o, o, o]", run_with(0.4, 100, 110), run_with(0.5, 100, 100),
                             run_with(0.6, 120, 100));
    json_t *summary = front_summary(&front_haproxy, "roundrobin", runs);
    cr_assert_str_eq(json_string_value(json_object_get(summary, "name")), "haproxy");
    cr_assert_str_eq(json_string_value(json_object_get(summary, "balance")), "roundrobin");
    cr_assert_float_eq(json_number_value(json_object_get(summary, "cpu")), 0.5, 1e-12);
    cr_assert_float_eq(json_number_value(json_object_get(summary, "spread")), 0.1, 1e-12,
                       "the median of 0.1, 0 and 0.2");
    json_decref(summary);
    json_t *flags = json_array();
    front_flags(runs, flags);
    cr_assert_eq(json_array_size(flags), 0, "60% of a core is not saturated");
    json_array_append_new(runs, run_with(0.95, 1, 1));
    front_flags(runs, flags);
    cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
                     "balancer saturated: haproxy used 95% of its core");
    json_decref(flags);
    json_decref(runs);
    /* A server that got nothing (DOWN mid-run) in one run of three: no spread for that run,
     * and the step is flagged, so the even spread of the others does not pass for the step's. */
    runs = json_pack("[o, o, o]", run_with(0.1, 100, 100), run_with(0.1, 50, 0),
                     run_with(0.1, 100, 100));
    summary = front_summary(&front_haproxy, "roundrobin", runs);
    cr_assert_float_eq(json_number_value(json_object_get(summary, "spread")), 0, 1e-12);
    json_decref(summary);
    flags = json_array();
    front_flags(runs, flags);
    cr_assert_eq(json_array_size(flags), 1);
    cr_assert_str_eq(json_string_value(json_array_get(flags, 0)),
                     "balancer starved a server: haproxy sent server 2 of 2 nothing in run 2 of 3 "
                     "(DOWN, or never chosen)");
    json_decref(flags);
    json_decref(runs);
    /* No load at all is not a starved server. */
    runs = json_pack("[o]", run_with(0.1, 0, 0));
    summary = front_summary(&front_haproxy, "roundrobin", runs);
    cr_assert(json_is_null(json_object_get(summary, "spread")));
    flags = json_array();
    front_flags(runs, flags);
    cr_assert_eq(json_array_size(flags), 0);
    json_decref(flags);
    json_decref(summary);
    json_decref(runs);
    /* A front that counts nothing: its name alone. */
    runs = json_pack("[{s:f}]", "throughput", 1.0);
    summary = front_summary(&front_direct, NULL, runs);
    cr_assert_eq(json_object_size(summary), 1);
    cr_assert_str_eq(json_string_value(json_object_get(summary, "name")), "direct");
    flags = json_array();
    front_flags(runs, flags);
    cr_assert_eq(json_array_size(flags), 0);
    json_decref(flags);
    json_decref(summary);
    json_decref(runs);
}

/* A balancer whose CPU could not be read (on another host, its /proc out of reach) has no
 * figure: the summary gives the median of the runs that have one and says how many have not
 * and why, never a 0 in their place. */
Test(front, a_balancer_cpu_not_measured_is_said_not_made_up)
{
    json_t *unread = run_with(0, 100, 100);
    json_t *seen = json_object_get(unread, "front");
    json_object_del(seen, "cpu");
    json_object_set_new(seen, "cpu_unmeasured", json_string("at the window's end: ssh failed"));
    json_t *runs = json_pack("[o, o]", run_with(0.4, 100, 100), unread);
    json_t *summary = front_summary(&front_haproxy, "roundrobin", runs);
    cr_assert_float_eq(json_number_value(json_object_get(summary, "cpu")), 0.4, 1e-12,
                       "the run without a figure is left out, not counted as 0");
    cr_assert_str_eq(json_string_value(json_object_get(summary, "cpu_unmeasured")),
                     "in 1 of 2 runs: at the window's end: ssh failed");
    json_decref(summary);
    json_array_remove(runs, 0);
    summary = front_summary(&front_haproxy, "roundrobin", runs);
    cr_assert_null(json_object_get(summary, "cpu"), "no run has a figure: none");
    cr_assert_str_eq(json_string_value(json_object_get(summary, "cpu_unmeasured")),
                     "in 1 of 1 runs: at the window's end: ssh failed");
    cr_assert_float_eq(json_number_value(json_object_get(summary, "spread")), 0, 1e-12,
                       "the counts still say how evenly it spread");
    json_decref(summary);
    json_decref(runs);
}
