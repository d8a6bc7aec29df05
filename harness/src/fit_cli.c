/*
 * fit_cli.c - `twice fit`: reads measurements (a CSV, or each model of a Twice
 * report: fit_input), fits the Universal Scalability Law to them (usl_nls) and
 * prints the parameters with their 95% intervals, the peak, and the
 * predictions asked for, as a table or as JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit_cli.h"
#include "fit_input.h"
#include "message_text.h"
#include "usl_json.h"
#include "usl_nls.h"

#define EXIT_BAD_INPUT 2

typedef struct fit_request {
    const char *path;
    const char *model; /* --model: one model of a report */
    int json;
    double *predict; /* servers to predict X at (argc of them at most) */
    size_t npredict;
} fit_request;

static int bad_flag(const char *fmt, const char *value)
{
    fprintf(stderr, "twice fit: ");
    fprintf(stderr, fmt, value);
    fprintf(stderr, "\n(usage: twice fit FILE [--model NAME] [--predict N]... [--json])\n");
    return EXIT_BAD_INPUT;
}

static int parse_servers(const char *value, double *out)
{
    char *end;
    long n = strtol(value, &end, 10);
    if (*value < '0' || *value > '9' || *end != '\0' || n < 1 || n > FIT_CSV_MAX_SERVERS)
        return -1;
    *out = (double)n;
    return 0;
}

static int parse_args(int argc, char **argv, fit_request *req)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            req->json = 1;
        } else if (strcmp(argv[i], "--model") == 0) {
            if (i + 1 == argc)
                return bad_flag("%s needs the name of a model in the report", argv[i]);
            req->model = argv[++i];
        } else if (strcmp(argv[i], "--predict") == 0) {
            if (i + 1 == argc)
                return bad_flag("%s needs a number of servers", argv[i]);
            if (parse_servers(argv[i + 1], &req->predict[req->npredict]) != 0)
                return bad_flag("--predict: expected a whole number of servers from 1 to "
                                "1000000, got '%s'",
                                argv[i + 1]);
            req->npredict++;
            i++;
        } else if (argv[i][0] == '-' || req->path != NULL) {
            return bad_flag("unexpected argument \"%s\"", argv[i]);
        } else {
            req->path = argv[i];
        }
    }
    if (req->path == NULL)
        return bad_flag("name a CSV file of measurements (header servers,throughput) or a "
                        "Twice report%s",
                        "");
    return 0;
}

/* Each sentence of the notes, as an array. */
static json_t *notes_json(const char *notes)
{
    json_t *list = json_array();
    const char *p = notes;
    while (*p != '\0') {
        const char *end = strstr(p, ". ");
        size_t len = end != NULL ? (size_t)(end - p) + 1 : strlen(p);
        json_array_append_new(list, json_stringn(p, len));
        p += len;
        while (*p == ' ')
            p++;
    }
    return list;
}

/* The fit as JSON (a report's model named in "report_model"); NULL, said on stderr, if a figure
 * cannot be written as JSON. */
static json_t *fit_json(const char *model, const usl_nls *fit, const usl_prediction *predictions,
                        const int *ok, size_t n)
{
    json_t *list = json_array();
    int complete = 1;
    for (size_t i = 0; i < n; i++) {
        const usl_prediction *p = &predictions[i];
        complete &=
            json_array_append_new(
                list,
                json_pack("{s:I, s:o, s:o, s:o}", "servers", (json_int_t)p->servers, "value",
                          ok[i] ? json_real(p->value) : json_null(), "ci95",
                          usl_interval_json(ok[i] && p->has_intervals, p->ci_lo, p->ci_hi), "pi95",
                          usl_interval_json(ok[i] && p->has_intervals, p->pi_lo, p->pi_hi))) == 0;
    }
    json_t *out = usl_json(fit);
    if (out != NULL) /* each set steals its value, even when it fails */
        complete &=
            (json_object_set_new(out, "model", json_string(fit->amdahl ? "amdahl" : "usl")) |
             (model != NULL ? json_object_set_new(out, "report_model", json_string(model)) : 0) |
             json_object_set_new(out, "notes", notes_json(fit->notes)) |
             json_object_set_new(out, "predictions", list)) == 0;
    else
        json_decref(list);
    /* jansson refuses a NaN or an infinity (json_real gives NULL, and so does the pack that
     * holds it): say so rather than print an object with a figure missing. */
    if (out == NULL || !complete) {
        json_decref(out);
        fprintf(stderr, "twice fit: a figure of the fit is not a finite number\n");
        return NULL;
    }
    return out;
}

static void print_json(json_t *out)
{
    char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    printf("%s\n", text);
    free(text);
}

static void print_estimate(const char *name, const usl_estimate *e)
{
    printf("%-8s %-12.6g", name, e->value);
    if (e->has_ci)
        printf(" [%.6g, %.6g]", e->lo, e->hi);
    else
        printf(" (no interval)");
    printf("\n");
}

static void print_text(const char *path, const char *model, const usl_nls *fit,
                       const usl_prediction *predictions, const int *ok, size_t n)
{
    fputs(path, stdout);
    if (model != NULL) {
        fputs(", model ", stdout);
        message_print(stdout, model);
    }
    printf(": %zu measurements at %zu server counts, %s\n", fit->points, fit->counts,
           fit->amdahl ? "Amdahl's law (kappa = 0)" : "Universal Scalability Law");
    printf("%-8s %-12s %s\n", "", "estimate", "95% interval");
    print_estimate("sigma", &fit->sigma);
    print_estimate("kappa", &fit->kappa);
    print_estimate("lambda", &fit->lambda);
    if (fit->dof > 0)
        printf("residual standard error: %.6g (%zu degrees of freedom)\n", fit->residual_se,
               fit->dof);
    else
        printf("residual standard error: none (no degrees of freedom)\n");
    if (fit->has_peak) {
        print_estimate("peak N*", &fit->peak_n);
        print_estimate("X(N*)", &fit->peak_x);
    } else {
        printf("peak: none (there is one only when kappa > 0 and sigma < 1)\n");
    }
    for (size_t i = 0; i < n; i++) {
        const usl_prediction *p = &predictions[i];
        if (!ok[i])
            printf("X(%g): no prediction\n", p->servers);
        else if (p->has_intervals)
            printf("X(%g) = %.6g, 95%% confidence [%.6g, %.6g], 95%% prediction [%.6g, %.6g]\n",
                   p->servers, p->value, p->ci_lo, p->ci_hi, p->pi_lo, p->pi_hi);
        else
            printf("X(%g) = %.6g (no interval)\n", p->servers, p->value);
    }
    if (fit->notes[0] != '\0')
        printf("notes: %s\n", fit->notes);
}

/* One data set fitted and printed as text, or its JSON object into *json. */
static int fit_one(const fit_request *req, const fit_set *set, json_t **json)
{
    char err[1024];
    usl_nls fit;
    if (usl_nls_fit(set->data.servers, set->data.throughput, set->data.count, &fit, err,
                    sizeof(err)) != 0) {
        fprintf(stderr, "twice fit: %s%s%s: %s\n", req->path, set->model != NULL ? ", model " : "",
                set->model != NULL ? set->model : "", err);
        return EXIT_BAD_INPUT;
    }
    usl_prediction *predictions = calloc(req->npredict + 1, sizeof(*predictions));
    int *ok = calloc(req->npredict + 1, sizeof(*ok));
    int rc = 0;
    if (predictions == NULL || ok == NULL) {
        fprintf(stderr, "twice fit: out of memory\n");
        rc = EXIT_BAD_INPUT;
    }
    for (size_t i = 0; rc == 0 && i < req->npredict; i++) {
        ok[i] = usl_nls_predict(&fit, req->predict[i], &predictions[i], err, sizeof(err)) == 0;
        if (!ok[i])
            fprintf(stderr, "twice fit: %s\n", err);
    }
    if (rc == 0 && req->json)
        rc = (*json = fit_json(set->model, &fit, predictions, ok, req->npredict)) != NULL
                 ? 0
                 : EXIT_BAD_INPUT;
    else if (rc == 0)
        print_text(req->path, set->model, &fit, predictions, ok, req->npredict);
    free(predictions);
    free(ok);
    return rc;
}

/*
 * Every data set of the file, one block each; with --json one object for a CSV or a report's
 * --model, else an array of one object per model.
 */
static int fit_and_print(const fit_request *req)
{
    char err[1024];
    fit_set *sets;
    size_t nsets;
    if (fit_sets_read(req->path, req->model, &sets, &nsets, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice fit: ");
        message_print(stderr, err);
        fputc('\n', stderr);
        return EXIT_BAD_INPUT;
    }
    int one = sets[0].model == NULL || req->model != NULL;
    json_t *list = json_array();
    int rc = 0;
    for (size_t i = 0; i < nsets && rc == 0; i++) {
        json_t *object = NULL;
        if (!req->json && i > 0)
            putchar('\n');
        rc = fit_one(req, &sets[i], &object);
        if (object != NULL)
            json_array_append_new(list, object);
    }
    if (rc == 0 && req->json)
        print_json(one ? json_array_get(list, 0) : list);
    json_decref(list);
    fit_sets_free(sets, nsets);
    return rc;
}

int fit_cli(int argc, char **argv)
{
    fit_request req = {.predict = calloc((size_t)argc + 1, sizeof(double))};
    if (req.predict == NULL) {
        fprintf(stderr, "twice fit: out of memory\n");
        return EXIT_BAD_INPUT;
    }
    int rc = parse_args(argc, argv, &req);
    if (rc == 0)
        rc = fit_and_print(&req);
    free(req.predict);
    return rc;
}
