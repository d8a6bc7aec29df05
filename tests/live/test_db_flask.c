/*
 * test_db_flask.c - the Flask app's /db routes under gunicorn's sync,
 * gthread and gevent workers against the same temporary PostgreSQL as
 * twice-app: the same answers byte for byte (rows, 400s, 404s), updates
 * that both see, a 503 with no database, and under gevent a query that
 * waits for a row lock without stopping the worker (psycopg2's wait
 * callback yields to the other greenlets).
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_process.h"
#include "db_fixture.h"
#include "http_client.h"
#include "peers.h"

TestSuite(db_flask, .timeout = 180);

/* The lock file of /contention, which these tests never request. */
#define UNUSED_LOCK "/tmp/twice-test-db-flask-unused.lock"

static const char *const same_targets[] = {
    "/db/read?id=7",
    "/db/read?id=51",
    "/db/read",
    "/db/read?id=0",
    "/db/read?id=abc",
    "/db/read?id=2147483648",
    "/db/query?rows=3&from=5",
    "/db/query?from=49",
    "/db/query?from=51",
    "/db/query",
    "/db/query?rows=101",
    "/db/query?rows=0",
    "/db/query?from=-1",
    "/db/update?id=99",
    "/db/update?id=x",
    "/db/update",
};

static void expect(int port, const char *target, int status, const char *text)
{
    http_response res;
    cr_assert_eq(http_request(port, "GET", target, NULL, 30000, &res), 0, "GET %s: no answer",
                 target);
    cr_assert_eq(res.status, status, "GET %s: status %d, expected %d: %s", target, res.status,
                 status, res.body);
    cr_assert_not_null(strstr(res.body, text), "GET %s: \"%s\" not in %s", target, text, res.body);
    http_response_free(&res);
}

Test(db_flask, same_answers_as_twice_app)
{
    service *svc = db_start();
    const char *db = service_postgres.address(svc);
    app_process app;
    db_start_app(&app, "process", "1", db);
    static const char *const workers[] = {"sync", "gthread", "gevent"};
    for (size_t w = 0; w < sizeof(workers) / sizeof(workers[0]); w++) {
        app_process flask;
        peer_start_flask(&flask, workers[w], UNUSED_LOCK, db);
        for (size_t i = 0; i < sizeof(same_targets) / sizeof(same_targets[0]); i++)
            peer_same_answer(app.port, flask.port, "GET", same_targets[i], workers[w]);
        /* Both update the one database: each sees the other's increments. */
        char counter[64];
        snprintf(counter, sizeof(counter), "\"counter\":%zu}", 2 * w + 1);
        expect(flask.port, "/db/update?id=2", 200, counter);
        snprintf(counter, sizeof(counter), "\"counter\":%zu}", 2 * w + 2);
        expect(app.port, "/db/update?id=2", 200, counter);
        peer_stop(&flask, workers[w]);
    }
    db_stop_app(&app);
    service_postgres.stop(svc);
}

Test(db_flask, no_database_is_503)
{
    app_process flask;
    peer_start_flask(&flask, "sync", UNUSED_LOCK, NULL);
    expect(flask.port, "/db/read?id=1", 503, "\"error\":\"no database: ");
    expect(flask.port, "/db/query", 503, "\"status\":503");
    expect(flask.port, "/db/read?id=x", 400, "\"parameter\":\"id\"");
    peer_stop(&flask, "sync");
}

Test(db_flask, gevent_yields_while_a_query_waits)
{
    service *svc = db_start();
    app_process flask;
    peer_start_flask(&flask, "gevent", UNUSED_LOCK, service_postgres.address(svc));
    expect(flask.port, "/db/read?id=4", 200, "\"value\":\"item-4\""); /* connected */
    PGconn *holder = db_connect(svc);
    PQclear(db_exec(holder, "BEGIN"));
    PQclear(db_exec(holder, "SELECT * FROM items WHERE id = 4 FOR UPDATE"));

    int blocked = http_send(flask.port, "GET", "/db/update?id=4");
    cr_assert_geq(blocked, 0);
    sleep_ms(300);
    struct pollfd pfd = {.fd = blocked, .events = POLLIN};
    cr_assert_eq(poll(&pfd, 1, 0), 0, "the update waits for the row lock the test holds");
    http_response res;
    cr_assert_eq(http_request(flask.port, "GET", "/plaintext", NULL, 3000, &res), 0,
                 "the gevent worker answers while a query waits");
    cr_assert_eq(res.status, 200);
    http_response_free(&res);
    expect(flask.port, "/db/read?id=4", 200, "\"counter\":0}");
    cr_assert_eq(poll(&pfd, 1, 0), 0, "the update still waits");

    PQclear(db_exec(holder, "COMMIT"));
    cr_assert_eq(http_receive(blocked, 10000, &res), 0, "the update answers once the lock goes");
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert_str_eq(res.body, "{\"id\":4,\"value\":\"item-4\",\"counter\":1}");
    http_response_free(&res);
    PQfinish(holder);
    peer_stop(&flask, "gevent");
    service_postgres.stop(svc);
}

Test(db_flask, reconnects_after_the_database_cut_it_off)
{
    service *svc = db_start();
    app_process flask;
    peer_start_flask(&flask, "sync", UNUSED_LOCK, service_postgres.address(svc));
    expect(flask.port, "/db/read?id=5", 200, "\"value\":\"item-5\"");
    PGconn *admin = db_connect(svc);
    PQclear(db_exec(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"));
    expect(flask.port, "/db/read?id=5", 503, "\"error\":\"database: ");
    expect(flask.port, "/db/read?id=5", 200, "\"value\":\"item-5\"");
    PQfinish(admin);
    peer_stop(&flask, "sync");
    service_postgres.stop(svc);
}
