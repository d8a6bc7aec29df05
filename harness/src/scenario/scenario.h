/*
 * scenario.h - what a scenario file says (scenario.c): the workload (route
 * and check), the targets to compare on it (twice-app in a model, or any
 * command that serves HTTP), the server counts to step through, the load,
 * and the gate's thresholds. Loading checks everything, and every error
 * names the file, line and column.
 */
#ifndef TWICE_SCENARIO_H
#define TWICE_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "front.h"
#include "scenario_services.h"

#define SCENARIO_MAX_STEPS 64
/* Server counts a scenario may ask the fit to predict, and the largest one. */
#define SCENARIO_MAX_PREDICT 64
#define SCENARIO_MAX_PREDICT_SERVERS 1000000
/* Targets compared in one scenario: the six peers and nginx, with room to spare. */
#define SCENARIO_MAX_TARGETS 16
#define SCENARIO_MAX_REPETITIONS 100
/* Enough repetitions for a bootstrap interval to mean something. */
#define SCENARIO_DEFAULT_REPETITIONS 5
/* Seeds stay below 2^53 so that every JSON reader holds them exactly. */
#define SCENARIO_MAX_SEED ((1ull << 53) - 1)
/* A scenario is a few hundred bytes; its positions cost some 50 times its size. */
#define SCENARIO_MAX_BYTES (1u << 20)

/** How responses are checked under load. */
typedef enum {
    SCENARIO_CHECK_STATUS,    /* a 2xx status */
    SCENARIO_CHECK_PLAINTEXT, /* the body is "Hello, World!" */
    SCENARIO_CHECK_JSON,      /* the body parses as JSON */
    SCENARIO_CHECK_CTX,       /* /ctx: "before" and "after" equal the id sent */
} scenario_check;

typedef struct scenario_gate {
    double min_efficiency; /* each threshold applies only when its has_ flag is set */
    double max_sigma;
    double max_p99_ms;
    double max_error_rate;
    int has_min_efficiency, has_max_sigma, has_max_p99_ms, has_max_error_rate;
} scenario_gate;

/** What a target is: twice-app in one of its models, or any command that serves HTTP. */
typedef enum {
    SCENARIO_TARGET_APP,
    SCENARIO_TARGET_COMMAND,
} scenario_target_kind;

/** One server to compare: the report's "model" entry is named by its label. */
typedef struct scenario_target {
    char *label; /* unique in the scenario; a plain name (scenario_name_check) */
    char *where; /* its JSON path, for messages: "targets[3]", or "target" in the older form */
    scenario_target_kind kind;
    const char *model;         /* twice-app: "process", "thread" or "coroutine" (static) */
    unsigned workers, threads; /* twice-app: per server (the workload's unless overridden) */
    unsigned db_pool;          /* twice-app: --db-pool, connections per thread; 0: no limit */
    char *command;             /* command: with {host} and {port} */
    char *cwd;                 /* command: its folder as the scenario gives it, or NULL */
    char *cwd_path;            /* command: cwd resolved against the scenario's folder, or NULL */
    int command_line, command_column; /* command: where the command is in the file */
} scenario_target;

typedef struct scenario {
    char *path;
    char *name, *description;
    char *route;               /* the workload: what every target is asked */
    unsigned workers, threads; /* per server, for twice-app targets that do not say */
    scenario_check check;
    scenario_target targets[SCENARIO_MAX_TARGETS];
    size_t ntargets;
    unsigned servers[SCENARIO_MAX_STEPS];
    size_t nservers;
    unsigned connections_per_server;
    double warmup_s, duration_s;
    unsigned repetitions;
    unsigned predict[SCENARIO_MAX_PREDICT]; /* server counts to predict X(N) at, from the fit */
    size_t npredict;
    int has_seed;        /* 0: the run picks a seed of its own */
    uint64_t seed;       /* of the shuffled order of each round (and the bootstrap) */
    const front *front;  /* how load reaches the servers (front.h); reuseport by default */
    const char *balance; /* the front's balancing algorithm (static), NULL for a front without */
    double cpu_cap;      /* cores per server; 0: no cap */
    scenario_gate gate;
    scenario_services services; /* the shared services every server uses (a database) */
    json_t *json;               /* the file as parsed, for the report */
} scenario;

/**
 * Loads and checks the scenario at path, that this machine can hold its largest step
 * (scenario_machine.h) and has the programs it runs (scenario_programs.h). Returns 0, or -1 with a
 * message in err of the form "FILE:LINE:COLUMN: what is wrong" (an unknown key also names the
 * nearest known one). sc is to be freed with scenario_free either way.
 */
int scenario_load(scenario *sc, const char *path, char *err, size_t errlen);
/** The same from text in memory, without the machine's limits; path only names it in
 * messages. */
int scenario_parse(scenario *sc, const char *path, const char *text, size_t len, char *err,
                   size_t errlen);
void scenario_free(scenario *sc);

#endif
