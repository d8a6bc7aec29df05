/*
 * deploy.h - putting N servers of a target up and taking them down again.
 * A deployer is a small table of functions, one file per kind: local
 * (deploy_local.c) starts them on this machine; remote hosts come later.
 */
#ifndef TWICE_DEPLOY_H
#define TWICE_DEPLOY_H

#include <sys/types.h>

#include "scenario.h"

#define DEPLOY_MAX_SERVERS 256

typedef struct deployment {
    unsigned n;
    pid_t pids[DEPLOY_MAX_SERVERS];            /* 0 once a server is stopped or found dead */
    int ports[DEPLOY_MAX_SERVERS];             /* all equal when the servers share one */
    int stderr_fds[DEPLOY_MAX_SERVERS];        /* each server's stderr (proc_output_fd), or -1 */
    size_t stderr_read[DEPLOY_MAX_SERVERS];    /* how much of it check has looked through */
    unsigned lost_workers[DEPLOY_MAX_SERVERS]; /* workers that died and were replaced */
    char last_loss[DEPLOY_MAX_SERVERS][128];   /* what the server said of the last one */
    const char *cgroups[DEPLOY_MAX_SERVERS];   /* each server's cgroup directory (owned by the
                                                  deployer, valid until stop), or NULL: none */
    int caps_applied;                          /* 1 when every server runs under its CPU cap */
} deployment;

typedef struct deploy_spec {
    const scenario *sc;
    const char *model;    /* for twice-app; NULL for a command */
    const char *app_path; /* the twice-app binary */
    unsigned n;
    int allow_uncapped; /* run without caps when they cannot be set */
    int shared_port;    /* 1: every server binds one port (the front says, front.h) */
    const char *db;     /* the shared database's conninfo (twice-app's --db, a command's {db}
                           and TWICE_DB), or NULL: none */
} deploy_spec;

typedef struct deployer {
    const char *name;
    /** Starts spec->n servers and waits until each answers. 0, or -1 with err naming the
     * server and the tail of its stderr; nothing is left running on failure. */
    int (*start)(deployment *d, const deploy_spec *spec, char *err, size_t errlen);
    /** 0 while every server runs; -1 with err saying which one stopped and how. Counts, in
     * lost_workers, the workers a server replaced since it started (twice-app says so; other
     * commands are not known to). */
    int (*check)(deployment *d, char *err, size_t errlen);
    /** Stops every server and everything each one started. Safe to call twice. */
    void (*stop)(deployment *d);
} deployer;

extern const deployer deployer_local;

#endif
