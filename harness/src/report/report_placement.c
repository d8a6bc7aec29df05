/*
 * report_placement.c - see report_placement.h.
 */
#include <stdio.h>

#include "report_figures.h"
#include "report_placement.h"

int report_hosts_print(FILE *out, const report_step *step, report_escape escape)
{
    for (size_t i = 0; i < step->nhosts; i++) {
        fputs(i ? ", " : "", out);
        escape(out, step->hosts[i].host);
        if (step->hosts[i].cpu_cap != NULL) {
            fputs(" (CPU cap ", out);
            escape(out, step->hosts[i].cpu_cap);
            fputs(")", out);
        }
    }
    return step->nhosts > 0;
}

/* A list of strings, ", " between them. */
static void print_list(FILE *out, const char *const *items, size_t n, report_escape escape)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", out);
        escape(out, items[i]);
    }
}

void report_inventory_print(FILE *out, const report_inventory *inv, report_escape escape)
{
    escape(out, inv->file);
    fputs(": server hosts ", out);
    print_list(out, inv->servers, inv->nservers, escape);
    fputs("; client hosts ", out);
    print_list(out, inv->clients, inv->nclients, escape);
    fputs("; balancer ", out);
    escape(out, inv->balancer);
}

int report_has_hosts(const report_doc *report)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            if (report->models[i].steps[j].nhosts > 0)
                return 1;
        }
    }
    return 0;
}

/* 1 when some run of step had several load clients. */
static int several_clients(const report_step *step)
{
    for (size_t k = 0; step->run_clients != NULL && k < step->nruns; k++) {
        if (step->run_clients[k].n > 1)
            return 1;
    }
    return 0;
}

/* One client's row: the run, its host and its figures, each cell between t's marks. */
static void client_row(FILE *out, const report_client_table *t, size_t run, const report_client *c)
{
    const char *open = t->open, *close = t->close;
    char wrk_cpu[64];
    fprintf(out, "%s%s%zu%s%s", t->row_start, open, run, close, open);
    t->escape(out, c->host);
    fprintf(out, "%s%s%lld%s%s%lld%s", close, open, c->connections, close, open, c->threads, close);
    fprintf(out, "%s%.0f%s%s%.0f%s", open, c->requests, close, open, c->throughput, close);
    fprintf(out, "%s%.2f%s%s%.2f%s", open, c->p50_ms, close, open, c->p99_ms, close);
    if (c->has_wrk_cpu)
        report_percent_text(wrk_cpu, sizeof(wrk_cpu), c->wrk_cpu, 0);
    else
        snprintf(wrk_cpu, sizeof(wrk_cpu), "unknown"); /* a remote host did not say */
    fprintf(out, "%s%.0f%s%s%s%s%s", open, c->errors, close, open, wrk_cpu, close, t->row_end);
}

void report_client_tables(FILE *out, const report_doc *report, const report_client_table *t)
{
    for (size_t i = 0; i < report->nmodels; i++) {
        for (size_t j = 0; j < report->models[i].nsteps; j++) {
            const report_step *step = &report->models[i].steps[j];
            if (!several_clients(step))
                continue;
            fputs(t->title, out);
            t->escape(out, report->models[i].name);
            fprintf(out, t->header, step->servers);
            for (size_t k = 0; k < step->nruns; k++) {
                for (size_t c = 0; c < step->run_clients[k].n; c++)
                    client_row(out, t, k + 1, &step->run_clients[k].clients[c]);
            }
            fputs(t->end, out);
        }
    }
}
