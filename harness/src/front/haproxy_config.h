/*
 * haproxy_config.h - the HAProxy configuration twice writes for one step
 * (haproxy_config.c): one frontend on loopback, one backend with a server
 * line per twice server, health checks on, stats on a socket in the step's
 * private folder, nothing to syslog.
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
    const char *dir;  /* the private folder: the stats socket is dir/stats.sock */
    int listen_port;  /* the frontend's port on 127.0.0.1 */
    const int *ports; /* the servers' ports on 127.0.0.1 */
    unsigned n;
    const char *balance; /* "roundrobin" or "leastconn" */
} haproxy_config_spec;

/** 0 when dir can be written into HAProxy's configuration as it is, or -1 with err naming the
 * byte that cannot: a space, a control character, a quote, '#', '\\' or '$' would end the word,
 * start a comment or be expanded there, so a path holding one would read as other settings. */
int haproxy_config_check_dir(const char *dir, char *err, size_t errlen);
/** The configuration text (malloc'd), or NULL with err: spec->dir cannot be written there
 * (haproxy_config_check_dir), or memory ran out. */
char *haproxy_config_text(const haproxy_config_spec *spec, char *err, size_t errlen);

#endif
