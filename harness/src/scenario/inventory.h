/*
 * inventory.h - where a run's parts go (inventory.c): the server hosts, the
 * client (load) hosts and an optional balancer host, each "local" or an
 * ssh destination user@host[:port], with the ssh settings to reach them and
 * what is known of each host (its cores). A scenario says what to measure;
 * the inventory says where, so that one scenario runs on a laptop, on the
 * test bed (`twice testbed`) and on real machines. Loading checks everything,
 * and every error names the file, line and column.
 *
 * Without an inventory everything is local, as it always was.
 */
#ifndef TWICE_INVENTORY_H
#define TWICE_INVENTORY_H

#include <stddef.h>

/* An inventory names a few hosts; a file beyond this is not one. */
#define INVENTORY_MAX_BYTES (256u << 10)
#define INVENTORY_MAX_HOSTS 256
#define INVENTORY_MAX_SSH_OPTIONS 32

typedef struct inventory_host {
    char *destination; /* as written: "local" or "user@host[:port]" */
    int local;         /* 1: this machine; user and host are then NULL */
    char *user;
    char *host;    /* a name or an address; an IPv6 address without its brackets */
    unsigned port; /* 0: not given (ssh's own default) */
    double cores;  /* what the host has to give; 0: not said */
} inventory_host;

/** How ssh checks a host's key. */
typedef enum {
    INVENTORY_KNOWN_HOSTS_STRICT,     /* only keys already known (the default) */
    INVENTORY_KNOWN_HOSTS_ACCEPT_NEW, /* a first key is learned, a changed one refused */
    INVENTORY_KNOWN_HOSTS_FILE,       /* only the keys in known_hosts_file */
} inventory_known_hosts;

typedef struct inventory {
    char *path;
    inventory_host *servers; /* server i runs on servers[i] */
    size_t nservers;
    inventory_host *clients; /* where wrk runs; ["local"] when the file names none */
    size_t nclients;
    inventory_host *balancer;   /* where a balancer runs; NULL: not said (local) */
    inventory_host *postgres;   /* where a scenario's PostgreSQL runs ("services": {"postgres":
                                   HOST}); NULL: not said (local). An ssh host is named by its
                                   address, which the servers connect to */
    int hosts_may_hold_several; /* a step with more servers than hosts doubles hosts up */
    char *identity_file;        /* ssh -i; NULL: ssh's own */
    char **ssh_options;         /* each passed as ssh -o OPTION */
    size_t nssh_options;
    inventory_known_hosts known_hosts;
    char *known_hosts_file; /* for INVENTORY_KNOWN_HOSTS_FILE */
    char *app;              /* twice-app's path on the server hosts; NULL: the same as here */
    char *haproxy;          /* HAProxy's program on the balancer host; NULL: "haproxy" */
} inventory;

/**
 * Loads and checks the inventory at path (read through read_file). 0, or -1 with
 * "FILE:LINE:COLUMN: what is wrong" in err. inv is to be freed with inventory_free either way.
 */
int inventory_load(inventory *inv, const char *path, char *err, size_t errlen);
/** The same from text in memory; path only names it in messages. */
int inventory_parse(inventory *inv, const char *path, const char *text, size_t len, char *err,
                    size_t errlen);
/** 0 when a step of max_servers servers fits inv's server hosts (one each, or several when
 * hosts_may_hold_several); -1 with err naming the inventory otherwise. */
int inventory_check_servers(const inventory *inv, unsigned max_servers, char *err, size_t errlen);
/** 0 unless a scenario that needs_database would have servers on other hosts and its database
 * on this machine, where it listens on 127.0.0.1 only; -1 with err naming the inventory and
 * the key that puts the database elsewhere then. */
int inventory_check_database(const inventory *inv, int needs_database, char *err, size_t errlen);
void inventory_free(inventory *inv);

#endif
