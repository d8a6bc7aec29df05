/*
 * testbed_cli.h - `twice testbed up N [--clients K] [--balancer]
 * [--cpu-cap CORES] [--client-cpu-cap CORES] [--delay-ms MS] [--rate MBIT]
 * --inventory FILE` and `twice testbed down`
 * (testbed_cli.c): emulated hosts on this machine (testbed/testbed.h).
 */
#ifndef TWICE_TESTBED_CLI_H
#define TWICE_TESTBED_CLI_H

/** Runs the verb on its arguments (after "testbed"); returns the exit status: 0, or 2 for bad
 * input, a caller who is not root, or a bed that could not be made or removed (the reason on
 * stderr). */
int testbed_cli(int argc, char **argv);

#endif
