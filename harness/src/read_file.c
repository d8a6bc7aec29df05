/*
 * read_file.c - see read_file.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "read_file.h"

char *read_file(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (in == NULL)
        return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    char buf[8192];
    size_t n;
    while (mem != NULL && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, mem);
    int failed = ferror(in);
    fclose(in);
    if (mem == NULL || fclose(mem) != 0 || failed) {
        free(text);
        errno = errno ? errno : EIO;
        return NULL;
    }
    if (len != NULL)
        *len = size;
    return text;
}
