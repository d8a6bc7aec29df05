/*
 * command_template.c - filling in a server command's {host}, {port} and
 * {db}, for the local deployer and the ssh one alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_template.h"
#include "shell_quote.h"

char *command_template_expand(const char *command, const char *host, int port, const char *db)
{
    char *out = NULL, *quoted_db = NULL;
    size_t size = 0;
    /* One word for the shell whatever the conninfo holds; '' when there is no database. */
    const char *const db_word[] = {db != NULL ? db : "", NULL};
    if ((quoted_db = shell_quote_words(db_word)) == NULL)
        return NULL;
    FILE *f = open_memstream(&out, &size);
    if (f == NULL) {
        free(quoted_db);
        return NULL;
    }
    for (const char *p = command; *p != '\0';) {
        if (strncmp(p, "{host}", 6) == 0) {
            fputs(host, f);
            p += 6;
        } else if (strncmp(p, "{port}", 6) == 0) {
            fprintf(f, "%d", port);
            p += 6;
        } else if (strncmp(p, "{db}", 4) == 0) {
            fputs(quoted_db, f);
            p += 4;
        } else {
            fputc(*p++, f);
        }
    }
    free(quoted_db);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

char *command_template_words(const scenario_target *t, const char *host, int port, const char *db,
                             const char *words[COMMAND_TEMPLATE_WORDS])
{
    char *command = command_template_expand(t->command, host, port, db);
    const char *const line[COMMAND_TEMPLATE_WORDS] = {"/bin/sh",
                                                      "-c",
                                                      "cd -- \"$1\" && eval \"$2\"",
                                                      "sh",
                                                      t->cwd_path != NULL ? t->cwd_path : ".",
                                                      command,
                                                      NULL};
    memcpy(words, line, sizeof(line));
    return command;
}
