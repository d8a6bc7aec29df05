/*
 * inventory.c - loading and checking inventory files. The schema is small:
 * "servers" (required), "clients", "balancer", "services" ({"postgres":
 * HOST}), each host "local", an ssh destination, or {"host": DESTINATION,
 * "cores": N}; "ssh" with
 * "identity_file", "options" and "known_hosts"; "hosts_may_hold_several";
 * "app", where twice-app is on the server hosts; "haproxy", where HAProxy is
 * on the balancer host.
 * Destinations and ssh options end up as ssh's arguments, so they are held
 * to plain characters here: a host starting with '-' would be read by ssh
 * as an option, a space or a quote could smuggle another one in.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "json_schema.h"
#include "json_type.h"
#include "message_text.h"
#include "read_file.h"

#define USER_MAX 32  /* bytes; what useradd allows */
#define HOST_MAX 253 /* bytes; a DNS name */
#define IPV6_MAX 45  /* bytes; the longest textual IPv6 address */
#define OPTION_MAX 256

static const char *const top_keys[] = {"servers",  "clients", "balancer",
                                       "services", "ssh",     "hosts_may_hold_several",
                                       "app",      "haproxy", NULL};
static const char *const service_keys[] = {"postgres", NULL};
static const char *const host_keys[] = {"host", "cores", NULL};
static const char *const ssh_keys[] = {"identity_file", "options", "known_hosts", NULL};

/* 1 when every byte of s is in allowed. */
static int all_in(const char *s, size_t len, const char *allowed)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\0' || strchr(allowed, s[i]) == NULL)
            return 0;
    }
    return 1;
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* "1".."65535", digits only; 0 otherwise. */
static unsigned parse_port(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 5 || !all_in(s, len, "0123456789") || s[0] == '0')
        return 0;
    unsigned long port = strtoul(s, NULL, 10);
    return port <= 65535 ? (unsigned)port : 0;
}

/* Fills h's user, host and port from "user@host[:port]" (host an IPv6 address in brackets);
 * -1 with why otherwise. */
static int parse_destination(inventory_host *h, const char *dest, char *why, size_t whylen)
{
    const char *at = strchr(dest, '@');
    if (at == NULL) {
        snprintf(why, whylen, "no user: write user@host[:port]");
        return -1;
    }
    size_t user_len = (size_t)(at - dest);
    if (user_len == 0 || user_len > USER_MAX || dest[0] == '-' ||
        !all_in(dest, user_len, ALNUM "._-")) {
        snprintf(why, whylen,
                 "the user must be 1 to %d letters, digits, '.', '_' or '-', not starting "
                 "with '-'",
                 USER_MAX);
        return -1;
    }
    const char *host = at + 1, *host_end, *port = NULL;
    if (*host == '[') {
        const char *close = strchr(host, ']');
        size_t len = close != NULL ? (size_t)(close - host - 1) : 0;
        if (close == NULL || len < 2 || len > IPV6_MAX ||
            !all_in(host + 1, len, "0123456789abcdefABCDEF:.") ||
            memchr(host + 1, ':', len) == NULL) {
            snprintf(why, whylen,
                     "an IPv6 address in brackets holds hex digits, ':' and '.' only, such "
                     "as [fd00::1]");
            return -1;
        }
        if (close[1] != '\0' && close[1] != ':') {
            snprintf(why, whylen, "only :PORT may follow the ']' of an IPv6 address");
            return -1;
        }
        port = close[1] == ':' ? close + 2 : NULL;
        h->host = strndup(host + 1, len);
    } else {
        host_end = strchr(host, ':');
        size_t len = host_end != NULL ? (size_t)(host_end - host) : strlen(host);
        if (host_end != NULL && strchr(host_end + 1, ':') != NULL) {
            snprintf(why, whylen, "an IPv6 address goes in brackets, such as root@[fd00::1]:22");
            return -1;
        }
        if (len == 0 || len > HOST_MAX || !all_in(host, len, ALNUM ".-") || host[0] == '-' ||
            host[0] == '.') {
            snprintf(why, whylen,
                     "the host must be 1 to %d letters, digits, '.' or '-', starting with a "
                     "letter or digit",
                     HOST_MAX);
            return -1;
        }
        port = host_end != NULL ? host_end + 1 : NULL;
        h->host = strndup(host, len);
    }
    h->user = strndup(dest, user_len);
    if (port != NULL && (h->port = parse_port(port)) == 0) {
        snprintf(why, whylen, "the port must be a whole number from 1 to 65535");
        return -1;
    }
    if (h->user == NULL || h->host == NULL) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    return 0;
}

/* A host at path: "local", a destination, or {"host": ..., "cores": ...}. */
static int parse_host(json_schema *js, json_t *value, const char *path, inventory_host *h)
{
    char where[512], why[256], quoted[MESSAGE_QUOTE_SIZE];
    const char *dest_path = path;
    json_t *dest = value;
    if (json_is_object(value)) {
        if (json_schema_check_keys(js, value, host_keys, path, "a host") != 0)
            return -1;
        dest_path = json_schema_child(where, sizeof(where), path, "host");
        dest = json_object_get(value, "host");
        if (dest == NULL)
            return json_schema_fail(js, path, 0, "\"%s\" is required", dest_path);
        json_t *cores = json_object_get(value, "cores");
        if (cores != NULL) {
            char cores_path[520], got[MESSAGE_NUMBER_SIZE];
            json_schema_child(cores_path, sizeof(cores_path), path, "cores");
            if (!json_is_number(cores))
                return json_schema_fail(js, cores_path, 0, "\"%s\" must be a number, got %s",
                                        cores_path, json_type_name(cores));
            h->cores = json_number_value(cores);
            if (!(h->cores > 0 && h->cores <= 4096))
                return json_schema_fail(js, cores_path, 0,
                                        "\"%s\" must be > 0 and at most 4096, got %s", cores_path,
                                        message_number(got, h->cores));
        }
    } else if (!json_is_string(value)) {
        return json_schema_fail(js, path, 0,
                                "\"%s\" must be \"local\", an ssh destination user@host[:port] "
                                "or an object with \"host\", got %s",
                                path, json_type_name(value));
    }
    if (!json_is_string(dest))
        return json_schema_fail(js, dest_path, 0,
                                "\"%s\" must be \"local\" or an ssh destination "
                                "user@host[:port], got %s",
                                dest_path, json_type_name(dest));
    const char *text = json_string_value(dest);
    if ((h->destination = strdup(text)) == NULL)
        return json_schema_fail(js, dest_path, 0, "out of memory");
    if (strcmp(text, "local") == 0) {
        h->local = 1;
        return 0;
    }
    if (parse_destination(h, text, why, sizeof(why)) != 0)
        return json_schema_fail(js, dest_path, 0,
                                "\"%s\" must be \"local\" or an ssh destination "
                                "user@host[:port]: %s; got %s",
                                dest_path, why, message_quote(quoted, sizeof(quoted), text));
    return 0;
}

/* A list of hosts under key; a missing key leaves *hosts NULL. */
static int parse_hosts(json_schema *js, json_t *top, const char *key, inventory_host **hosts,
                       size_t *n)
{
    json_t *list = json_object_get(top, key);
    if (list == NULL)
        return 0;
    if (!json_is_array(list) || json_array_size(list) == 0 ||
        json_array_size(list) > INVENTORY_MAX_HOSTS) {
        char got[64];
        if (json_is_array(list))
            snprintf(got, sizeof(got), "%zu", json_array_size(list));
        return json_schema_fail(js, key, 0, "\"%s\" must be a list of 1 to %d hosts, got %s", key,
                                INVENTORY_MAX_HOSTS,
                                json_is_array(list) ? got : json_type_name(list));
    }
    *hosts = calloc(json_array_size(list), sizeof(**hosts));
    if (*hosts == NULL)
        return json_schema_fail(js, key, 0, "out of memory");
    for (size_t i = 0; i < json_array_size(list); i++) {
        char path[64];
        snprintf(path, sizeof(path), "%s[%zu]", key, i);
        (*n)++;
        if (parse_host(js, json_array_get(list, i), path, &(*hosts)[i]) != 0)
            return -1;
    }
    return 0;
}

/* A non-empty string of printable characters (it names a file) at key of obj, whose path is
 * parent, or absent. */
static int get_file_name(json_schema *js, json_t *obj, const char *parent, const char *key,
                         char **out)
{
    char path[64], quoted[MESSAGE_QUOTE_SIZE];
    json_schema_child(path, sizeof(path), parent, key);
    json_t *value = json_object_get(obj, key);
    if (value == NULL)
        return 0;
    if (!json_is_string(value) || json_string_length(value) == 0)
        return json_schema_fail(js, path, 0, "\"%s\" must be a file name, got %s", path,
                                json_is_string(value) ? "\"\"" : json_type_name(value));
    const char *text = json_string_value(value);
    for (size_t i = 0; i < json_string_length(value); i++) {
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return json_schema_fail(js, path, 0,
                                    "\"%s\" must be a file name without control characters, "
                                    "got %s",
                                    path, message_quote(quoted, sizeof(quoted), text));
    }
    *out = strdup(text);
    return *out != NULL ? 0 : json_schema_fail(js, path, 0, "out of memory");
}

/* "Name=value": the option name letters only, the value plain characters: each option is one
 * argument of ssh's, and nothing in it may read as a second one. */
static int check_option(const char *option, size_t len)
{
    const char *eq = memchr(option, '=', len);
    return len <= OPTION_MAX && eq != NULL && eq != option &&
           all_in(option, (size_t)(eq - option),
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
           eq + 1 < option + len &&
           all_in(eq + 1, len - (size_t)(eq + 1 - option), ALNUM "._,:/@+=%~-");
}

static int parse_options(json_schema *js, json_t *ssh, inventory *inv)
{
    json_t *options = json_object_get(ssh, "options");
    if (options == NULL)
        return 0;
    if (!json_is_array(options) || json_array_size(options) > INVENTORY_MAX_SSH_OPTIONS)
        return json_schema_fail(js, "ssh.options", 0,
                                "\"ssh.options\" must be a list of at most %d options such as "
                                "\"ConnectTimeout=5\", got %s",
                                INVENTORY_MAX_SSH_OPTIONS,
                                json_is_array(options) ? "a longer list" : json_type_name(options));
    inv->ssh_options = calloc(json_array_size(options) + 1, sizeof(char *));
    if (inv->ssh_options == NULL)
        return json_schema_fail(js, "ssh.options", 0, "out of memory");
    for (size_t i = 0; i < json_array_size(options); i++) {
        json_t *option = json_array_get(options, i);
        char path[64], quoted[MESSAGE_QUOTE_SIZE];
        snprintf(path, sizeof(path), "ssh.options[%zu]", i);
        if (!json_is_string(option) ||
            !check_option(json_string_value(option), json_string_length(option)))
            return json_schema_fail(
                js, path, 0,
                "\"%s\" must be an ssh option Name=value (the name letters only, the value "
                "letters, digits and ._,:/@+=%%~- only, at most %d bytes), got %s",
                path, OPTION_MAX,
                json_is_string(option)
                    ? message_quote(quoted, sizeof(quoted), json_string_value(option))
                    : json_type_name(option));
        if ((inv->ssh_options[i] = strdup(json_string_value(option))) == NULL)
            return json_schema_fail(js, path, 0, "out of memory");
        inv->nssh_options++;
    }
    return 0;
}

static int parse_ssh(json_schema *js, json_t *top, inventory *inv)
{
    json_t *ssh = json_object_get(top, "ssh");
    char *known = NULL;
    if (ssh == NULL)
        return 0;
    if (!json_is_object(ssh))
        return json_schema_fail(js, "ssh", 0, "\"ssh\" must be an object, got %s",
                                json_type_name(ssh));
    if (json_schema_check_keys(js, ssh, ssh_keys, "ssh", "ssh") != 0 ||
        get_file_name(js, ssh, "ssh", "identity_file", &inv->identity_file) != 0 ||
        parse_options(js, ssh, inv) != 0 ||
        get_file_name(js, ssh, "ssh", "known_hosts", &known) != 0)
        return -1;
    if (known == NULL || strcmp(known, "strict") == 0) {
        inv->known_hosts = INVENTORY_KNOWN_HOSTS_STRICT;
        free(known);
    } else if (strcmp(known, "accept-new") == 0) {
        inv->known_hosts = INVENTORY_KNOWN_HOSTS_ACCEPT_NEW;
        free(known);
    } else if (strchr(known, '/') != NULL) {
        inv->known_hosts = INVENTORY_KNOWN_HOSTS_FILE;
        inv->known_hosts_file = known;
    } else {
        /* A word that is neither choice is a typo far more often than a file name. */
        char quoted[MESSAGE_QUOTE_SIZE];
        json_schema_fail(js, "ssh.known_hosts", 0,
                         "\"ssh.known_hosts\" must be \"strict\", \"accept-new\" or a file "
                         "path (with a '/', such as ./known_hosts), got %s",
                         message_quote(quoted, sizeof(quoted), known));
        free(known);
        return -1;
    }
    return 0;
}

/* The database's host of "services": {"postgres": HOST}. The servers reach it with libpq's
 * hostaddr, a numeric address (a name would be looked up with a blocking call inside a
 * coroutine's query), and PostgreSQL listens on that address: an ssh host is named by it. */
static int parse_services(json_schema *js, json_t *top, inventory *inv)
{
    json_t *services = json_object_get(top, "services");
    if (services == NULL)
        return 0;
    if (!json_is_object(services))
        return json_schema_fail(js, "services", 0,
                                "\"services\" must be an object such as {\"postgres\": "
                                "\"root@10.0.0.4\"}, got %s",
                                json_type_name(services));
    if (json_schema_check_keys(js, services, service_keys, "services", "services") != 0)
        return -1;
    json_t *postgres = json_object_get(services, "postgres");
    if (postgres == NULL)
        return 0;
    if ((inv->postgres = calloc(1, sizeof(*inv->postgres))) == NULL)
        return json_schema_fail(js, "services.postgres", 0, "out of memory");
    if (parse_host(js, postgres, "services.postgres", inv->postgres) != 0)
        return -1;
    unsigned char address[sizeof(struct in6_addr)];
    if (inv->postgres->local || inet_pton(AF_INET, inv->postgres->host, address) == 1 ||
        inet_pton(AF_INET6, inv->postgres->host, address) == 1)
        return 0;
    char quoted[MESSAGE_QUOTE_SIZE];
    return json_schema_fail(js, "services.postgres", 0,
                            "\"services.postgres\" must name its host by its address, such as "
                            "root@10.0.0.4 (the servers connect to the database at it), got %s",
                            message_quote(quoted, sizeof(quoted), inv->postgres->host));
}

static int parse_top(json_schema *js, json_t *top, inventory *inv)
{
    if (!json_is_object(top))
        return json_schema_fail(js, "", 0, "an inventory is a JSON object, got %s",
                                json_type_name(top));
    if (json_schema_check_keys(js, top, top_keys, "", "the inventory") != 0)
        return -1;
    if (json_object_get(top, "servers") == NULL)
        return json_schema_fail(js, "", 0,
                                "\"servers\" is required: the server hosts, such as "
                                "[\"root@10.0.0.2\", \"root@10.0.0.3\"]");
    if (parse_hosts(js, top, "servers", &inv->servers, &inv->nservers) != 0 ||
        parse_hosts(js, top, "clients", &inv->clients, &inv->nclients) != 0)
        return -1;
    json_t *balancer = json_object_get(top, "balancer");
    if (balancer != NULL) {
        if ((inv->balancer = calloc(1, sizeof(*inv->balancer))) == NULL)
            return json_schema_fail(js, "balancer", 0, "out of memory");
        if (parse_host(js, balancer, "balancer", inv->balancer) != 0)
            return -1;
    }
    if (parse_services(js, top, inv) != 0)
        return -1;
    json_t *several = json_object_get(top, "hosts_may_hold_several");
    if (several != NULL && !json_is_boolean(several))
        return json_schema_fail(js, "hosts_may_hold_several", 0,
                                "\"hosts_may_hold_several\" must be true or false, got %s",
                                json_type_name(several));
    inv->hosts_may_hold_several = json_is_true(several);
    if (get_file_name(js, top, "", "app", &inv->app) != 0 ||
        get_file_name(js, top, "", "haproxy", &inv->haproxy) != 0 || parse_ssh(js, top, inv) != 0)
        return -1;
    if (inv->clients == NULL) {
        /* No client named: the load comes from this machine, as without an inventory. */
        if ((inv->clients = calloc(1, sizeof(*inv->clients))) == NULL ||
            (inv->clients[0].destination = strdup("local")) == NULL)
            return json_schema_fail(js, "", 0, "out of memory");
        inv->clients[0].local = 1;
        inv->nclients = 1;
    }
    return 0;
}

int inventory_parse(inventory *inv, const char *path, const char *text, size_t len, char *err,
                    size_t errlen)
{
    memset(inv, 0, sizeof(*inv));
    if ((inv->path = strdup(path)) == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (len > INVENTORY_MAX_BYTES) {
        snprintf(err, errlen, "%s: is %zu bytes; an inventory file is at most %u KiB", path, len,
                 INVENTORY_MAX_BYTES >> 10);
        return -1;
    }
    json_schema js;
    json_t *top;
    int rc = json_schema_open(&js, inv->path, text, len, &top, err, errlen);
    if (rc == 0)
        rc = parse_top(&js, top, inv);
    json_decref(top);
    json_schema_close(&js);
    return rc;
}

int inventory_load(inventory *inv, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = read_file(path, &len, err, errlen);
    if (text == NULL) {
        memset(inv, 0, sizeof(*inv));
        return -1;
    }
    int rc = inventory_parse(inv, path, text, len, err, errlen);
    free(text);
    return rc;
}

int inventory_check_servers(const inventory *inv, unsigned max_servers, char *err, size_t errlen)
{
    if (max_servers <= inv->nservers || inv->hosts_may_hold_several)
        return 0;
    snprintf(err, errlen,
             "%s: lists %zu server host%s, but a step runs %u servers (one per host; set "
             "\"hosts_may_hold_several\": true to put several on a host)",
             inv->path, inv->nservers, inv->nservers == 1 ? "" : "s", max_servers);
    return -1;
}

int inventory_check_database(const inventory *inv, int needs_database, char *err, size_t errlen)
{
    int servers_here = inv->nservers == 0 || inv->servers[0].local;
    int database_here = inv->postgres == NULL || inv->postgres->local;
    if (!needs_database || servers_here || !database_here)
        return 0;
    snprintf(err, errlen,
             "%s: the servers run on other hosts, which cannot reach a database on this machine "
             "(it listens on 127.0.0.1 only): name the database's host in \"services\": "
             "{\"postgres\": \"user@ADDRESS\"}",
             inv->path);
    return -1;
}

static void free_host(inventory_host *h)
{
    free(h->destination);
    free(h->user);
    free(h->host);
}

static void free_hosts(inventory_host *hosts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free_host(&hosts[i]);
    free(hosts);
}

void inventory_free(inventory *inv)
{
    free(inv->path);
    free_hosts(inv->servers, inv->nservers);
    free_hosts(inv->clients, inv->nclients);
    if (inv->balancer != NULL)
        free_host(inv->balancer);
    free(inv->balancer);
    if (inv->postgres != NULL)
        free_host(inv->postgres);
    free(inv->postgres);
    free(inv->identity_file);
    for (size_t i = 0; i < inv->nssh_options; i++)
        free(inv->ssh_options[i]);
    free(inv->ssh_options);
    free(inv->known_hosts_file);
    free(inv->app);
    free(inv->haproxy);
    memset(inv, 0, sizeof(*inv));
}
