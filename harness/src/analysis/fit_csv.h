/*
 * fit_csv.h - (servers, throughput) measurements from a CSV file, for
 * `twice fit` (fit_csv.c). The file has a header `servers,throughput` (any
 * case, spaces allowed around the names), then one row per measurement,
 * repeats allowed; lines starting with '#' and blank lines are skipped, CRLF
 * line ends and a leading UTF-8 byte order mark are accepted.
 */
#ifndef TWICE_FIT_CSV_H
#define TWICE_FIT_CSV_H

#include <stddef.h>

/* A file larger than this is refused, before it is read. */
#define FIT_CSV_MAX_BYTES (4u << 20)
/* Measurements beyond this many are refused: no scaling study has more. */
#define FIT_CSV_MAX_ROWS 100000
/* The largest server count accepted. */
#define FIT_CSV_MAX_SERVERS 1000000

typedef struct fit_data {
    double *servers;    /* whole numbers from 1 to FIT_CSV_MAX_SERVERS */
    double *throughput; /* finite, above 0 */
    size_t count;       /* at least 2 rows */
} fit_data;

/**
 * Parses text[0..len) (NUL bytes in it are refused, not taken as its end); name
 * is what errors call the file. Returns 0 with *out filled in (free it with
 * fit_data_free), or -1 with "NAME:LINE: what is wrong" in err.
 */
int fit_csv_parse(const char *text, size_t len, const char *name, fit_data *out, char *err,
                  size_t errlen);
/** Reads and parses path, which must be a regular file of at most FIT_CSV_MAX_BYTES. */
int fit_csv_read(const char *path, fit_data *out, char *err, size_t errlen);
/** The same from a file's text already in memory (name names it in messages). */
int fit_csv_text(const char *text, size_t len, const char *name, fit_data *out, char *err,
                 size_t errlen);
void fit_data_free(fit_data *data);

#endif
