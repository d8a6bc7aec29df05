/*
 * step_flags.h - what makes a step's figure not the system's (step_flags.c),
 * each flag a sentence that states the measured figure that tripped it:
 *
 * - "load generator saturated": wrk used more than STEP_SATURATED_WRK of
 *   its threads' time (from wait4 on wrk over the whole run).
 * - "repetitions too noisy": a coefficient of variation above STEP_NOISY_CV.
 * - "CPU caps ... need more than the cores": the caps of the servers on
 *   this machine together plus the cores its wrk threads were measured to
 *   use (the busiest run) and a local balancer's core exceed the machine's. Not wrk's threads: with
 * the direct front wrk runs one thread per server, and each may use a fraction of a core.
 * - "disturbed": in some run, processes twice did not start used at least
 *   STEP_DISTURBED_FOREIGN_CORES cores on average over the window while
 *   the run was short of CPU because of it: the machine had less than
 *   STEP_DISTURBED_IDLE_CORES idle (whatever needed a CPU waited), or wrk's
 *   or the servers' threads waited for a CPU more than
 *   STEP_DISTURBED_WAIT_SHARE of their runnable time (a capped server's
 *   throttled time left out: breakdown_cpu_wait_s; its cap holding it is
 *   what the cap is for, not a disturbance). A quarter of a core
 *   is as large as the effects a run measures on a small machine (caps of
 *   a tenth of a core); but others' work on cores the run left idle took
 *   nothing from it, and waits with nothing foreign running are the servers
 *   and wrk crowding each other, which is part of what is measured.
 * - "test bed saturated": the hosts are a test bed's, emulated on this
 *   machine, and over the step's runs the machine kept idle a median of
 *   less than STEP_BED_IDLE_SHARE of its cores. Such hosts share the
 *   machine's cores and its one network stack: once those are nearly all
 *   busy, each host's requests wait on the others' work, which separate
 *   machines would not do, so the step measures the machine. The median, so
 *   that one busy moment does not decide it.
 */
#ifndef TWICE_STEP_FLAGS_H
#define TWICE_STEP_FLAGS_H

#include <jansson.h>

#include "breakdown.h"

#define STEP_NOISY_CV 0.10      /* repetitions further apart than this are not one measurement */
#define STEP_SATURATED_WRK 0.90 /* wrk busier than this measures itself, not the servers */
#define STEP_DISTURBED_FOREIGN_CORES 0.25
#define STEP_DISTURBED_IDLE_CORES 0.25
#define STEP_DISTURBED_WAIT_SHARE 0.25
#define STEP_BED_IDLE_SHARE 0.25

typedef struct step_flags_input {
    const double *throughputs; /* each run's, n of them */
    const double *wrk_busy;    /* each run's wrk CPU / (duration x threads) */
    size_t n;
    unsigned servers, threads; /* servers, and wrk's threads */
    /* Of them, those on this machine: only they take its cores (servers and load clients on
     * other hosts use theirs). */
    unsigned servers_here, threads_here;
    double cpu_cap;         /* cores per server, when capped */
    int capped;             /* the caps were applied */
    long cores;             /* the machine's */
    double front_cores;     /* what a balancer on this machine takes (0: none) */
    const char *front_name; /* its front's name, for the flag */
    double service_cap;     /* a shared service's CPU cap on this machine (0: none) */
    size_t clients;         /* load clients: above one, saturation is flagged per client by the load
                               stage (load_saturation_flags), not here */
    int hosts_emulated;     /* the hosts are a test bed's on this machine, sharing its cores */
    const breakdown_run *windows; /* the runs' measured windows, nwindows of them */
    size_t nwindows;
} step_flags_input;

/** The step's flags, strings in a new JSON array (empty: a valid step). */
json_t *step_flags(const step_flags_input *in);
/** 1 when flag (a string of step_flags) says the step was disturbed. */
int step_flag_is_disturbed(const char *flag);

#endif
