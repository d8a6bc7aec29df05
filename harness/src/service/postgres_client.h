/*
 * postgres_client.h - what twice does to a PostgreSQL of its own from this
 * machine, wherever that server runs (postgres_client.c): the server's
 * settings on its command line, the conninfo that reaches it, waiting until
 * it answers, seeding its items table and counting its clients. The local
 * service (service_postgres.c) and the one on another host
 * (service_postgres_ssh.c) share them, so both serve the same database.
 */
#ifndef TWICE_POSTGRES_CLIENT_H
#define TWICE_POSTGRES_CLIENT_H

#include <stddef.h>
#include <sys/types.h>

#include "service.h"

/** The superuser that initdb makes and every client connects as. */
#define POSTGRES_USER "twice"
/** The most "-c", "name=value" words postgres_setting_words adds. */
#define POSTGRES_SETTING_WORDS 12

/** A buffer for the one setting postgres_setting_words must print. */
typedef struct postgres_setting_text {
    char max_connections[48];
} postgres_setting_text;

/** Appends postgres's "-c" "name=value" words for settings to words at *n (room for
 * POSTGRES_SETTING_WORDS more); the text they point into is in text. */
void postgres_setting_words(const service_settings *settings, postgres_setting_text *text,
                            char **words, size_t *n);
/** The initdb options after its "-D DIR" (NULL-terminated). */
extern char *const postgres_initdb_options[];

/** The conninfo of the server at address (numeric) and port into out. */
void postgres_conninfo(char *out, size_t len, const char *address, int port);

/** Returns once the server at conninfo accepts clients: 0; or -1 when the process pid (the
 * server or what runs it) exits first (*status then holds its wait status, and *exited is 1),
 * when twice is interrupted, or after timeout_ms (*exited 0; err says which). */
int postgres_wait_ready(const char *conninfo, pid_t pid, int timeout_ms, int *status, int *exited,
                        char *err, size_t errlen);
/** Fills the server's items table with rows rows, replacing it. 0, or -1 with err. */
int postgres_seed_items(const char *conninfo, unsigned rows, char *err, size_t errlen);
/** The client backends connected now, this question's own not counted; -1 when it cannot
 * say. */
long postgres_count_clients(const char *conninfo);

#endif
