/*
 * fit_cli.h - `twice fit FILE [--predict N]... [--json]` (fit_cli.c): the USL
 * fitted to a CSV of measurements, printed for people or as JSON.
 */
#ifndef TWICE_FIT_CLI_H
#define TWICE_FIT_CLI_H

/** Runs the verb on its arguments (after "fit"); returns the exit status: 0, or 2 for bad
 * input (a bad flag, a bad file, a fit that cannot be made), the reason on stderr. */
int fit_cli(int argc, char **argv);

#endif
