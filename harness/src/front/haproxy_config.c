/*
 * haproxy_config.c - see haproxy_config.h. The settings that matter for a
 * measurement, and why:
 *   - nbthread 1: the balancer takes one core, which is what the run reserves
 *     for it and what its CPU figure is a fraction of;
 *   - no maxconn on the servers: HAProxy must not queue what the servers
 *     could take, or the queue, not the servers, would be measured;
 *   - timeouts above wrk's own 10 s: wrk, not HAProxy, decides when a request
 *     took too long, so errors are counted in one place;
 *   - health checks every 200 ms with rise 1: the run waits until every server
 *     is UP, and that should take a moment, not seconds;
 *   - no "log" line: nothing goes to syslog; HAProxy's warnings and alerts go
 *     to its stderr (-db), which twice keeps for error messages;
 *   - the stats socket at level "user": `show stat` is all twice asks, and on
 *     another host the socket is a TCP port on the network, where nothing
 *     should be able to change HAProxy's servers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haproxy_config.h"
#include "message_text.h"

int haproxy_config_check_word(const char *what, const char *word, char *err, size_t errlen)
{
    for (const unsigned char *p = (const unsigned char *)word; *p != '\0'; p++) {
        if (*p > ' ' && *p != 0x7f && strchr("\"'#\\$", *p) == NULL)
            continue;
        char quoted[MESSAGE_QUOTE_SIZE];
        snprintf(err, errlen,
                 "haproxy's configuration cannot name %s %s: byte %zu (0x%02x) would end or "
                 "change the word there (a space, a control character, a quote, '#', '\\' or "
                 "'$')",
                 what, message_quote(quoted, sizeof(quoted), word),
                 (size_t)(p - (const unsigned char *)word) + 1, *p);
        return -1;
    }
    return 0;
}

int haproxy_config_check_dir(const char *dir, char *err, size_t errlen)
{
    return haproxy_config_check_word("the folder", dir, err, errlen);
}

static const char *address_of(const haproxy_config_spec *spec, unsigned i)
{
    return spec->addresses != NULL ? spec->addresses[i] : "127.0.0.1";
}

/* Every word of spec that goes into the text as it is, checked. */
static int check_words(const haproxy_config_spec *spec, char *err, size_t errlen)
{
    const char *listen = spec->listen_address != NULL ? spec->listen_address : "127.0.0.1";
    if (haproxy_config_check_word("the stats socket", spec->stats, err, errlen) != 0 ||
        haproxy_config_check_word("the listening address", listen, err, errlen) != 0)
        return -1;
    for (unsigned i = 0; i < spec->n; i++) {
        char what[64];
        snprintf(what, sizeof(what), "server %u's address", i + 1);
        if (haproxy_config_check_word(what, address_of(spec, i), err, errlen) != 0)
            return -1;
    }
    return 0;
}

char *haproxy_config_text(const haproxy_config_spec *spec, char *err, size_t errlen)
{
    char *text = NULL;
    size_t size = 0;
    if (check_words(spec, err, errlen) != 0)
        return NULL;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL) {
        snprintf(err, errlen, "out of memory writing haproxy's configuration");
        return NULL;
    }
    fprintf(out,
            "# Written by twice for one step: %u server%s behind one frontend.\n"
            "global\n"
            "    nbthread 1\n"
            "    stats socket %s level user\n"
            "\n"
            "defaults\n"
            "    mode http\n"
            "    timeout connect 5s\n"
            "    timeout client 15s\n"
            "    timeout server 15s\n"
            "    timeout queue 15s\n"
            "    timeout http-request 15s\n"
            "    timeout http-keep-alive 15s\n"
            "    timeout check 2s\n"
            "\n"
            "frontend twice\n"
            "    bind %s:%d\n"
            "    default_backend " HAPROXY_BACKEND "\n"
            "\n"
            "backend " HAPROXY_BACKEND "\n"
            "    balance %s\n"
            "    default-server inter 200ms rise 1 fall 3\n",
            spec->n, spec->n == 1 ? "" : "s", spec->stats,
            spec->listen_address != NULL ? spec->listen_address : "127.0.0.1", spec->listen_port,
            spec->balance);
    for (unsigned i = 0; i < spec->n; i++)
        fprintf(out, "    server s%u %s:%d check\n", i + 1, address_of(spec, i), spec->ports[i]);
    if (fclose(out) != 0) {
        snprintf(err, errlen, "out of memory writing haproxy's configuration");
        free(text);
        return NULL;
    }
    return text;
}
