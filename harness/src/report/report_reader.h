/*
 * report_reader.h - private to the report reader (report_read.c,
 * report_read_resources.c): where in the JSON the reader stands, and the
 * checks of one field each. Every check either stores the value or fails
 * with the path and what was expected ("$.models[0].steps[1].servers:
 * expected an integer >= 1, got 0"), written into the caller's buffer.
 */
#ifndef TWICE_REPORT_READER_H
#define TWICE_REPORT_READER_H

#include <stddef.h>

#include <jansson.h>

#include "report_read.h"

typedef struct reader {
    const char *name; /* the file, for messages */
    char path[256];   /* where we are: "$.models[2].steps[0]" (the schema is shallow) */
    size_t len;
    char *err;
    size_t errlen;
} reader;

/** Writes "NAME: PATH: " and the message into r's buffer; returns -1. */
int reader_fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Steps into a key (reader_each steps into indexes); returns where to come back to with
 * reader_leave(). */
size_t reader_enter_key(reader *r, const char *key);
void reader_leave(reader *r, size_t back);

/* For reader_field's type: an integer or a real. */
#define ANY_NUMBER (-1)
/**
 * The value at key of obj in *out, checked against type (one of jansson's, JSON_TRUE standing
 * for either boolean, or ANY_NUMBER). Absent: an error when required, else *out is NULL.
 * Failing leaves the path at the key; succeeding leaves it where it was.
 */
int reader_field(reader *r, json_t *obj, const char *key, int type, int required, json_t **out);
/** Reads item i of an array into what ctx (the caller's) says, the path standing on the item. */
typedef int (*reader_item)(reader *r, json_t *item, size_t i, void *ctx);
/**
 * Walks array, the value at key of the object the path stands on (NULL walks nothing): steps
 * into key and into each index, checks every item against type (as reader_field does), then
 * reads each with read_item. Failing leaves the path at the item that failed; succeeding leaves
 * it where it was.
 */
int reader_each(reader *r, json_t *array, const char *key, int type, reader_item read_item,
                void *ctx);
/** An array of strings at key of obj into *out (calloc'd, the caller's; n of them); absent and
 * not required: none. */
int reader_strings(reader *r, json_t *obj, const char *key, int required, const char ***out,
                   size_t *n);
/** A string; dflt when absent and not required. */
int reader_string(reader *r, json_t *obj, const char *key, int required, const char *dflt,
                  const char **out);
/** A string, or null or absent (both NULL). */
int reader_nullable_string(reader *r, json_t *obj, const char *key, const char **out);
/** A number in [min, max] (above min when min_exclusive); *present says whether it was there. */
int reader_number(reader *r, json_t *obj, const char *key, int required, double min,
                  int min_exclusive, double max, double *out, int *present);
/** A required finite number >= 0. */
int reader_nonnegative(reader *r, json_t *obj, const char *key, double *out);
/** A number >= 0 that may be null or absent (*present 0). */
int reader_nullable_nonnegative(reader *r, json_t *obj, const char *key, double *out, int *present);
int reader_bool(reader *r, json_t *obj, const char *key, int required, int *out);
/** An integer >= min (0 when absent and not required). */
int reader_integer(reader *r, json_t *obj, const char *key, int required, long long min,
                   long long *out);
/** calloc for n items, never NULL for n == 0; NULL (and r's error) when memory runs out. */
void *reader_array_of(reader *r, size_t n, size_t size);

/*
 * What a run measured beside throughput (report_read_resources.c), each optional: absent or
 * null leaves out->present 0. servers is the step's server count, which the per-server arrays
 * must match.
 */
/** run's "resources" (runs[k].resources). */
int reader_window_resources(reader *r, json_t *run, long long servers,
                            report_window_resources *out);
/** summary's "resources". */
int reader_step_resources(reader *r, json_t *summary, long long servers,
                          report_step_resources *out);
/** summary's "breakdown": known parts that sum to the loss, the largest named. */
int reader_breakdown(reader *r, json_t *summary, report_breakdown *out);
/** summary's "gain": a gain that is measured less ideal, and its evidence. */
int reader_gain(reader *r, json_t *summary, report_gain *out);
/** summary's "disturbed", read after its "valid" and "flags" (which a disturbed step needs). */
int reader_disturbed(reader *r, json_t *summary, report_summary *s);

#endif
