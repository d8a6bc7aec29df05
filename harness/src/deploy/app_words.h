/*
 * app_words.h - the command line that starts one twice-app server of a
 * scenario's target (app_words.c), the same for every deployer: the
 * target's model, workers, threads and database pool, where it listens and
 * the database it queries.
 */
#ifndef TWICE_APP_WORDS_H
#define TWICE_APP_WORDS_H

#include "scenario.h"

/* The most words a twice-app line has, its terminating NULL included. */
#define APP_WORDS 16

/** The numbers of a line, written out: app_words' words point into them. */
typedef struct app_word_bufs {
    char workers[16], threads[16], db_pool[16];
} app_word_bufs;

/**
 * The argv that runs twice-app target t from app, listening on listen ("HOST:PORT") and
 * querying db (NULL: none; then no --db); --db-pool only when the target sets one. words gets
 * at most APP_WORDS entries, NULL-terminated, pointing into t, app, listen, db and bufs.
 */
void app_words(const scenario_target *t, const char *app, const char *listen, const char *db,
               app_word_bufs *bufs, const char *words[APP_WORDS]);

#endif
