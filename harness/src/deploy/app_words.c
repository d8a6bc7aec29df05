/*
 * app_words.c - twice-app's command line for a target, built in one place
 * so that a server started here and one started over ssh are the same
 * server. Requests in flight are not capped (--max-coroutines 100000): a
 * scenario measures the model, not twice-app's refusal of overload.
 */
#include <stdio.h>

#include "app_words.h"

void app_words(const scenario_target *t, const char *app, const char *listen, const char *db,
               app_word_bufs *bufs, const char *words[APP_WORDS])
{
    snprintf(bufs->workers, sizeof(bufs->workers), "%u", t->workers);
    snprintf(bufs->threads, sizeof(bufs->threads), "%u", t->threads);
    snprintf(bufs->db_pool, sizeof(bufs->db_pool), "%u", t->db_pool);
    size_t n = 0;
    const char *fixed[] = {app,           "--model",          t->model,      "--workers",
                           bufs->workers, "--threads",        bufs->threads, "--listen",
                           listen,        "--max-coroutines", "100000"};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        words[n++] = fixed[i];
    if (t->db_pool > 0) {
        words[n++] = "--db-pool";
        words[n++] = bufs->db_pool;
    }
    if (db != NULL) {
        words[n++] = "--db";
        words[n++] = db;
    }
    words[n] = NULL;
}
