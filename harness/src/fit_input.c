/*
 * fit_input.c - see fit_input.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_input.h"
#include "message_text.h"
#include "read_file.h"
#include "report_read.h"

static int looks_like_json(const char *text, size_t len)
{
    size_t i = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < len && strchr(" \t\r\n", text[i]) != NULL && text[i] != '\0')
        i++;
    return i < len && text[i] == '{';
}

/* One model's repetitions as (servers, throughput) pairs. */
static int model_set(const report_doc *doc, size_t index, fit_set *set, char *err, size_t errlen)
{
    const report_model *m = &doc->models[index];
    size_t count = 0;
    for (size_t j = 0; j < m->nsteps; j++)
        count += m->steps[j].has_summary ? m->steps[j].nruns : 0;
    char name[96];
    if (count == 0) {
        snprintf(err, errlen,
                 "%s: $.models[%zu] (model \"%s\"): no repetitions to fit "
                 "(steps[].runs[].throughput)",
                 doc->source, index, message_escape(name, sizeof(name), m->name));
        return -1;
    }
    set->model = strdup(m->name);
    set->data.servers = malloc(count * sizeof(double));
    set->data.throughput = malloc(count * sizeof(double));
    if (set->model == NULL || set->data.servers == NULL || set->data.throughput == NULL) {
        snprintf(err, errlen, "%s: out of memory", doc->source);
        return -1;
    }
    for (size_t j = 0; j < m->nsteps; j++) {
        for (size_t r = 0; m->steps[j].has_summary && r < m->steps[j].nruns; r++) {
            set->data.servers[set->data.count] = (double)m->steps[j].servers;
            set->data.throughput[set->data.count++] = m->steps[j].runs[r];
        }
    }
    return 0;
}

static int report_sets(const report_doc *doc, const char *model, fit_set *sets, size_t *nsets,
                       char *err, size_t errlen)
{
    size_t failed = 0;
    for (size_t i = 0; i < doc->nmodels; i++) {
        if (model != NULL && strcmp(doc->models[i].name, model) != 0)
            continue;
        /* A target whose run failed has no measurement to fit (none of its steps is
         * summarised): unless it is asked for by name, the others are fitted without it. */
        const report_analysis *a = &doc->models[i].analysis;
        if (model == NULL && a->present && strcmp(a->verdict, "failed") == 0) {
            failed++;
            continue;
        }
        if (model_set(doc, i, &sets[(*nsets)++], err, errlen) != 0)
            return -1;
    }
    char name[96];
    if (*nsets == 0 && model != NULL)
        snprintf(err, errlen, "%s: --model \"%s\": no model of that name in $.models[].model",
                 doc->source, message_escape(name, sizeof(name), model));
    else if (*nsets == 0 && failed != 0)
        snprintf(err, errlen, "%s: every model's run failed: nothing to fit", doc->source);
    else if (*nsets == 0)
        snprintf(err, errlen, "%s: $.models is empty: nothing to fit", doc->source);
    return *nsets != 0 ? 0 : -1;
}

int fit_sets_read(const char *path, const char *model, fit_set **sets, size_t *nsets, char *err,
                  size_t errlen)
{
    size_t len;
    *sets = NULL;
    *nsets = 0;
    char *text = read_file(path, &len, err, errlen);
    if (text == NULL)
        return -1;
    int rc = -1;
    if (looks_like_json(text, len)) {
        report_doc doc;
        if (report_read_text(&doc, path, text, len, err, errlen) == 0) {
            *sets = calloc(doc.nmodels + 1, sizeof(**sets));
            rc = *sets != NULL ? report_sets(&doc, model, *sets, nsets, err, errlen) : -1;
            if (*sets == NULL)
                snprintf(err, errlen, "%s: out of memory", path);
            report_doc_free(&doc);
        }
    } else if (model != NULL) {
        snprintf(err, errlen, "%s: --model picks a model of a Twice report, and this is a CSV",
                 path);
    } else if ((*sets = calloc(1, sizeof(**sets))) == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
    } else {
        *nsets = 1;
        rc = fit_csv_text(text, len, path, &(*sets)[0].data, err, errlen);
    }
    free(text);
    if (rc != 0) {
        fit_sets_free(*sets, *nsets);
        *sets = NULL;
        *nsets = 0;
    }
    return rc;
}

void fit_sets_free(fit_set *sets, size_t nsets)
{
    for (size_t i = 0; sets != NULL && i < nsets; i++) {
        free(sets[i].model);
        fit_data_free(&sets[i].data);
    }
    free(sets);
}
