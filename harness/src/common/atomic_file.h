/*
 * atomic_file.h - writing a file so that it is either whole or absent
 * (atomic_file.c): a temporary file beside it, flushed to disk, then moved
 * into place. A run killed half-way never leaves half a report.
 */
#ifndef TWICE_ATOMIC_FILE_H
#define TWICE_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/** Fills a file: writes to out, returns 0 on success. */
typedef int (*atomic_fill)(FILE *out, void *data);

/**
 * Writes path through fill(out, data), replacing the file at path if there is one. A path
 * that exists and is not a regular file (a symlink, FIFO, device, directory) is refused,
 * never replaced. 0, or -1 with err.
 */
int atomic_write(const char *path, atomic_fill fill, void *data, char *err, size_t errlen);

/**
 * Writes a new file through fill(out, data), never replacing one: the first free name of
 * STEM.EXT, STEM-2.EXT, STEM-3.EXT... (up to ATOMIC_MAX_SUFFIX; with suffixes when
 * max_suffix > 1), taken atomically, so that two writers racing for a name both win a
 * different one. Returns 0 with the name in *chosen (malloc'd), or -1 with err.
 */
int atomic_create(const char *stem, const char *ext, int max_suffix, atomic_fill fill, void *data,
                  char **chosen, char *err, size_t errlen);

#define ATOMIC_MAX_SUFFIX 1000

#endif
