/*
 * test_db_app.c - twice-app's /db routes against a real temporary
 * PostgreSQL, in every model: the answers, the 400s that name the bad
 * parameter, the 404 of a missing row, the 503 with no database or none
 * reachable, the database named by TWICE_DB, a coroutine that yields while
 * its query waits for a row lock (the worker still answers), a coroutine
 * worker held to --db-pool connections however many queries wait (and a
 * handler thread to its one with --db-pool 1), a bad
 * --db-pool refused, and a new connection after the database cut the old
 * ones off.
 */
#include <criterion/criterion.h>
#include <poll.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app_process.h"
#include "db_fixture.h"
#include "http_client.h"

TestSuite(db_app, .timeout = 120);

static const char *const models[] = {"process", "thread", "coroutine"};

/* GET target answers status with a body that holds text (the whole body when exact). */
static void expect(int port, const char *target, int status, const char *text, int exact)
{
    http_response res;
    cr_assert_eq(http_request(port, "GET", target, NULL, 10000, &res), 0, "GET %s: no answer",
                 target);
    cr_assert_eq(res.status, status, "GET %s: status %d, expected %d: %s", target, res.status,
                 status, res.body);
    if (exact)
        cr_assert_str_eq(res.body, text, "GET %s", target);
    else
        cr_assert_not_null(strstr(res.body, text), "GET %s: \"%s\" not in %s", target, text,
                           res.body);
    http_response_free(&res);
}

static void routes_answer(const char *model)
{
    service *svc = db_start();
    app_process app;
    db_start_app(&app, model, "4", service_postgres.address(svc));
    int port = app.port;
    expect(port, "/db/read?id=7", 200, "{\"id\":7,\"value\":\"item-7\",\"counter\":0}", 1);
    expect(port, "/db/read?id=51", 404, "{\"error\":\"no item with id 51\",\"status\":404}", 1);
    expect(port, "/db/read", 400, "{\"error\":\"query parameter 'id' is required\",\"status\":400}",
           1);
    expect(port, "/db/read?id=0", 400, "query parameter 'id' must be an integer", 0);
    expect(port, "/db/read?id=2147483648", 400, "query parameter 'id' must be an integer", 0);
    expect(port, "/db/read?id=abc", 400, "\"parameter\":\"id\"", 0);
    expect(port, "/db/query?rows=3&from=5", 200,
           "{\"items\":[{\"id\":5,\"value\":\"item-5\",\"counter\":0},"
           "{\"id\":6,\"value\":\"item-6\",\"counter\":0},"
           "{\"id\":7,\"value\":\"item-7\",\"counter\":0}]}",
           1);
    expect(port, "/db/query?from=49", 200,
           "{\"items\":[{\"id\":49,\"value\":\"item-49\",\"counter\":0},"
           "{\"id\":50,\"value\":\"item-50\",\"counter\":0}]}",
           1);
    expect(port, "/db/query?from=51", 200, "{\"items\":[]}", 1);
    expect(port, "/db/query?rows=101", 400, "query parameter 'rows' must be an integer in [1, 100]",
           0);
    expect(port, "/db/query?rows=0", 400, "\"parameter\":\"rows\"", 0);
    expect(port, "/db/query?from=-1", 400, "\"parameter\":\"from\"", 0);
    expect(port, "/db/update?id=2", 200, "{\"id\":2,\"value\":\"item-2\",\"counter\":1}", 1);
    expect(port, "/db/update?id=2", 200, "{\"id\":2,\"value\":\"item-2\",\"counter\":2}", 1);
    expect(port, "/db/update?id=99", 404, "no item with id 99", 0);
    expect(port, "/db/update?id=x", 400, "\"parameter\":\"id\"", 0);
    expect(port, "/db/update", 400, "query parameter 'id' is required", 0);
    PGconn *conn = db_connect(svc);
    PGresult *row = db_exec(conn, "SELECT counter FROM items WHERE id = 2");
    cr_assert_str_eq(PQgetvalue(row, 0, 0), "2", "the updates reached the database");
    PQclear(row);
    PQfinish(conn);
    db_stop_app(&app);
    service_postgres.stop(svc);
}

Test(db_app, routes_process)
{
    routes_answer("process");
}

Test(db_app, routes_thread)
{
    routes_answer("thread");
}

Test(db_app, routes_coroutine)
{
    routes_answer("coroutine");
}

Test(db_app, no_database_is_503)
{
    unsetenv("TWICE_DB");
    char unreachable[128];
    snprintf(unreachable, sizeof(unreachable),
             "hostaddr=127.0.0.1 port=%d user=twice dbname=postgres connect_timeout=2",
             free_port());
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        app_process app;
        db_start_app(&app, models[i], "2", NULL);
        expect(app.port, "/db/read?id=1", 503,
               "{\"error\":\"no database: give twice-app --db CONNINFO or set TWICE_DB\","
               "\"status\":503}",
               1);
        expect(app.port, "/db/query", 503, "no database", 0);
        expect(app.port, "/db/update?id=1", 503, "no database", 0);
        expect(app.port, "/db/read?id=x", 400, "\"parameter\":\"id\"", 0);
        expect(app.port, "/plaintext", 200, "Hello, World!", 1);
        db_stop_app(&app);

        db_start_app(&app, models[i], "2", unreachable);
        expect(app.port, "/db/read?id=1", 503, "\"error\":\"database: cannot connect: ", 0);
        expect(app.port, "/db/update?id=1", 503, "cannot connect", 0);
        db_stop_app(&app);
    }
}

Test(db_app, database_from_the_environment)
{
    service *svc = db_start();
    cr_assert_eq(setenv("TWICE_DB", service_postgres.address(svc), 1), 0);
    app_process app;
    db_start_app(&app, "coroutine", "1", NULL);
    expect(app.port, "/db/read?id=3", 200, "{\"id\":3,\"value\":\"item-3\",\"counter\":0}", 1);
    db_stop_app(&app);
    /* --db wins over the environment. */
    cr_assert_eq(setenv("TWICE_DB", "hostaddr=127.0.0.1 port=1 connect_timeout=2", 1), 0);
    db_start_app(&app, "process", "1", service_postgres.address(svc));
    expect(app.port, "/db/read?id=3", 200, "\"value\":\"item-3\"", 0);
    db_stop_app(&app);
    service_postgres.stop(svc);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int has_answer(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return poll(&pfd, 1, 0) > 0;
}

/* One coroutine worker: an update that waits for a row lock the test holds must not stop the
 * worker answering others meanwhile; once the lock goes, the update completes. */
Test(db_app, coroutine_yields_while_its_query_waits)
{
    service *svc = db_start();
    app_process app;
    db_start_app(&app, "coroutine", "1", service_postgres.address(svc));
    PGconn *holder = db_connect(svc);
    PQclear(db_exec(holder, "BEGIN"));
    PQclear(db_exec(holder, "SELECT * FROM items WHERE id = 4 FOR UPDATE"));

    int blocked = http_send(app.port, "GET", "/db/update?id=4");
    cr_assert_geq(blocked, 0);
    sleep_ms(300);
    cr_assert(!has_answer(blocked), "the update waits for the row lock the test holds");
    long long started = now_ms();
    expect(app.port, "/plaintext", 200, "Hello, World!", 1);
    expect(app.port, "/db/read?id=4", 200, "{\"id\":4,\"value\":\"item-4\",\"counter\":0}", 1);
    cr_assert_lt(now_ms() - started, 2000, "the worker answered while the update waited");
    cr_assert(!has_answer(blocked), "the update still waits");

    PQclear(db_exec(holder, "COMMIT"));
    http_response res;
    cr_assert_eq(http_receive(blocked, 10000, &res), 0, "the update answers once the lock goes");
    cr_assert_eq(res.status, 200, "%s", res.body);
    cr_assert_str_eq(res.body, "{\"id\":4,\"value\":\"item-4\",\"counter\":1}");
    http_response_free(&res);
    PQfinish(holder);
    db_stop_app(&app);
    service_postgres.stop(svc);
}

/* The database connections other than the test's own (the app's). */
static int app_connections(PGconn *admin)
{
    PGresult *count = db_exec(admin, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                                     "'client backend' AND pid <> pg_backend_pid()");
    int n = atoi(PQgetvalue(count, 0, 0));
    PQclear(count);
    return n;
}

#define POOLED_REQUESTS 8

/* One worker of model with --db-pool pool and eight updates that wait for a row lock the test
 * holds (one of whose clients goes away while it waits): it opens `connections`, no more, and
 * all complete once the lock goes. A coroutine worker answers others meanwhile. */
static void pool_holds_its_limit(const char *model, const char *threads, const char *pool,
                                 int connections)
{
    service *svc = db_start();
    app_process app;
    const char *args[] = {"--model",   model, "--threads", threads,
                          "--db-pool", pool,  "--db",      service_postgres.address(svc),
                          NULL};
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, args), 0, "twice-app did not start");
    PGconn *holder = db_connect(svc);
    PQclear(db_exec(holder, "BEGIN"));
    PQclear(db_exec(holder, "SELECT * FROM items WHERE id = 4 FOR UPDATE"));

    int fds[POOLED_REQUESTS];
    for (int i = 0; i < POOLED_REQUESTS; i++) {
        fds[i] = http_send(app.port, "GET", "/db/update?id=4");
        cr_assert_geq(fds[i], 0);
    }
    sleep_ms(500);
    cr_assert_eq(app_connections(holder), connections,
                 "%s: %d connections, each waiting for the row lock", model, connections);
    if (strcmp(model, "coroutine") == 0)
        expect(app.port, "/plaintext", 200, "Hello, World!", 1);
    for (int i = 0; i < 5; i++) {
        sleep_ms(100);
        cr_assert_leq(app_connections(holder), connections, "%s: the pool stays at its limit",
                      model);
    }
    for (int i = 0; i < POOLED_REQUESTS; i++)
        cr_assert(!has_answer(fds[i]), "request %d waits for the row lock or a connection", i);
    /* A queued request's client goes away: the queue must carry on past it. */
    close(fds[POOLED_REQUESTS - 2]);
    fds[POOLED_REQUESTS - 2] = -1;

    PQclear(db_exec(holder, "COMMIT"));
    int seen[POOLED_REQUESTS + 1] = {0};
    for (int i = 0; i < POOLED_REQUESTS; i++) {
        if (fds[i] < 0)
            continue;
        http_response res;
        cr_assert_eq(http_receive(fds[i], 20000, &res), 0, "request %d answers once the lock goes",
                     i);
        cr_assert_eq(res.status, 200, "request %d: %s", i, res.body);
        const char *counter = strstr(res.body, "\"counter\":");
        cr_assert_not_null(counter, "%s", res.body);
        int n = atoi(counter + strlen("\"counter\":"));
        cr_assert(n >= 1 && n <= POOLED_REQUESTS && !seen[n], "counter %d in %s", n, res.body);
        seen[n] = 1;
        http_response_free(&res);
    }
    cr_assert_leq(app_connections(holder), connections, "the pool kept its connections, no more");
    expect(app.port, "/db/read?id=4", 200, "\"id\":4", 0);
    PQfinish(holder);
    db_stop_app(&app);
    service_postgres.stop(svc);
}

/* The coroutine worker's pool of 2 bounds what eight queries in flight would otherwise open. */
Test(db_app, coroutine_pool_holds_its_limit_while_queries_wait)
{
    pool_holds_its_limit("coroutine", "8", "2", 2);
}

/* A handler thread runs one request at a time: a pool of 1 holds it at one, and the requests
 * past the three threads wait for a thread, never for a connection. */
Test(db_app, thread_model_pool_of_one_is_one_per_thread)
{
    pool_holds_its_limit("thread", "3", "1", 3);
}

Test(db_app, a_bad_db_pool_is_refused_naming_it)
{
    static const char *const bad[] = {"-1", "x", "4097", "", "2x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *args[] = {"--db-pool", bad[i], NULL};
        char *err = NULL;
        int status = run_to_exit(TWICE_APP_PATH, args, 10000, &err);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "--db-pool '%s': status %d",
                  bad[i], status);
        char expected[96];
        snprintf(expected, sizeof(expected),
                 "twice-app: --db-pool: expected a whole number 0-4096 (0: no limit), got '%s'",
                 bad[i]);
        cr_assert_not_null(strstr(err, expected), "--db-pool '%s': %s", bad[i], err);
        free(err);
    }
}

/* The database cuts every client off (as a restart does): the request on the dead connection
 * is a 503 naming the database, the next one connects afresh. */
Test(db_app, reconnects_after_the_database_cut_it_off)
{
    service *svc = db_start();
    PGconn *admin = db_connect(svc);
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
        app_process app;
        db_start_app(&app, models[i], "1", service_postgres.address(svc));
        expect(app.port, "/db/read?id=5", 200, "\"value\":\"item-5\"", 0);
        expect(app.port, "/db/read?id=6", 200, "\"value\":\"item-6\"", 0);
        PQclear(db_exec(admin,
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"));
        expect(app.port, "/db/read?id=5", 503, "{\"error\":\"database: ", 0);
        expect(app.port, "/db/read?id=5", 200, "\"value\":\"item-5\"", 0);
        expect(app.port, "/db/update?id=5", 200, "\"id\":5", 0);
        db_stop_app(&app);
    }
    PQfinish(admin);
    service_postgres.stop(svc);
}
