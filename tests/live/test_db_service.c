/*
 * test_db_service.c - the harness's PostgreSQL service, live: it starts on
 * its own port as an unprivileged user, seeds the items table, and leaves
 * no process (of any user) and no directory behind, whether it is stopped
 * or the process that started it is killed with SIGKILL.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app_process.h"
#include "db_fixture.h"

TestSuite(db_service, .timeout = 120);

/* The scratch directory of a running service: the parent of its server's data directory. */
static void service_dir(pid_t server, char *dir, size_t len)
{
    char link[64];
    snprintf(link, sizeof(link), "/proc/%d/cwd", (int)server);
    ssize_t got = readlink(link, dir, len - 1);
    cr_assert(got > 0, "cannot read the working directory of the server (pid %d)", (int)server);
    dir[got] = '\0';
    char *slash = strrchr(dir, '/');
    cr_assert(slash != NULL && strcmp(slash, "/data") == 0, "the server works in %s, not DIR/data",
              dir);
    *slash = '\0';
}

static uid_t owner_of(pid_t pid)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d", (int)pid);
    cr_assert_eq(stat(path, &st), 0, "no process %d", (int)pid);
    return st.st_uid;
}

static long long count_items(PGconn *conn)
{
    PGresult *result = db_exec(conn, "SELECT count(*) FROM items");
    long long n = atoll(PQgetvalue(result, 0, 0));
    PQclear(result);
    return n;
}

Test(db_service, start_seed_stop_leaves_nothing)
{
    service *svc = db_start();
    pid_t server = service_postgres.pid(svc);
    char dir[PATH_MAX];
    service_dir(server, dir, sizeof(dir));
    cr_assert(strncmp(dir, "/tmp/twice-postgres-", strlen("/tmp/twice-postgres-")) == 0,
              "a private directory in /tmp, got %s", dir);
    cr_assert_neq(owner_of(server), 0, "PostgreSQL runs as an unprivileged user, not root");
    cr_assert_not_null(strstr(service_postgres.address(svc), "hostaddr=127.0.0.1 "),
                       "a loopback address: %s", service_postgres.address(svc));

    PGconn *conn = db_connect(svc);
    cr_assert_eq(count_items(conn), DB_ROWS);
    PGresult *settings = db_exec(conn, "SELECT current_setting('max_connections'), "
                                       "current_setting('fsync'), current_user");
    cr_assert_str_eq(PQgetvalue(settings, 0, 0), "40", "the max_connections asked for");
    cr_assert_str_eq(PQgetvalue(settings, 0, 1), "off", "a benchmark's database: no fsync");
    cr_assert_str_eq(PQgetvalue(settings, 0, 2), "twice");
    PQclear(settings);
    PGresult *row = db_exec(conn, "SELECT value, counter FROM items WHERE id = 7");
    cr_assert_str_eq(PQgetvalue(row, 0, 0), "item-7");
    cr_assert_str_eq(PQgetvalue(row, 0, 1), "0");
    PQclear(row);
    char err[1024];
    cr_assert_eq(service_postgres.seed(svc, 3, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(count_items(conn), 3, "a second seed replaces the first");

    size_t n;
    free(db_processes_in(dir, &n));
    cr_assert_geq(n, 2, "a server and the test's backend work in %s, found %zu", dir, n);
    service_postgres.stop(svc); /* with the test's connection still open */
    db_nothing_left(dir, "after stop");
    PGresult *after = PQexec(conn, "SELECT 1");
    cr_assert_neq(PQresultStatus(after), PGRES_TUPLES_OK, "the test's connection is cut off");
    PQclear(after);
    PQfinish(conn);
}

/* The starter: starts the service, reports its server's pid, keeps a connection open and
 * waits to be killed. */
static void __attribute__((noreturn)) start_and_wait(int report)
{
    char err[4096];
    service *svc = service_postgres.start(&(service_settings){0}, err, sizeof(err));
    pid_t server = svc != NULL ? service_postgres.pid(svc) : -1;
    PGconn *conn = svc != NULL ? PQconnectdb(service_postgres.address(svc)) : NULL;
    if (write(report, &server, sizeof(server)) != sizeof(server) || svc == NULL)
        _exit(1);
    (void)conn;
    for (;;)
        pause();
}

Test(db_service, sigkill_of_the_starter_leaves_nothing)
{
    int report[2];
    cr_assert_eq(pipe(report), 0);
    pid_t starter = fork();
    cr_assert_geq(starter, 0);
    if (starter == 0) {
        close(report[0]);
        start_and_wait(report[1]);
    }
    close(report[1]);
    pid_t server = -1;
    ssize_t got = read(report[0], &server, sizeof(server));
    close(report[0]);
    if (got != sizeof(server) || server <= 0) {
        kill(starter, SIGKILL);
        waitpid(starter, NULL, 0);
        cr_assert_fail("the starter could not start the PostgreSQL service");
    }
    char dir[PATH_MAX];
    service_dir(server, dir, sizeof(dir));
    size_t n;
    for (int waited = 0; waited < 5000; waited += 20) {
        free(db_processes_in(dir, &n));
        if (n >= 2)
            break; /* the server and the starter's backend */
        sleep_ms(20);
    }
    cr_assert_geq(n, 2, "the server and a backend work in %s, found %zu", dir, n);

    kill(starter, SIGKILL);
    waitpid(starter, NULL, 0);
    db_nothing_left(dir, "after SIGKILL of the process that started the service");
}

Test(db_service, names_the_service_kind)
{
    cr_assert_eq(service_find("postgres"), &service_postgres);
    cr_assert_null(service_find("mysql"));
}
