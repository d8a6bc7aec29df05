/*
 * test_db_pool.c - twice-app's database pool bookkeeping (db_pool.c): the
 * limit on open connections, idle reuse, waiters served first come first
 * served (a connection or a freed slot straight to the first), a waiter
 * leaving from the middle or either end, and no limit meaning no waiting.
 */
#include <criterion/criterion.h>

#include "db_pool.h"

static int conn_a, conn_b; /* stand-ins: the pool only stores the pointers */

Test(db_pool, the_limit_bounds_open_connections_and_idle_ones_are_reused)
{
    db_pool p = {0};
    void *conn;
    cr_assert_eq(db_pool_take(&p, 2, &conn), DB_POOL_TAKE_CONNECT);
    cr_assert_eq(db_pool_take(&p, 2, &conn), DB_POOL_TAKE_CONNECT);
    cr_assert_eq(db_pool_take(&p, 2, &conn), DB_POOL_TAKE_WAIT);
    cr_assert_null(conn);
    cr_assert_eq(p.open, 2);
    db_waiter *woken;
    cr_assert_eq(db_pool_release(&p, &conn_a, &woken), DB_POOL_RELEASE_KEPT);
    cr_assert_null(woken);
    cr_assert_eq(db_pool_take(&p, 2, &conn), DB_POOL_TAKE_IDLE);
    cr_assert_eq(conn, &conn_a);
    /* A closed connection frees its slot for a new one. */
    cr_assert_eq(db_pool_release(&p, NULL, &woken), DB_POOL_RELEASE_KEPT);
    cr_assert_eq(p.open, 1);
    cr_assert_eq(db_pool_take(&p, 2, &conn), DB_POOL_TAKE_CONNECT);
    cr_assert_eq(p.open, 2);
}

Test(db_pool, waiters_are_served_in_order_with_a_connection_or_a_slot)
{
    db_pool p = {0};
    void *conn;
    db_pool_take(&p, 1, &conn);
    db_waiter first = {.fd = -1}, second = {.fd = -1}, third = {.fd = -1}, *woken;
    cr_assert_eq(db_pool_take(&p, 1, &conn), DB_POOL_TAKE_WAIT);
    db_pool_wait(&p, &first);
    db_pool_wait(&p, &second);
    db_pool_wait(&p, &third);
    cr_assert_eq(db_pool_release(&p, &conn_a, &woken), DB_POOL_RELEASE_SERVED);
    cr_assert_eq(woken, &first);
    cr_assert(first.served);
    cr_assert_eq(first.conn, &conn_a);
    cr_assert(!second.served);
    /* A newcomer queues behind those waiting, even with the limit raised meanwhile. */
    cr_assert_eq(db_pool_take(&p, 10, &conn), DB_POOL_TAKE_WAIT);
    /* The connection broke: its slot goes to the next waiter, to connect on. */
    cr_assert_eq(db_pool_release(&p, NULL, &woken), DB_POOL_RELEASE_SERVED);
    cr_assert_eq(woken, &second);
    cr_assert(second.served);
    cr_assert_null(second.conn);
    cr_assert_eq(p.open, 1, "the slot passed on, not freed");
    cr_assert_eq(db_pool_release(&p, &conn_b, &woken), DB_POOL_RELEASE_SERVED);
    cr_assert_eq(woken, &third);
    cr_assert_eq(third.conn, &conn_b);
    cr_assert_null(p.first);
    cr_assert_null(p.last);
    cr_assert_eq(db_pool_release(&p, &conn_b, &woken), DB_POOL_RELEASE_KEPT);
    cr_assert_null(woken);
    cr_assert_eq(p.nidle, 1);
}

Test(db_pool, a_waiter_that_gives_up_leaves_from_anywhere_in_the_queue)
{
    db_pool p = {0};
    void *conn;
    db_pool_take(&p, 1, &conn);
    db_waiter w[4] = {{.fd = -1}, {.fd = -1}, {.fd = -1}, {.fd = -1}}, *woken;
    for (int i = 0; i < 4; i++)
        db_pool_wait(&p, &w[i]);
    db_pool_leave(&p, &w[1]); /* the middle */
    db_pool_leave(&p, &w[0]); /* the first */
    db_pool_leave(&p, &w[3]); /* the last */
    db_pool_leave(&p, &w[3]); /* twice: no harm */
    cr_assert_eq(p.first, &w[2]);
    cr_assert_eq(p.last, &w[2]);
    cr_assert_eq(db_pool_release(&p, &conn_a, &woken), DB_POOL_RELEASE_SERVED);
    cr_assert_eq(woken, &w[2]);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(w[i].served, i == 2, "waiter %d", i);
    db_pool_leave(&p, &w[2]); /* served: already out of the queue */
    cr_assert_null(p.first);
    cr_assert_eq(db_pool_release(&p, NULL, &woken), DB_POOL_RELEASE_KEPT);
    cr_assert_eq(p.open, 0);
}

Test(db_pool, no_limit_never_waits_and_closes_what_it_has_no_room_for)
{
    db_pool p = {0};
    void *conn;
    for (unsigned i = 0; i < DB_POOL_IDLE_MAX + 1; i++)
        cr_assert_eq(db_pool_take(&p, 0, &conn), DB_POOL_TAKE_CONNECT);
    db_waiter *woken;
    for (unsigned i = 0; i < DB_POOL_IDLE_MAX; i++)
        cr_assert_eq(db_pool_release(&p, &conn_a, &woken), DB_POOL_RELEASE_KEPT);
    cr_assert_eq(db_pool_release(&p, &conn_b, &woken), DB_POOL_RELEASE_CLOSE);
    cr_assert_eq(p.open, DB_POOL_IDLE_MAX);
}
