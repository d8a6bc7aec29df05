/*
 * read_file.h - a whole input file into memory (read_file.c). Every file
 * the harness reads (scenarios, reports, wrk's output) goes through here,
 * so that one place refuses what is not a file to read: a FIFO that would
 * block forever, a device such as /dev/zero that never ends, a directory,
 * or a regular file too large to be an input.
 */
#ifndef TWICE_READ_FILE_H
#define TWICE_READ_FILE_H

#include <stddef.h>
#include <sys/types.h>

/** The largest input file read_file accepts. */
#define READ_FILE_MAX_BYTES (16u << 20)

/**
 * The contents of path, NUL-terminated (malloc'd; the caller frees it), with its length in
 * *len when len is not NULL. NULL with err ("PATH: what is wrong") when path is not a
 * regular file, is larger than READ_FILE_MAX_BYTES, or cannot be read.
 */
char *read_file(const char *path, size_t *len, char *err, size_t errlen);
/** What a file that is not a regular one is, for messages ("a FIFO", "a symbolic link"). */
const char *file_kind(mode_t mode);

#endif
