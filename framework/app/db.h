/*
 * db.h - twice-app's PostgreSQL: the /db routes (db_routes.c) and the
 * connections they query through (db_conn.c).
 *
 * Every model queries the same way, through libpq's non-blocking API and
 * libtwice's waits (tw_wait_readable/tw_wait_writable), and each gets what
 * it should from that: a process worker blocks on its query, a handler
 * thread blocks on its own, a coroutine yields to the others on its worker
 * until the database answers.
 */
#ifndef TWICE_APP_DB_H
#define TWICE_APP_DB_H

#include <libpq-fe.h>
#include <stddef.h>

#include "twice.h"

/** The environment variable that names the database when --db does not. */
#define TWICE_APP_DB_ENV "TWICE_DB"

/** Which database the /db routes use and how many connections each thread may hold. */
typedef struct twice_app_db {
    const char *conninfo; /* libpq's conninfo; NULL or "": no database, the routes answer 503 */
    unsigned pool_size;   /* connections per thread at most (--db-pool); 0: as many as needed */
} twice_app_db;

/**
 * A connection to db for the calling thread to run one query on, made on first use and reused
 * after: connections live in a pool per thread, so a process worker or a handler thread keeps
 * one, and a coroutine worker keeps as many as it has had queries in flight at once, or
 * db->pool_size when that is fewer: past it a request waits, in order, for one to come back.
 * NULL with err when no connection could be made or none came back in time.
 */
PGconn *twice_app_db_take(const twice_app_db *db, char *err, size_t errlen);
/** Hands conn back to the pool, or closes it when it is broken or mid-query (a database that
 * restarted, a query that timed out): the next take then connects afresh. */
void twice_app_db_give_back(PGconn *conn);
/**
 * Runs sql with its text parameters on conn, waiting as the model does. The result, which
 * the caller PQclear()s, when it is a success (rows or a command done); NULL with err (the
 * database's message, or the connection's) otherwise.
 */
PGresult *twice_app_db_query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                             char *err, size_t errlen);

/** Registers /db/read, /db/query and /db/update on app, querying db. The app keeps the
 * pointer. TW_FAIL with tw_app_errmsg() on failure. */
int twice_app_register_db_routes(tw_app *app, const twice_app_db *db);

#endif
