/*
 * db_pool.h - the bookkeeping of one thread's database connections
 * (db_pool.c): which are idle, how many are open against a limit, and who
 * waits, in order, for one to come back. It knows nothing of libpq or of
 * waiting: db_conn.c makes and closes the connections and wakes waiters.
 */
#ifndef TWICE_APP_DB_POOL_H
#define TWICE_APP_DB_POOL_H

#include <stddef.h>

#define DB_POOL_IDLE_MAX 256   /* idle connections a pool keeps with no limit; more are closed */
#define DB_POOL_LIMIT_MAX 4096 /* the largest limit --db-pool accepts */

/** A request waiting for a connection, owned by the waiter (on its stack, say) and linked into
 * the pool's queue until it is served or leaves. */
typedef struct db_waiter {
    struct db_waiter *prev, *next;
    int served; /* 1 once the pool handed it conn, or a free slot to connect on when conn NULL */
    void *conn;
    int fd; /* the waiter's own: db_conn.c signals it when served */
} db_waiter;

typedef struct db_pool {
    void *idle[DB_POOL_IDLE_MAX];
    size_t nidle;
    unsigned open;           /* connections idle, in use, or being made: what a limit bounds */
    db_waiter *first, *last; /* the queue, served first come first served */
} db_pool;

typedef enum {
    DB_POOL_TAKE_IDLE,    /* *conn is an idle connection, now the caller's */
    DB_POOL_TAKE_CONNECT, /* a slot is the caller's: it connects, and releases the slot if it fails
                           */
    DB_POOL_TAKE_WAIT,    /* limit reached, none idle: the caller queues with db_pool_wait */
} db_pool_take_result;

/** What the caller should do with a connection it takes, limit 0 meaning none. */
db_pool_take_result db_pool_take(db_pool *p, unsigned limit, void **conn);
/** Queues w, last; it stays queued until served (by db_pool_release) or db_pool_leave. */
void db_pool_wait(db_pool *p, db_waiter *w);
/** Takes w out of the queue when it is still there (a waiter that gives up); no-op otherwise. */
void db_pool_leave(db_pool *p, db_waiter *w);

typedef enum {
    DB_POOL_RELEASE_SERVED, /* *woken now has it (conn, or the slot when conn was NULL) */
    DB_POOL_RELEASE_KEPT,   /* conn is idle in the pool, or the slot is free */
    DB_POOL_RELEASE_CLOSE,  /* no room for conn: the caller closes it; its slot is free */
} db_pool_release_result;

/**
 * Gives back conn, a connection fit for reuse, or NULL for a slot whose connection was closed
 * or never made. The first waiter gets it; with none, an idle conn is kept while there is room.
 */
db_pool_release_result db_pool_release(db_pool *p, void *conn, db_waiter **woken);

#endif
