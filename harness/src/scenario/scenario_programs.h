/*
 * scenario_programs.h - whether the programs a scenario needs are installed
 * (scenario_programs.c) here: wrk, which drives the load, and the program of each
 * command target (the first word of its command), with what a gunicorn
 * worker class needs besides. Checked before anything is measured, so that
 * a run of many targets does not fail at the fifth for want of a package,
 * and the message names the Debian package that brings what is missing.
 */
#ifndef TWICE_SCENARIO_PROGRAMS_H
#define TWICE_SCENARIO_PROGRAMS_H

#include <stddef.h>

#include "scenario.h"

/**
 * 0 when wrk, when a client runs on this machine (load_here), and, when the servers run on
 * this machine (servers_here), every command target's program can be run (found on $PATH,
 * or as a path relative to the target's folder); -1 with err such as
 * "scenarios/peers.json:12:18: targets[3].command: "gunicorn" is not installed (apt-get
 * install gunicorn)". A command whose first word the shell would expand (a variable, a
 * quote) or run itself (a builtin such as cd) is not second-guessed.
 */
int scenario_check_programs(const scenario *sc, int servers_here, int load_here, char *err,
                            size_t errlen);

#endif
