/*
 * breakdown.h - where a step's lost efficiency went (breakdown.c): the loss
 * N·X(1) − X(N) split into measured parts, from the figures each run's
 * window measured (measure/step_resources.c) and those of the first step,
 * the reference: a part is what the step lost beyond what the reference
 * already had, since X(1) was measured with it.
 *
 * How each part is estimated, per run, then averaged over the step's runs
 * (x1 is X(1) per server, ideal = N·x1, u_ref the CPU one server used per
 * second of window at the reference, so that x1 / u_ref is what a core of
 * server served there):
 *
 * A server's CPU below u_ref is a shortfall it served x1 / u_ref requests
 * per core short. It is split, in this order, into what kept it off a CPU:
 * - waited: its threads were runnable and waited for a CPU (run-queue
 *   delay, less the time its cgroup was throttled, which the kernel counts
 *   as run-queue delay too) beyond what the reference server waited;
 * - held: its cgroup throttled it: of what is left, the share of the CFS
 *   periods it was throttled in against the reference's (cpu.stat
 *   nr_throttled / nr_periods): it had work and the cap ended its turns
 *   before it used what one server alone used;
 * - underfed: idle, for want of requests, while the busiest server of the
 *   run (the one that used the most CPU: at its cap, when capped) had more
 *   work: up to the difference of their CPU;
 * - unloaded: idle as much as the busiest server was: no server had the
 *   work to use what one server alone used.
 * A server that used as much CPU as the reference has no shortfall, however
 * long it was throttled: a server at its cap that runs out its quota early
 * in each period is throttled longer, not slower.
 *
 * - front_imbalance: needs every server's connection count c_i (C in all,
 *   fair share C/N). On a waiting route (service time s), Little's law: a
 *   server serves min(c_i, h) requests at once, h what its model holds
 *   (process: workers, thread: workers × threads, coroutine: no limit);
 *   the part is ideal × (1 − Σ min(c_i, h) / (N · min(C/N, h))), what the
 *   actual split's bound lacks against an even split's. On CPU work, the
 *   servers' underfed CPU: the front gave the work to servers that could
 *   not take more (connections, requests and throttled periods of both
 *   named) while others idled; and, where the servers counted their
 *   requests and connections, what a server that held few connections (at
 *   most BREAKDOWN_FEW_CONNECTIONS of its share) lost at the CPU it used:
 *   its requests per CPU-second
 *   q_i below those of the servers that held their share, q_even, cost
 *   cpu_i·(q_even − q_i), at most what it fell below one server's rate.
 *   A capped server with few connections has few requests in hand each
 *   time it runs and spends more of its quota per request (cpu-capped at
 *   16 connections per server: reuseport gave one server 7 of 64, and it
 *   served 110k requests per CPU-second against 155k for the others).
 * - throttling: the servers' held CPU.
 * - cpu_starvation: on CPU work, the servers' waited CPU. On a waiting route,
 *   where a request needs a CPU only for part of its time, a server's waiting
 *   share of its runnable time w_i = wait / (cpu + wait) (wait: as above,
 *   throttled time left out) beyond the reference's costs x1·(w_i − w_ref)
 *   of the part of a request that needs a CPU: cpu / (cpu + s·requests).
 *   wrk's own beyond its reference costs ideal·(w − w_ref)·b, b its busy
 *   share of its threads: a generator that waits only slows the load when
 *   it is busy; on CPU work, at most the servers' unloaded CPU (a server at
 *   its cap lost nothing to wrk's waits), the rest of which is the
 *   load_generator's. Foreign CPU shows itself through these waits; it is named
 *   in the evidence and, beyond a threshold, flags the step (step_flags.h).
 * - load_generator: wrk opened fewer connections than asked (Debian's wrk
 *   does, wrk#509): ideal·(1 − open / asked), the load not offered; a
 *   wrk busier than BREAKDOWN_WRK_BUSY of its threads measures itself more
 *   and more: lost·(b − BREAKDOWN_WRK_BUSY) / (1 − BREAKDOWN_WRK_BUSY);
 *   and on CPU work, the servers' unloaded CPU: the connections wrk held
 *   did not bring any server the requests to use what one server used.
 * - shared_service: a service every server uses (a database) under a CPU
 *   cap c can serve at most X·c/u requests/s, u the cores it used for X:
 *   its capacity. When it ran near that capacity (u at least
 *   BREAKDOWN_SERVICE_NEAR of c, or throttled BREAKDOWN_SERVICE_THROTTLED
 *   of the window) and the reference did not, the servers could not get
 *   more than it gave: the part is ideal − capacity. Saturated already at
 *   one server, X(1) carries it and the part is 0; uncapped, its capacity
 *   is not known and the part is 0.
 * - system: the remainder, the system under test (sigma, kappa). Where the
 *   servers counted their requests, its evidence compares the requests they
 *   served per CPU-second with one server's: a server that used all the CPU
 *   one server used and served fewer requests lost them to its own cost per
 *   request, which none of the parts above explains.
 *
 * Parts are never negative; when the measured parts together exceed the
 * loss, they are scaled down in proportion, system is 0, and each
 * evidence says so. A figure that was not measured (no cgroup, no
 * connection counts, no window at all) gives its part 0 and the evidence
 * says what was missing.
 */
#ifndef TWICE_BREAKDOWN_H
#define TWICE_BREAKDOWN_H

#include <stddef.h>

/* The parts, in the report's order. */
enum breakdown_part {
    BREAKDOWN_FRONT_IMBALANCE,
    BREAKDOWN_THROTTLING,
    BREAKDOWN_CPU_STARVATION,
    BREAKDOWN_LOAD_GENERATOR,
    BREAKDOWN_SHARED_SERVICE,
    BREAKDOWN_SYSTEM,
    BREAKDOWN_PARTS
};

/* A server that held at most this share of its fair share of the connections has few requests
 * in hand at each turn. Nearer its share, the difference in its requests per CPU-second is
 * within what a window's CPU figure resolves (10 ms ticks where the cgroup's own usage is not
 * read: 5% of a tenth of a core over 2 s), and measured at 64 connections per server it was. */
#define BREAKDOWN_FEW_CONNECTIONS 0.80
/* Busier than this (of its threads), wrk starts to measure itself rather than the servers. */
#define BREAKDOWN_WRK_BUSY 0.80
/* A shared service that used this share of its CPU cap, or was throttled this share of the
 * window, is near its capacity: a cgroup's cap is reached in bursts, before the average is at
 * the cap itself. */
#define BREAKDOWN_SERVICE_NEAR 0.90
#define BREAKDOWN_SERVICE_THROTTLED 0.10

/** The report's name of a part ("front_imbalance"...). */
const char *breakdown_part_name(enum breakdown_part part);

/** One server over one run's window. */
typedef struct breakdown_server {
    double cpu_s;           /* core-seconds */
    double runqueue_wait_s; /* its threads' run-queue delay, throttled time included */
    int has_throttling;     /* 0: no cgroup counters */
    double throttled_s;     /* when has_throttling */
    long nr_throttled;      /* CFS periods it was throttled in, when has_throttling */
    long nr_periods;        /* CFS periods it had runnable threads in, when has_throttling */
    long connections;       /* ESTABLISHED connections held, -1: not counted */
    long requests;          /* requests it served in the window, -1: not counted */
} breakdown_server;

/** One run's window: what was measured, all borrowed. */
typedef struct breakdown_run {
    unsigned round;
    double window_s; /* > 0 */
    const breakdown_server *servers;
    size_t nservers;
    double wrk_cpu_s, wrk_runqueue_wait_s;
    unsigned wrk_threads;
    long wrk_connections_open; /* -1: not counted */
    unsigned wrk_connections_asked;
    double machine_busy_s; /* the whole machine's busy core-seconds */
    double machine_interrupt_s; /* ... of which irq and softirq (the network stack's); -1: not
                                   measured */
    double foreign_cpu_s;  /* CPU of processes twice did not start */
    unsigned cores;        /* the machine's */
    int has_service;       /* 1: a shared service's CPU was measured */
    double service_cpu_s;  /* its core-seconds, when has_service */
    int service_has_throttling;
    double service_throttled_s; /* when service_has_throttling */
} breakdown_run;

/** The first step's figures, per server, medians over its runs; known 0: none measured. */
typedef struct breakdown_reference {
    int known;
    double cpu_cores;          /* a server's CPU per second of window */
    double cpu_wait;           /* its wait for a CPU (breakdown_cpu_wait_s) per second of window */
    double wait_share;         /* that wait / (cpu + wait) */
    double throttled_periods;  /* nr_throttled / nr_periods; 0 without counters */
    double requests_per_cpu_s; /* its requests per CPU-second; 0: not counted */
    double wrk_wait_share;     /* wrk's run-queue wait / (cpu + wait) */
    int has_service;           /* the shared service's figures below were measured */
    double service_cores;      /* its CPU per second of window */
    double service_throttled;  /* its throttled_s / window_s */
    double interrupt_per_request_s; /* the machine's irq + softirq time per request the servers
                                       served; 0: not known */
} breakdown_reference;

typedef struct breakdown_input {
    unsigned servers;   /* N */
    double x1;          /* X(1) per server from the first step (requests/s); <= 0: none valid */
    double measured;    /* X(N), the step's median */
    double service_s;   /* a waiting route's time per request; 0: CPU work */
    double holds;       /* requests a server holds at once; 0: no limit */
    double service_cap; /* the shared service's CPU cap in cores; 0: none, or not applied */
    const breakdown_run *runs; /* the step's measured windows (borrowed), nruns of them */
    size_t nruns;
    breakdown_reference ref;
} breakdown_input;

typedef struct breakdown {
    double ideal, measured, lost; /* requests/s */
    double parts[BREAKDOWN_PARTS];
    char evidence[BREAKDOWN_PARTS][400];
    enum breakdown_part largest;
} breakdown;

/**
 * Splits in's loss into *out. 1 when there is a loss to split (N > 1, x1 > 0 and
 * X(N) < N·x1), 0 when there is none (out is then untouched).
 */
int breakdown_compute(const breakdown_input *in, breakdown *out);

/**
 * How long s's threads waited for a CPU while its cgroup let them run: the run-queue delay less
 * the throttled time (a throttled thread stays runnable, and the kernel counts its stall as
 * run-queue delay). Counted once per cgroup, so a server with several threads runnable in a
 * stall keeps some of it: an upper bound then.
 */
double breakdown_cpu_wait_s(const breakdown_server *s);

/** The reference from the first step's runs (known 0 when there are none). */
breakdown_reference breakdown_reference_of(const breakdown_run *runs, size_t nruns);

/**
 * What the shared service could serve under its cap (cores) at the rate it served measured
 * requests/s in the runs (the median of its cores over those that measured it): measured ×
 * cap / cores. 0 when that is not known (no cap, no run measured it, it used no CPU).
 */
double breakdown_service_capacity(const breakdown_run *runs, size_t nruns, double measured,
                                  double cap);

#endif
