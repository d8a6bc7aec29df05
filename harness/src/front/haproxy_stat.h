/*
 * haproxy_stat.h - reading HAProxy's `show stat` (haproxy_stat.c): CSV whose
 * first line, "# pxname,svname,...", names the columns. Columns move between
 * HAProxy versions and new ones are appended, so they are found by their
 * names in that header, never by position. The text comes from another
 * program: anything in it is checked, and what is wrong is named with its
 * line.
 */
#ifndef TWICE_HAPROXY_STAT_H
#define TWICE_HAPROXY_STAT_H

#include <stddef.h>

/* A `show stat` answer is about 2 KiB per server; beyond this it is not one. */
#define HAPROXY_STAT_MAX_BYTES (4u << 20)

/** One server of the backend, as its row says. */
typedef struct haproxy_server_stat {
    char status[32];             /* "UP", "DOWN", "MAINT", "UP 1/3"... (escaped, cut to fit) */
    char check[32];              /* check_status: "L4OK", "L4CON", "INI"...; "" when none */
    unsigned long long sessions; /* stot: sessions (connections) it was given */
    unsigned long long requests; /* req_tot: HTTP requests, when has_requests */
    int has_requests;            /* 0: no req_tot column, or no value in it (TCP mode) */
} haproxy_server_stat;

/**
 * Reads the rows of backend's servers "s1".."sN" (N = n) from text (NUL-terminated) into
 * out[0..n-1]. 0, or -1 with err saying what is wrong and on which line: not `show stat`
 * output, a required column (pxname, svname, status, stot) missing from the header, a row
 * with fewer fields than it needs, a count that is not one, a server listed twice, one that
 * is not s1..sN, or one of them missing.
 */
int haproxy_stat_parse(const char *text, const char *backend, unsigned n, haproxy_server_stat *out,
                       char *err, size_t errlen);
/** 1 when s is UP and its last health check passed ("L4OK", "L7OK"...). */
int haproxy_stat_up(const haproxy_server_stat *s);

#endif
