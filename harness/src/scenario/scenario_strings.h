/*
 * scenario_strings.h - what a scenario's name and route may hold
 * (scenario_strings.c). The name becomes part of report file names, so it
 * is a plain file name; the route goes into every request wrk sends and
 * into the reports, so it is a URL path and query, nothing a request line
 * or a Markdown table could be split by.
 */
#ifndef TWICE_SCENARIO_STRINGS_H
#define TWICE_SCENARIO_STRINGS_H

#include <stddef.h>

#define SCENARIO_NAME_MAX 100   /* bytes: report names add a time stamp and an extension */
#define SCENARIO_ROUTE_MAX 4096 /* bytes: h2o refuses request heads beyond 8 KiB */

/** 0 when name is 1 to SCENARIO_NAME_MAX letters, digits, '.', '-' or '_', not starting
 * with '.'; -1 with why ("what is allowed; what is wrong") otherwise. */
int scenario_name_check(const char *name, char *why, size_t whylen);
/** 0 when route is '/' then URL path and query characters, %XX escapes and {id}, at most
 * SCENARIO_ROUTE_MAX bytes; -1 with why otherwise. */
int scenario_route_check(const char *route, char *why, size_t whylen);

#endif
