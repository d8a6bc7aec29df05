/*
 * command_template.h - a scenario's server command with its placeholders
 * filled in (command_template.c): {host} becomes the address the server
 * listens on, {port} its port.
 */
#ifndef TWICE_COMMAND_TEMPLATE_H
#define TWICE_COMMAND_TEMPLATE_H

/** command with every {host} and {port} replaced (malloc'd; NULL without memory). */
char *command_template_expand(const char *command, const char *host, int port);

#endif
