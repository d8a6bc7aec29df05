/*
 * haproxy_config.h - the HAProxy configuration twice writes for one step
 * (haproxy_config.c): one frontend, one backend with a server line per twice
 * server, health checks on, stats on a socket (a unix socket in the step's
 * private folder when HAProxy runs here, a TCP port on the balancer host's
 * address when it runs on another host), nothing to syslog.
 */
#ifndef TWICE_HAPROXY_CONFIG_H
#define TWICE_HAPROXY_CONFIG_H

#include <stddef.h>

/* The backend's name in the config and in `show stat`; server i (from 0) is "s<i+1>". */
#define HAPROXY_BACKEND "servers"
#define HAPROXY_STATS_SOCKET "stats.sock"
#define HAPROXY_CONFIG_FILE "haproxy.cfg"
/* Bytes of a unix socket address HAProxy keeps for the ".PID.tmp" it binds before renaming:
 * a stats socket's path is at most sizeof(sun_path) less these ("max 97" on Linux). */
#define HAPROXY_SOCKET_ROOM 11

typedef struct haproxy_config_spec {
    const char *stats;          /* the stats socket: a unix socket's path, or ipv4@ADDR:PORT */
    const char *listen_address; /* the frontend's address; NULL: 127.0.0.1 */
    int listen_port;
    const char *const *addresses; /* the servers' addresses as HAProxy reaches them; NULL:
                                     127.0.0.1 for every one */
    const int *ports;             /* the servers' ports */
    unsigned n;
    const char *balance; /* "roundrobin" or "leastconn" */
} haproxy_config_spec;

/** 0 when word can be written into HAProxy's configuration as it is, or -1 with err naming
 * what (e.g. "the folder") and the byte that cannot: a space, a control character, a quote,
 * '#', '\\' or '$' would end the word, start a comment or be expanded there, so a word
 * holding one would read as other settings. */
int haproxy_config_check_word(const char *what, const char *word, char *err, size_t errlen);
/** haproxy_config_check_word for a folder the stats socket goes in. */
int haproxy_config_check_dir(const char *dir, char *err, size_t errlen);
/** The configuration text (malloc'd), or NULL with err: a word of spec cannot be written
 * there (haproxy_config_check_word), or memory ran out. */
char *haproxy_config_text(const haproxy_config_spec *spec, char *err, size_t errlen);

#endif
