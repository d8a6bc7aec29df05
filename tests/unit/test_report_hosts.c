/*
 * test_report_hosts.c - a report of a run with an inventory (two server
 * hosts behind HAProxy, two client hosts: tests/fixtures/report-hosts.json)
 * read and shown in Markdown and HTML: the inventory, each step's hosts and
 * whether each one's CPU cap applied, the front with its balancer's CPU,
 * the per-server balance and its spread, and each load client's figures.
 * Malformed hosts and inventories are refused with their JSON path; an
 * older report shows none of it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "read_file.h"
#include "report_doc.h"
#include "report_format.h"
#include "report_steps.h"

#define HOSTS_FIXTURE FIXTURES_DIR "/report-hosts.json"

static json_t *fixture(void)
{
    json_error_t error;
    json_t *json = json_load_file(HOSTS_FIXTURE, 0, &error);
    cr_assert_not_null(json, "%s", error.text);
    return json;
}

/* format's output for json (stolen), gated against its own thresholds as twice report gates it
 * (malloc'd). */
static char *render(const report_format *format, json_t *json)
{
    report_doc doc;
    gate_checks checks;
    char *text = NULL, err[256];
    size_t len;
    read_doc(&doc, json);
    gate_limits limits = gate_limits_from_report(&doc);
    cr_assert_eq(gate_check(&checks, &doc, NULL, &limits, err, sizeof(err)), 0, "%s", err);
    FILE *out = open_memstream(&text, &len);
    cr_assert_eq(format->write(out, &doc, &checks), 0);
    fclose(out);
    gate_checks_free(&checks);
    report_doc_free(&doc);
    return text;
}

Test(report_hosts, the_inventory_and_each_steps_hosts_are_read)
{
    report_doc doc;
    read_doc(&doc, fixture());
    const report_inventory *inv = &doc.inventory;
    cr_assert(inv->present);
    cr_assert_str_eq(inv->file, "/tmp/bed.json");
    cr_assert_eq(inv->nservers, 2);
    cr_assert_str_eq(inv->servers[1], "root@198.18.0.11:22");
    cr_assert_eq(inv->nclients, 2);
    cr_assert_str_eq(inv->clients[0], "root@198.18.1.10:22");
    cr_assert_str_eq(inv->balancer, "local");
    const report_step *two = &doc.models[0].steps[1];
    cr_assert_eq(two->nhosts, 2);
    cr_assert_str_eq(two->hosts[0].host, "198.18.0.10");
    cr_assert_str_eq(two->hosts[0].cpu_cap, "applied");
    cr_assert(strncmp(two->hosts[1].cpu_cap, "not applied: ", 13) == 0);
    cr_assert_eq(two->nservers_counted, 2);
    cr_assert(two->summary.front.has_cpu && two->summary.front.has_spread);
    cr_assert_eq(two->run_clients[2].n, 2);
    report_doc_free(&doc);
    /* An older report: no inventory, no hosts. */
    cr_assert_eq(report_read_file(&doc, FIXTURES_DIR "/report.json", (char[256]){0}, 256), 0);
    cr_assert(!doc.inventory.present);
    cr_assert_eq(doc.models[0].steps[1].nhosts, 0);
    report_doc_free(&doc);
}

Test(report_hosts, malformed_hosts_and_inventories_are_refused_with_their_path)
{
    json_t *json = fixture();
    json_array_remove(json_object_get(report_step_json(json, 1), "hosts"), 1);
    read_refused(json,
                 "r.json: $.models[0].steps[1].hosts: expected one entry per server (2), got 1");
    json = fixture();
    json_array_set_new(json_object_get(report_step_json(json, 1), "hosts"), 1,
                       json_string("198.18.0.11"));
    read_refused(json, "r.json: $.models[0].steps[1].hosts[1]: expected an object, got a string");
    json = fixture();
    json_object_del(json_array_get(json_object_get(report_step_json(json, 0), "hosts"), 0), "host");
    read_refused(json, "r.json: $.models[0].steps[0].hosts[0].host: missing: expected a string");
    json = fixture();
    json_object_set_new(json_array_get(json_object_get(report_step_json(json, 0), "hosts"), 0),
                        "cpu_cap", json_true());
    read_refused(json,
                 "r.json: $.models[0].steps[0].hosts[0].cpu_cap: expected a string, got a boolean");
    json = fixture();
    json_array_append_new(json_object_get(json_object_get(json, "inventory"), "clients"),
                          json_integer(3));
    read_refused(json, "r.json: $.inventory.clients[2]: expected a string, got an integer");
    json = fixture();
    json_object_del(json_object_get(json, "inventory"), "balancer");
    read_refused(json, "r.json: $.inventory.balancer: missing: expected a string");
    json = fixture();
    json_object_set_new(json, "inventory", json_string("/tmp/bed.json"));
    read_refused(json, "r.json: $.inventory: expected an object, got a string");
}

/* Markdown: the inventory under the machine, a Hosts section, the Front section and a table of
 * the clients per step, as the expected file beside the fixture says. */
Test(report_hosts, markdown_shows_the_inventory_hosts_front_and_clients)
{
    char err[256];
    char *md = render(&report_markdown, fixture());
    char *expected = read_file(FIXTURES_DIR "/report-hosts.md", NULL, err, sizeof(err));
    cr_assert_not_null(expected, "%s", err);
    cr_assert_str_eq(md, expected);
    cr_assert(strstr(md, "\nInventory /tmp/bed.json: server hosts root@198.18.0.10:22, "
                         "root@198.18.0.11:22; client hosts root@198.18.1.10:22, "
                         "root@198.18.1.11:22; balancer local.\n") != NULL);
    cr_assert(strstr(md, "\n### Hosts\n\n- coroutine, 1 servers: 198\\.18.0.10 (CPU cap "
                         "applied)\n") != NULL);
    cr_assert(strstr(md, "- coroutine, 2 servers: haproxy (roundrobin): CPU 11% of its core; "
                         "requests per server 7395, 6825; spread 8.3%\n") != NULL);
    cr_assert_eq(occurrences(md, "Load clients, coroutine, "), 2);
    free(expected);
    free(md);
}

/* HTML: the inventory, a table of each step's hosts, front, balancer CPU, per-server requests
 * and spread, and a table of the clients per step. */
Test(report_hosts, html_shows_the_inventory_hosts_front_and_clients)
{
    char *html = render(&report_html, fixture());
    cr_assert(strstr(html, "<p>Inventory /tmp/bed.json: server hosts root@198.18.0.10:22, "
                           "root@198.18.0.11:22; client hosts root@198.18.1.10:22, "
                           "root@198.18.1.11:22; balancer local.</p>") != NULL,
              "%s", html);
    cr_assert_eq(occurrences(html, "<h2>Hosts and front</h2>"), 1);
    cr_assert(strstr(html, "<tr><td>coroutine</td><td>2</td><td>198.18.0.10 (CPU cap applied), "
                           "198.18.0.11 (CPU cap not applied: no cgroup v2 or v1 cpu controller "
                           "on the host)</td><td>haproxy (roundrobin)</td><td>11%</td><td>7395, "
                           "6825</td><td>8.3%</td></tr>") != NULL,
              "%s", html);
    cr_assert_eq(occurrences(html, "<h3>Load clients, coroutine, "), 2);
    cr_assert(strstr(html, "<tr><td>3</td><td>root@198.18.1.11:22</td><td>16</td><td>1</td>"
                           "<td>2400</td><td>800</td><td>21.10</td><td>22.50</td><td>0</td>"
                           "<td>30%</td></tr>") != NULL,
              "%s", html);
    free(html);
}

/* Every string of them is the report's, and escaped like the rest. */
Test(report_hosts, hosts_and_inventories_are_escaped)
{
    json_t *json = fixture();
    json_object_set_new(json_array_get(json_object_get(report_step_json(json, 1), "hosts"), 1),
                        "host", json_string("<b>|*x*"));
    json_object_set_new(json_object_get(json, "inventory"), "balancer", json_string("a&b|`c`"));
    char *html = render(&report_html, json_incref(json));
    cr_assert(strstr(html, "198.18.0.10 (CPU cap applied), &lt;b&gt;|*x* (CPU cap") != NULL, "%s",
              html);
    cr_assert(strstr(html, "; balancer a&amp;b|`c`.</p>") != NULL, "%s", html);
    free(html);
    char *md = render(&report_markdown, json);
    cr_assert(strstr(md, "198\\.18.0.10 (CPU cap applied), \\<b\\>\\|\\*x\\* (CPU cap") != NULL,
              "%s", md);
    cr_assert(strstr(md, "; balancer a\\&b\\|\\`c\\`.\n") != NULL, "%s", md);
    free(md);
}

/* A report without any of it (the plain fixture) has none of these sections. */
Test(report_hosts, an_older_report_shows_none_of_it)
{
    json_error_t error;
    json_t *json = json_load_file(FIXTURES_DIR "/report.json", 0, &error);
    cr_assert_not_null(json, "%s", error.text);
    char *html = render(&report_html, json_incref(json)), *md = render(&report_markdown, json);
    cr_assert_null(strstr(html, "Inventory"));
    cr_assert_null(strstr(html, "Hosts and front"));
    cr_assert_null(strstr(html, "Load clients"));
    cr_assert_null(strstr(md, "Inventory"));
    cr_assert_null(strstr(md, "### Hosts"));
    free(html);
    free(md);
}

/* A remote client whose wrk CPU the host did not report ("wrk_cpu": null) reads "unknown" in
 * both formats, never 0%. */
Test(report_hosts, a_client_whose_wrk_cpu_is_unknown_says_so)
{
    json_t *json = fixture();
    json_t *steps = json_object_get(json_array_get(json_object_get(json, "models"), 0), "steps");
    json_t *run = json_array_get(json_object_get(json_array_get(steps, 0), "runs"), 0);
    json_t *client = json_array_get(json_object_get(run, "clients"), 1);
    cr_assert_not_null(client, "the fixture's first run has two clients");
    json_object_set_new(client, "wrk_cpu", json_null());
    char *md = render(&report_markdown, json_incref(json));
    char *html = render(&report_html, json);
    cr_assert(strstr(md, "| unknown |\n") != NULL, "%s", md);
    cr_assert(strstr(html, "<td>unknown</td></tr>") != NULL, "%s", html);
    free(md);
    free(html);
}
