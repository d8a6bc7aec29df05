/*
 * command_template.h - a scenario's server command with its placeholders
 * filled in (command_template.c): {host} becomes the address the server
 * listens on, {port} its port, {db} the shared database's conninfo.
 */
#ifndef TWICE_COMMAND_TEMPLATE_H
#define TWICE_COMMAND_TEMPLATE_H

#include "scenario.h"

/* The words of a command target's server line: sh, its options, the folder, the command. */
#define COMMAND_TEMPLATE_WORDS 7

/** command with every {host}, {port} and {db} replaced, {db} by db (NULL: none) quoted as one
 * shell word (malloc'd; NULL without memory). */
char *command_template_expand(const char *command, const char *host, int port, const char *db);

/**
 * The argv that runs command target t's server for host, port and db: its command expanded, run by
 * sh in the target's folder, which goes to the shell as an argument, never into the command's
 * text (a name with a quote or a space in it stays one name). words gets
 * COMMAND_TEMPLATE_WORDS entries, NULL-terminated; returns the expanded command, which they
 * point into (the caller frees it), or NULL without memory.
 */
char *command_template_words(const scenario_target *t, const char *host, int port, const char *db,
                             const char *words[COMMAND_TEMPLATE_WORDS]);

#endif
