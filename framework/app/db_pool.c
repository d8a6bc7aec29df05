/*
 * db_pool.c - one thread's database connections, counted against a limit.
 *
 * A connection that comes back goes straight to the first waiter rather
 * than to the idle list: a request that arrives later cannot take it first,
 * so waiters are served in the order they came. A slot freed by a closed
 * connection goes to the first waiter the same way, to connect on. The
 * queue is doubly linked so that a waiter that gives up (its wait timed
 * out) leaves from wherever it is. Everything here runs on the pool's own
 * thread: no lock.
 */
#include "db_pool.h"

db_pool_take_result db_pool_take(db_pool *p, unsigned limit, void **conn)
{
    *conn = NULL;
    if (p->nidle > 0) {
        *conn = p->idle[--p->nidle];
        return DB_POOL_TAKE_IDLE;
    }
    /* Those queued first are served first: a newcomer queues behind them even if a slot is
     * being handed over right now. */
    if (p->first != NULL || (limit > 0 && p->open >= limit))
        return DB_POOL_TAKE_WAIT;
    p->open++;
    return DB_POOL_TAKE_CONNECT;
}

void db_pool_wait(db_pool *p, db_waiter *w)
{
    w->served = 0;
    w->conn = NULL;
    w->next = NULL;
    w->prev = p->last;
    if (p->last != NULL)
        p->last->next = w;
    else
        p->first = w;
    p->last = w;
}

static int queued(const db_pool *p, const db_waiter *w)
{
    return w->prev != NULL || p->first == w;
}

void db_pool_leave(db_pool *p, db_waiter *w)
{
    if (!queued(p, w))
        return;
    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        p->first = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    else
        p->last = w->prev;
    w->prev = w->next = NULL;
}

db_pool_release_result db_pool_release(db_pool *p, void *conn, db_waiter **woken)
{
    *woken = p->first;
    if (p->first != NULL) {
        db_pool_leave(p, p->first);
        (*woken)->served = 1;
        (*woken)->conn = conn;
        return DB_POOL_RELEASE_SERVED;
    }
    if (conn != NULL && p->nidle < DB_POOL_IDLE_MAX) {
        p->idle[p->nidle++] = conn;
        return DB_POOL_RELEASE_KEPT;
    }
    p->open--;
    return conn != NULL ? DB_POOL_RELEASE_CLOSE : DB_POOL_RELEASE_KEPT;
}
