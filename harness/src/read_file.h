/*
 * read_file.h - a whole file into memory (read_file.c).
 */
#ifndef TWICE_READ_FILE_H
#define TWICE_READ_FILE_H

#include <stddef.h>

/** The contents of path, NUL-terminated (malloc'd), with its length in *len when len is not
 * NULL; NULL with errno set when it cannot be read. */
char *read_file(const char *path, size_t *len);

#endif
