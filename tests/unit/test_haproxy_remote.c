/*
 * test_haproxy_remote.c - what a HAProxy on another host says, read without
 * a host: its script's announcement of HAProxy's pid and clock tick, and the
 * CPU figures of `cat /proc/uptime /proc/PID/stat` (good, a name with
 * spaces and parentheses, and text that is not that), and the check that
 * the inventory's balancer host has HAProxy, against a host that cannot be
 * reached (the test bed's live tests reach real ones).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "haproxy_remote.h"

static char err[1024];

Test(haproxy_remote, the_announcement_gives_the_pid_and_the_tick)
{
    long pid = 0, ticks = 0;
    cr_assert_eq(haproxy_remote_parse_announcement("haproxy 4242 100\n", &pid, &ticks), 0);
    cr_assert_eq(pid, 4242);
    cr_assert_eq(ticks, 100);
    cr_assert_eq(haproxy_remote_parse_announcement("[WARNING] x\nhaproxy 7 250\n", &pid, &ticks), 0,
                 "found after other lines");
    cr_assert_eq(pid, 7);
    cr_assert_eq(ticks, 250);
    const char *const not_yet[] = {"",
                                   "haproxy 4242",
                                   "haproxy 4242 100",
                                   "haproxy 0 100\n",
                                   "haproxy 12 \n",
                                   "haproxy 12 0\n",
                                   "haproxy x 100\n",
                                   "haproxy 12 100x\n"};
    for (size_t i = 0; i < sizeof(not_yet) / sizeof(not_yet[0]); i++)
        cr_assert_eq(haproxy_remote_parse_announcement(not_yet[i], &pid, &ticks), -1, "%s",
                     not_yet[i]);
}

/* proc(5): utime and stime are fields 14 and 15, counted in clock ticks. */
#define STAT_AFTER_NAME " S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 1 0 100 1 1\n"

Test(haproxy_remote, cpu_is_read_from_uptime_and_stat)
{
    haproxy_remote_cpu c;
    cr_assert_eq(haproxy_remote_parse_cpu("1234.56 2000.00\n4242 (haproxy)" STAT_AFTER_NAME, 100,
                                          &c, err, sizeof(err)),
                 0, "%s", err);
    cr_assert_float_eq(c.cpu_s, 3.0, 1e-9, "(250 + 50) ticks at 100 a second");
    cr_assert_float_eq(c.clock_s, 1234.56, 1e-9);
    /* A name may hold spaces and parentheses: the fields start after the last ')'. */
    cr_assert_eq(haproxy_remote_parse_cpu("10.00 1.00\n4242 (ha) (x y)" STAT_AFTER_NAME, 250, &c,
                                          err, sizeof(err)),
                 0, "%s", err);
    cr_assert_float_eq(c.cpu_s, 1.2, 1e-9);
}

Test(haproxy_remote, cpu_text_that_is_not_procs_is_refused)
{
    haproxy_remote_cpu c;
    struct {
        const char *text, *message;
    } cases[] = {
        {"", "/proc/uptime says \"\", not a time"},
        {"cat: /proc/uptime: No such file\n", "/proc/uptime says \"cat: /proc/uptime: No such"},
        {"12.00 1.00\n", "/proc/PID/stat says \"\", not a process's figures"},
        {"12.00 1.00\n4242 haproxy S 1\n", "/proc/PID/stat says \"4242 haproxy S 1\""},
        {"12.00 1.00\n4242 (haproxy) S 1 2 3\n", "not a process's figures"},
        {"nan 1.00\n4242 (haproxy)" STAT_AFTER_NAME, "/proc/uptime says \"nan 1.00\""},
        {"inf 1.00\n4242 (haproxy)" STAT_AFTER_NAME, "/proc/uptime says \"inf 1.00\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        err[0] = '\0';
        cr_assert_eq(haproxy_remote_parse_cpu(cases[i].text, 100, &c, err, sizeof(err)), -1, "%s",
                     cases[i].text);
        cr_assert(strstr(err, cases[i].message) != NULL, "%s: %s", cases[i].text, err);
    }
}

/* A balancer host ssh cannot reach is named with what ssh said, before the run. */
Test(haproxy_remote, an_unreachable_balancer_is_named)
{
    inventory_host server = {
        .destination = "root@198.18.0.10", .user = "root", .host = "198.18.0.10"};
    /* Port 1 on loopback: refused at once, no traffic beyond this machine. */
    inventory_host balancer = {
        .destination = "root@127.0.0.1:1", .user = "root", .host = "127.0.0.1", .port = 1};
    inventory inv = {.servers = &server, .nservers = 1, .balancer = &balancer};
    cr_assert_eq(haproxy_remote_check(&inv, "haproxy", err, sizeof(err)), -1);
    cr_assert(strstr(err, "host root@127.0.0.1:1: ssh cannot reach it") != NULL, "%s", err);
}
