/*
 * scenario_machine.h - whether this machine can hold a scenario's largest
 * step (scenario_machine.c). Each value of a scenario may be in range and
 * their product still absurd: 100000 connections per server times 256
 * servers is more sockets than wrk may open or loopback has ports for,
 * and workers x threads x servers more threads than the kernel allows.
 * Such a run would fail late, or worse, measure its own failures; it is
 * refused up front, saying what the machine can hold.
 */
#ifndef TWICE_SCENARIO_MACHINE_H
#define TWICE_SCENARIO_MACHINE_H

#include <stddef.h>

#include "scenario.h"

typedef struct machine_limits {
    unsigned long long open_files; /* per process: one per wrk connection */
    unsigned long long ports;      /* ephemeral ports: connections to one server port */
    unsigned long long tasks;      /* threads and processes the servers may start */
    const char *open_files_from, *ports_from, *tasks_from; /* where each limit comes from */
} machine_limits;

/** This machine's limits: ulimit -n, net.ipv4.ip_local_port_range, and the least of
 * ulimit -u, kernel.threads-max and kernel.pid_max. */
void machine_limits_probe(machine_limits *out);
/** 0 when the largest step of sc fits limits; -1 with err ("FILE: what, what the machine
 * holds") otherwise. */
int scenario_check_machine(const scenario *sc, const machine_limits *limits, char *err,
                           size_t errlen);

#endif
