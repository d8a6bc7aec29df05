/*
 * shell_quote.c - single-quoting words for a remote shell: the one quoting
 * in which a POSIX shell expands nothing at all, so that a word cannot be
 * read as anything but itself.
 */
#include <stdio.h>
#include <stdlib.h>

#include "shell_quote.h"

char *shell_quote_words(const char *const words[])
{
    char *line = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&line, &size);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; words[i] != NULL; i++) {
        if (i > 0)
            fputc(' ', out);
        fputc('\'', out);
        for (const char *c = words[i]; *c != '\0'; c++) {
            if (*c == '\'')
                fputs("'\\''", out);
            else
                fputc(*c, out);
        }
        fputc('\'', out);
    }
    if (fclose(out) != 0) {
        free(line);
        return NULL;
    }
    return line;
}
