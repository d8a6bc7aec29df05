/*
 * report_read.h - the one reader of JSON reports (report_read.c). It checks a
 * report once, at the edge, against schema "twice.report/1" (every field the
 * gate, compare and the writers use: its type and its range) and hands them
 * C structs. A malformed file is refused with the JSON path of what is wrong;
 * past this reader nothing touches raw JSON.
 */
#ifndef TWICE_REPORT_READ_H
#define TWICE_REPORT_READ_H

#include <stddef.h>

#include <jansson.h>

#include "scenario.h"

#define REPORT_SCHEMA "twice.report/1"

/** A 95% interval, where the report has one (older reports do not). */
typedef struct report_interval {
    int present;
    double lo, hi; /* lo <= hi */
} report_interval;

/** A step's front, as its summary says (older reports have none). */
typedef struct report_front {
    int present;
    const char *name;    /* "reuseport", "direct", "haproxy"... */
    const char *balance; /* the balancer's algorithm; "" for a front without one */
    int has_cpu;         /* the balancer's CPU, a share of one core (median over the runs) */
    double cpu;
    const char *cpu_unmeasured; /* why some run's balancer CPU is unknown; "" when none is */
    int has_spread;             /* max/min - 1 of the servers' requests (median over the runs) */
    double spread;
} report_front;

/** One server's use of the machine over one measurement window (runs[].resources.servers[]). */
typedef struct report_server_window {
    double cpu_user_s, cpu_system_s, cpu_s; /* core-seconds */
    double peak_rss_bytes;                  /* of its process group */
    double runqueue_wait_s;                 /* its threads' wait for a CPU */
    int has_throttling;                     /* 0: no cgroup (the next three are 0) */
    double throttled_s, nr_throttled, nr_periods;
    int has_connections; /* 0: not counted */
    double connections;
    int has_requests; /* 0: not known */
    double requests;
} report_server_window;

/** What one measurement window used (runs[].resources); present is 0 in older reports. */
typedef struct report_window_resources {
    int present;
    double window_s;
    report_server_window *servers; /* one per server, in server order */
    size_t nservers;
    int has_wrk; /* the load generator's figures */
    double wrk_cpu_s, wrk_runqueue_wait_s, wrk_connections_open, wrk_connections_asked;
    int has_wrk_connections_open; /* 0: not counted (null) */
    int has_machine;
    double machine_cores, machine_busy_s, machine_foreign_cpu_s;
    const char *notes; /* what could not be measured; "" when nothing */
} report_window_resources;

/** One server's resources over a step: medians over its runs (summary.resources.servers[]). */
typedef struct report_server_resources {
    double cpu_user_s, cpu_system_s, peak_rss_bytes;
    int has_requests_per_cpu_s; /* 0 when its CPU was 0 or its requests unknown */
    double requests_per_cpu_s;
} report_server_resources;

/** A step's resources (summary.resources); present is 0 in older reports. */
typedef struct report_step_resources {
    int present;
    report_server_resources *servers; /* one per server, in server order */
    size_t nservers;
    double cpu_s; /* all servers together, per window */
    int has_requests_per_cpu_s;
    double requests_per_cpu_s; /* the step's requests per server CPU-second */
} report_step_resources;

/** Where a step's lost throughput went, in the order the report lists the parts. */
typedef enum report_loss_part {
    REPORT_LOSS_FRONT_IMBALANCE,
    REPORT_LOSS_THROTTLING,
    REPORT_LOSS_CPU_STARVATION,
    REPORT_LOSS_LOAD_GENERATOR,
    REPORT_LOSS_SHARED_SERVICE,
    REPORT_LOSS_SYSTEM,
    REPORT_LOSS_PARTS
} report_loss_part;

/** The part's name in the JSON ("front_imbalance"). */
const char *report_loss_part_name(report_loss_part part);

typedef struct report_loss {
    int present;          /* 0: the report does not list this part */
    double lost;          /* requests per second, >= 0 */
    const char *evidence; /* the measurement behind it; "" when none */
} report_loss;

/**
 * summary.breakdown: the ideal N * X(1), the measured X(N), and the loss between them split in
 * parts that sum to it (checked by the reader within rounding). present is 0 for a step without
 * one (N = 1, E(N) >= 1, no valid X(1), or an older report).
 */
typedef struct report_breakdown {
    int present;
    double ideal, measured, lost; /* requests per second */
    report_loss parts[REPORT_LOSS_PARTS];
    report_loss_part largest; /* a present part with the largest loss */
} report_breakdown;

/** Where a super-linear step's gain came from (summary.gain); present 0 when the step has
 * none (N = 1, E(N) <= 1, no valid X(1), or an older report). */
typedef struct report_gain {
    int present;
    double ideal, measured, gained; /* requests per second */
    const char *evidence;           /* the figures behind it, in words */
} report_gain;

/** A step's measured figures, summarized over its repetitions. */
typedef struct report_summary {
    double median, min, max; /* throughput, requests per second */
    report_interval ci;      /* of the median throughput */
    double efficiency;       /* E(N) against the model's first step, when has_efficiency */
    int has_efficiency;      /* 0 in a model the run stopped in before its analysis */
    report_interval efficiency_ci;
    int valid;          /* 0: flagged, the figure is not the system's */
    const char **flags; /* why it is flagged, nflags of them */
    size_t nflags;
    double p50_ms, p99_ms;
    double requests, errors, non2xx, failed_checks;
    double best_bound; /* the lowest of the step's bounds on throughput; 0 when none is known */
    report_front front;
    report_step_resources resources;
    report_breakdown breakdown;
    report_gain gain;
    int disturbed; /* other work on the machine tripped a threshold: a flag says which figure */
    const char *disturbed_flag; /* that flag ("disturbed: ..."), when disturbed; else NULL */
} report_summary;

/** One load client's own figures in one run (runs[k].clients[j]). */
typedef struct report_client {
    const char *host;               /* "local" or its ssh destination */
    long long connections, threads; /* its share of the step's, >= 1 each */
    double requests, throughput;    /* its own requests and requests per second */
    double p50_ms, p99_ms;          /* its own latency */
    double errors;
    double wrk_cpu;  /* its wrk's CPU over its duration and threads: near 1 is saturated */
    int has_wrk_cpu; /* 0: not known (null: a remote host did not report it) */
} report_client;

/** The clients of one run; none in reports older than several clients. */
typedef struct report_run_clients {
    report_client *clients;
    size_t n;
} report_run_clients;

/** Where one server of a step ran (steps[].hosts[]). */
typedef struct report_host {
    const char *host;    /* its address: "127.0.0.1" locally, an inventory host's otherwise */
    const char *cpu_cap; /* whether its CPU cap applied there ("applied", "not applied: why");
                            NULL where the deployer does not say (no cap asked, or local) */
} report_host;

typedef struct report_step {
    long long servers;  /* >= 1; 0 only in a step that never started (no summary) */
    report_host *hosts; /* one per server, in server order; none in older reports */
    size_t nhosts;
    double *runs; /* every repetition's throughput (runs[].throughput), nruns of them */
    report_window_resources *run_resources; /* each repetition's resources, nruns of them */
    report_run_clients *run_clients;        /* each repetition's clients, nruns of them */
    size_t nruns;
    double *server_requests; /* what the front counted per server (runs[].front.servers[]:
                                requests, else sessions), summed over the runs */
    size_t nservers_counted; /* 0 when the front counts nothing */
    int has_summary;         /* 0 when the run stopped before the step was measured */
    report_summary summary;
} report_step;

/** A fitted figure and its 95% interval (absent where the fit gives none). */
typedef struct report_estimate {
    double value;
    report_interval ci;
} report_estimate;

typedef struct report_usl {
    int fitted;       /* the rest is meaningful when fitted */
    int amdahl;       /* kappa fixed at 0 */
    int super_linear; /* sigma < 0 */
    report_estimate lambda, sigma, kappa;
    int has_residual_se; /* 0 without degrees of freedom */
    double residual_se;
    int has_peak; /* throughput peaks at peak_servers */
    report_estimate peak_servers, peak_throughput;
    const char *note; /* "" when nothing is missing */
} report_usl;

/** X(N) the fit predicted; where N was measured too, whether the measurement held it. */
typedef struct report_prediction {
    long long servers; /* >= 1 */
    int has_value;     /* 0: no prediction (note says why) */
    double value;
    report_interval pi; /* the 95% prediction interval, where there is one */
    int measured;       /* N was measured: median is its median throughput */
    double median;
    int has_held, held; /* whether the median lies in pi, when it was checked */
    const char *note;   /* "" when nothing is missing */
} report_prediction;

typedef struct report_analysis {
    int present;         /* 0: the run stopped before this model was analysed */
    const char *verdict; /* "linear", "sub-linear", "inconclusive", "invalid", "unknown", ... */
    const char *verdict_note;     /* which interval decided, or why none did; "" when none */
    long long repetitions_needed; /* inconclusive: repetitions in all likely to decide; 0: none
                                     given */
    const char *limiting_factor;  /* NULL when none was named */
    const char *error;            /* NULL, or why the analysis could not be made */
    report_usl usl;
    report_prediction *predictions; /* npredictions of them (none in older reports) */
    size_t npredictions;
} report_analysis;

/** What a model's entry ran: twice-app in a model, or a command (reports from before
 * targets do not say). */
typedef struct report_target {
    int present;
    const char *kind;    /* "twice-app" or "command" */
    const char *model;   /* twice-app: its model; NULL for a command */
    const char *command; /* command: its command line; NULL for twice-app */
    const char *cwd;     /* command: the folder it ran in, as the scenario gave it; or NULL */
} report_target;

typedef struct report_model {
    const char *name; /* the target's label (a model's name for twice-app's older form) */
    report_target target;
    report_step *steps;
    size_t nsteps;
    report_analysis analysis;
} report_model;

/** The inventory a run was given (absent: everything ran here, or an older report). */
typedef struct report_inventory {
    int present;
    const char *file;                /* its path, as given to twice run */
    const char **servers, **clients; /* each host as written: "local" or user@host[:port] */
    size_t nservers, nclients;
    const char *balancer; /* where a balancer runs: "local" unless it says */
} report_inventory;

/**
 * A report as read. Strings point into the parsed JSON the struct holds:
 * they live until report_doc_free(). Strings are as in the file (anything
 * but NUL): writers escape them for their output.
 */
typedef struct report_doc {
    const char *status;                     /* "complete", "failed" or "interrupted" */
    const char *error;                      /* "" unless the run failed */
    const char *name, *description, *route; /* the scenario's (route: its workload's) */
    scenario_gate gate;                     /* the scenario's thresholds */
    const char *cpu_model, *kernel;         /* the machine's ("" when unknown) */
    long long cores;
    const char *interval; /* how the intervals were made; "" in a report without them */
    int has_seed;         /* 1: the seed of the run's order (and bootstrap) is known */
    long long seed;
    report_inventory inventory;
    report_model *models;
    size_t nmodels;
    char *source; /* owned: the name the reader was given (the file), for messages */
    json_t *json; /* owned: the parsed file */
} report_doc;

/**
 * Reads and checks the report in text (len bytes; name only names it in
 * messages). Returns 0, or -1 with err of the form "NAME: $.models[2].model:
 * expected a string, got a number" (or NAME:LINE:COLUMN for JSON that does
 * not parse). On -1 there is nothing to free.
 */
int report_read_text(report_doc *doc, const char *name, const char *text, size_t len, char *err,
                     size_t errlen);
/** The same from the file at path. */
int report_read_file(report_doc *doc, const char *path, char *err, size_t errlen);
/** The same from JSON in memory (not stolen: the doc takes its own reference). */
int report_read_json(report_doc *doc, json_t *json, const char *name, char *err, size_t errlen);
void report_doc_free(report_doc *doc);

#endif
