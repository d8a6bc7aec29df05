/*
 * report_placement.h - where a run ran, as the Markdown and HTML reports
 * show it (report_placement.c): the inventory it was given, each step's
 * server hosts and whether each one's CPU cap applied, and each load
 * client's own figures. Strings from the report go through the writer's own
 * escaping, figures are printed as they are.
 */
#ifndef TWICE_REPORT_PLACEMENT_H
#define TWICE_REPORT_PLACEMENT_H

#include <stdio.h>

#include "report_read.h"

/** How a writer writes a string from the report: escaped for its output. */
typedef void (*report_escape)(FILE *out, const char *s);
/**
 * Where the step's servers ran, each host through escape (the writer's): "198.18.0.10 (CPU cap
 * applied), 198.18.0.11 (CPU cap not applied: ...)". Returns 0 when the report does not say
 * (nothing written).
 */
int report_hosts_print(FILE *out, const report_step *step, report_escape escape);
/** The inventory, each string through escape: "bed.json: server hosts root@198.18.0.10:22,
 * ...; client hosts ...; balancer local". */
void report_inventory_print(FILE *out, const report_inventory *inv, report_escape escape);
/** 1 when some step of report says where its servers ran. */
int report_has_hosts(const report_doc *report);
/** How a writer lays out the table of a step's load clients (report_client_tables). */
typedef struct report_client_table {
    const char *title;    /* before the model's name, which heads each table */
    const char *header;   /* after it: the step's server count (%lld) and the header row */
    report_escape escape; /* the writer's, for the model's name and the client's host */
    const char *row_start, *open, *close, *row_end; /* around each row, and each cell */
    const char *end;                                /* after the table's rows */
} report_client_table;
/**
 * Per step that had several load clients, a table of each client's own figures in each run:
 * the run, the client's host, its connections, threads, requests, requests per second, p50
 * and p99 ms, errors, and its wrk's CPU. Nothing for a report without several clients.
 */
void report_client_tables(FILE *out, const report_doc *report, const report_client_table *t);

#endif
