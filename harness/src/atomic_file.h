/*
 * atomic_file.h - writing a file so that it is either whole or absent
 * (atomic_file.c): a temporary file beside it, flushed to disk, renamed
 * into place. A run killed half-way never leaves half a report.
 */
#ifndef TWICE_ATOMIC_FILE_H
#define TWICE_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/** Writes path through fill(out, data), which returns 0 on success. 0, or -1 with err. */
int atomic_write(const char *path, int (*fill)(FILE *out, void *data), void *data, char *err,
                 size_t errlen);

#endif
