/*
 * deploy.h - putting N servers of a target up and taking them down again.
 * A deployer is a small table of functions, one file per kind: local
 * (deploy_local.c) starts them on this machine, ssh (deploy_ssh.c) on the
 * inventory's server hosts. deployer_for picks one from the inventory; the
 * run names no deployer itself.
 */
#ifndef TWICE_DEPLOY_H
#define TWICE_DEPLOY_H

#include <sys/types.h>

#include "inventory.h"
#include "scenario.h"
#include "server_sample.h"

#define DEPLOY_MAX_SERVERS 256

/** What a deployer keeps for a whole run between its open and close (its hosts' connections);
 * each deployer defines its own. */
typedef struct deploy_hosts deploy_hosts;

typedef struct deployer deployer;

typedef struct deployment {
    const deployer *deployer; /* the one that started the servers (start sets it) */
    unsigned n;
    pid_t pids[DEPLOY_MAX_SERVERS];            /* 0 once a server is stopped or found dead */
    int ports[DEPLOY_MAX_SERVERS];             /* all equal when the servers share one */
    int stderr_fds[DEPLOY_MAX_SERVERS];        /* each server's stderr (proc_output_fd), or -1 */
    int stdout_fds[DEPLOY_MAX_SERVERS];        /* twice-app's stdout, where it answers asks for
                                                  its count (served_count.h), or -1 */
    size_t stderr_read[DEPLOY_MAX_SERVERS];    /* how much of it check has looked through */
    unsigned lost_workers[DEPLOY_MAX_SERVERS]; /* workers that died and were replaced */
    char last_loss[DEPLOY_MAX_SERVERS][128];   /* what the server said of the last one */
    const char *cgroups[DEPLOY_MAX_SERVERS];   /* each server's cgroup directory (owned by the
                                                  deployer, valid until stop), or NULL: none */
    int caps_applied;                          /* 1 when every server runs under its CPU cap */
    int shared_port;                           /* 1 under the reuseport front: one port for all */
    int remote; /* 1: the servers run on other hosts, and pids are their ssh connections */
    const char *hosts[DEPLOY_MAX_SERVERS];   /* where the load reaches each server (borrowed) */
    int stdin_fds[DEPLOY_MAX_SERVERS];       /* ssh: the pipe to each server's supervisor */
    char cap_notes[DEPLOY_MAX_SERVERS][200]; /* ssh: whether each one's CPU cap applied */
    deploy_hosts *run_hosts;                 /* the deployer's, from the spec */
    pid_t remote_groups[DEPLOY_MAX_SERVERS]; /* ssh: each server's process group on its host,
                                                as its supervisor said; 0: not said */
    char remote_cgroups[DEPLOY_MAX_SERVERS][256]; /* ssh: its own cgroup there ("" none);
                                                     cgroups[i] points here */
} deployment;

typedef struct deploy_spec {
    const scenario *sc;
    const scenario_target *target; /* what to start: twice-app in a model, or a command */
    const char *app_path;          /* the twice-app binary */
    unsigned n;
    int allow_uncapped;  /* run without caps when they cannot be set */
    int shared_port;     /* 1: every server binds one port (the front says, front.h) */
    deploy_hosts *hosts; /* from the deployer's open */
    const char *db;      /* the shared database's conninfo (twice-app's --db, a command's {db}
                            and TWICE_DB), or NULL: none */
} deploy_spec;

struct deployer {
    const char *name;
    /** Before the run: gets the inventory's server hosts ready (inv may be NULL: all local) and
     * checks that each can run the scenario's target (app_path for twice-app). 0 with *hosts
     * set, to be given to close; or -1 with err naming the host and what is wrong. */
    int (*open)(deploy_hosts **hosts, const inventory *inv, const scenario *sc,
                const char *app_path, char *err, size_t errlen);
    /** After the run: lets go of the hosts (NULL is fine). */
    void (*close)(deploy_hosts *hosts);
    /** Starts spec->n servers and waits until each answers. 0, or -1 with err naming the
     * server and the tail of its stderr; nothing is left running on failure. */
    int (*start)(deployment *d, const deploy_spec *spec, char *err, size_t errlen);
    /** 0 while every server runs; -1 with err saying which one stopped and how. Counts, in
     * lost_workers, the workers a server replaced since it started (twice-app says so; other
     * commands are not known to). */
    int (*check)(deployment *d, char *err, size_t errlen);
    /** Stops every server and everything each one started. Safe to call twice. */
    void (*stop)(deployment *d);
    /** Samples each server's usage where it runs (server_sample.h), into samples[0..d->n), in
     * one go (one command per host): 0, or -1 with err when none could be read. What could not
     * be read of a server is missing from its sample and said in its note, never made up. */
    int (*sample)(const deployment *d, struct server_sample *samples, char *err, size_t errlen);
    /** Asks each server i with asked[i] set for its count of requests served (twice-app: its
     * master answers SIGUSR1 on stdout_fds[i], served_count.h), all at once. A server that
     * could not be asked gets asked[i] cleared, and the first such one's reason goes to why
     * (left alone when every one was asked). */
    void (*ask_served)(const deployment *d, int *asked, char *why, size_t whylen);
};

extern const deployer deployer_local;
extern const deployer deployer_ssh;

/** For a deployer's check: counts each server's lost workers (lost_workers_count) and returns
 * the first server whose process has ended, its wait status in *status and its pid forgotten;
 * -1 while all run. */
int deployment_ended(deployment *d, int *status);

/** The deployer for inv's server hosts: local without an inventory or when all of them are
 * "local", ssh when all are ssh destinations; NULL with err when the two are mixed. */
const deployer *deployer_for(const inventory *inv, char *err, size_t errlen);

#endif
