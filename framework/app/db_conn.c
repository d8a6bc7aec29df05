/*
 * db_conn.c - PostgreSQL connections for twice-app's /db routes: made
 * lazily, kept in a pool per thread, queried without ever blocking a loop.
 *
 * Why a pool per thread rather than one connection per thread: a connection
 * runs one query at a time, and a coroutine worker has many requests in
 * flight on one thread. With the pool, the process and thread models end up
 * with exactly one connection per worker or handler thread (one request at a
 * time takes and returns it), and the coroutine model with one per query in
 * flight at the peak, reused afterwards, or with at most --db-pool of them:
 * a request that finds them all busy queues (db_pool.c) and waits on an
 * eventfd of its own, which yields its coroutine, until a connection comes
 * back to it. A connection is never shared between threads (libpq's rule),
 * and the pool closes its connections when its thread ends.
 *
 * Connecting uses PQconnectStart/PQconnectPoll, querying PQsendQueryParams,
 * PQflush, PQconsumeInput and PQisBusy, each wait through tw_wait_readable or
 * tw_wait_writable: in a coroutine that yields, elsewhere it blocks. The
 * conninfo should give a numeric address (hostaddr=), as the harness's does:
 * libpq resolves a host name with a blocking lookup.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "db.h"
#include "db_pool.h"

#define CONNECT_TIMEOUT_MS 5000
#define QUERY_TIMEOUT_MS 30000
#define POOL_WAIT_TIMEOUT_MS QUERY_TIMEOUT_MS /* a request gives up waiting for a connection */

static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_free(void *data)
{
    db_pool *p = data;
    for (size_t i = 0; i < p->nidle; i++)
        PQfinish(p->idle[i]);
    free(p);
}

static void pool_key_make(void)
{
    pthread_key_create(&pool_key, pool_free);
}

static db_pool *thread_pool(void)
{
    pthread_once(&pool_once, pool_key_make);
    db_pool *p = pthread_getspecific(pool_key);
    if (p == NULL && (p = calloc(1, sizeof(*p))) != NULL)
        pthread_setspecific(pool_key, p);
    return p;
}

/* libpq's messages end with a newline, which has no place in a JSON reason. */
static void copy_message(char *err, size_t errlen, const char *what, const char *message)
{
    size_t len = strlen(message);
    while (len > 0 && (message[len - 1] == '\n' || message[len - 1] == ' '))
        len--;
    snprintf(err, errlen, "%s: %.*s", what, (int)len, message);
}

/* Waits for conn's socket as PQconnectPoll or PQflush asks: 0 ready, -1 with err. */
static int wait_socket(PGconn *conn, int writable, int timeout_ms, const char *what, char *err,
                       size_t errlen)
{
    int fd = PQsocket(conn);
    int ready = fd < 0     ? TW_FAIL
                : writable ? tw_wait_writable(fd, timeout_ms)
                           : tw_wait_readable(fd, timeout_ms);
    if (ready == 1)
        return 0;
    if (ready == 0)
        snprintf(err, errlen, "%s: no answer from the database in %d ms", what, timeout_ms);
    else
        copy_message(err, errlen, what, PQerrorMessage(conn));
    return -1;
}

static PGconn *connect_to(const char *conninfo, char *err, size_t errlen)
{
    PGconn *conn = PQconnectStart(conninfo);
    if (conn == NULL) {
        snprintf(err, errlen, "cannot connect: out of memory");
        return NULL;
    }
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (PQstatus(conn) != CONNECTION_BAD && state != PGRES_POLLING_OK &&
           state != PGRES_POLLING_FAILED) {
        if (wait_socket(conn, state == PGRES_POLLING_WRITING, CONNECT_TIMEOUT_MS, "cannot connect",
                        err, errlen) != 0) {
            PQfinish(conn);
            return NULL;
        }
        state = PQconnectPoll(conn);
    }
    if (state != PGRES_POLLING_OK || PQsetnonblocking(conn, 1) != 0) {
        copy_message(err, errlen, "cannot connect", PQerrorMessage(conn));
        PQfinish(conn);
        return NULL;
    }
    return conn;
}

/* Hands conn (NULL: its slot) back to p: to the first waiter, woken through its eventfd, or to
 * the idle list, or closed. */
static void release(db_pool *p, PGconn *conn)
{
    db_waiter *woken;
    switch (db_pool_release(p, conn, &woken)) {
    case DB_POOL_RELEASE_SERVED:
        eventfd_write(woken->fd, 1);
        break;
    case DB_POOL_RELEASE_CLOSE:
        PQfinish(conn);
        break;
    case DB_POOL_RELEASE_KEPT:
        break;
    }
}

/* Queues for one of p's connections and waits, yielding in a coroutine, until one comes back:
 * 1 with *conn (NULL: a free slot to connect on), or 0 with err when the wait gave up. */
static int wait_for_connection(db_pool *p, unsigned limit, PGconn **conn, char *err, size_t errlen)
{
    db_waiter w = {.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)};
    if (w.fd < 0) {
        snprintf(err, errlen, "cannot wait for a connection: %s", strerror(errno));
        return 0;
    }
    db_pool_wait(p, &w);
    int ready = tw_wait_readable(w.fd, POOL_WAIT_TIMEOUT_MS);
    int wait_errno = errno;
    close(w.fd);
    /* Served is what counts: a connection handed over as the wait ended is still this
     * request's to use. Otherwise it leaves the queue. */
    if (w.served) {
        *conn = w.conn;
        return 1;
    }
    db_pool_leave(p, &w);
    if (ready == 0)
        snprintf(err, errlen, "all %u connections of this worker stayed busy for %d ms", limit,
                 POOL_WAIT_TIMEOUT_MS);
    else
        snprintf(err, errlen, "cannot wait for a connection: %s", strerror(wait_errno));
    return 0;
}

PGconn *twice_app_db_take(const twice_app_db *db, char *err, size_t errlen)
{
    db_pool *p = thread_pool();
    if (p == NULL) {
        snprintf(err, errlen, "cannot connect: out of memory");
        return NULL;
    }
    for (;;) {
        void *idle;
        PGconn *conn = NULL;
        switch (db_pool_take(p, db->pool_size, &idle)) {
        case DB_POOL_TAKE_IDLE:
            conn = idle;
            break;
        case DB_POOL_TAKE_WAIT:
            if (!wait_for_connection(p, db->pool_size, &conn, err, errlen))
                return NULL;
            break;
        case DB_POOL_TAKE_CONNECT:
            break;
        }
        /* No connection yet: this request holds a slot and connects on it. */
        if (conn == NULL) {
            conn = connect_to(db->conninfo, err, errlen);
            if (conn == NULL)
                release(p, NULL);
            return conn;
        }
        if (PQstatus(conn) == CONNECTION_OK)
            return conn;
        /* Broken while idle (the database restarted): close it and try again. */
        PQfinish(conn);
        release(p, NULL);
    }
}

void twice_app_db_give_back(PGconn *conn)
{
    db_pool *p = thread_pool();
    int reusable = PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
    if (!reusable || p == NULL) {
        PQfinish(conn);
        conn = NULL;
    }
    if (p != NULL)
        release(p, conn);
}

/* Sends what libpq has buffered: 0, or -1 with err. */
static int flush(PGconn *conn, char *err, size_t errlen)
{
    int rc;
    while ((rc = PQflush(conn)) == 1) {
        if (wait_socket(conn, 1, QUERY_TIMEOUT_MS, "query", err, errlen) != 0)
            return -1;
    }
    if (rc < 0)
        copy_message(err, errlen, "query", PQerrorMessage(conn));
    return rc < 0 ? -1 : 0;
}

/* The next result once it is all here (NULL when there is none left), or NULL with err set. */
static PGresult *next_result(PGconn *conn, char *err, size_t errlen)
{
    while (PQisBusy(conn)) {
        if (wait_socket(conn, 0, QUERY_TIMEOUT_MS, "query", err, errlen) != 0)
            return NULL;
        if (!PQconsumeInput(conn)) {
            copy_message(err, errlen, "query", PQerrorMessage(conn));
            return NULL;
        }
    }
    return PQgetResult(conn);
}

PGresult *twice_app_db_query(PGconn *conn, const char *sql, int nparams, const char *const *params,
                             char *err, size_t errlen)
{
    err[0] = '\0';
    if (!PQsendQueryParams(conn, sql, nparams, NULL, params, NULL, NULL, 0)) {
        copy_message(err, errlen, "query", PQerrorMessage(conn));
        return NULL;
    }
    if (flush(conn, err, errlen) != 0)
        return NULL;
    /* One statement gives one result; the loop reads to the end so that the connection is
     * idle again, keeping the first. */
    PGresult *first = NULL, *next;
    while ((next = next_result(conn, err, errlen)) != NULL) {
        if (first == NULL)
            first = next;
        else
            PQclear(next);
    }
    if (err[0] != '\0') {
        PQclear(first);
        return NULL;
    }
    ExecStatusType status = first != NULL ? PQresultStatus(first) : PGRES_FATAL_ERROR;
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
        return first;
    copy_message(err, errlen, "query",
                 first != NULL ? PQresultErrorMessage(first) : PQerrorMessage(conn));
    PQclear(first);
    return NULL;
}
