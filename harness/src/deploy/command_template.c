/*
 * command_template.c - filling in a server command's {host} and {port}, for
 * the local deployer and the ssh one alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_template.h"

char *command_template_expand(const char *command, const char *host, int port)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (f == NULL)
        return NULL;
    for (const char *p = command; *p != '\0';) {
        if (strncmp(p, "{host}", 6) == 0) {
            fputs(host, f);
            p += 6;
        } else if (strncmp(p, "{port}", 6) == 0) {
            fprintf(f, "%d", port);
            p += 6;
        } else {
            fputc(*p++, f);
        }
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

char *command_template_words(const scenario_target *t, const char *host, int port,
                             const char *words[COMMAND_TEMPLATE_WORDS])
{
    char *command = command_template_expand(t->command, host, port);
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
