/*
 * db_fixture.c - see db_fixture.h.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db_fixture.h"

/* How long a stopped service may take to be gone. */
#define GONE_TIMEOUT_MS 15000

service *db_start(void)
{
    char err[4096];
    service *svc =
        service_postgres.start(&(service_settings){.max_connections = 40}, err, sizeof(err));
    cr_assert_not_null(svc, "the PostgreSQL service did not start: %s", err);
    if (service_postgres.seed(svc, DB_ROWS, err, sizeof(err)) != 0) {
        service_postgres.stop(svc);
        cr_assert_fail("the PostgreSQL service could not be seeded: %s", err);
    }
    return svc;
}

PGconn *db_connect(const service *svc)
{
    PGconn *conn = PQconnectdb(service_postgres.address(svc));
    cr_assert_eq(PQstatus(conn), CONNECTION_OK, "cannot connect to %s: %s",
                 service_postgres.address(svc), PQerrorMessage(conn));
    return conn;
}

PGresult *db_exec(PGconn *conn, const char *sql)
{
    PGresult *result = PQexec(conn, sql);
    ExecStatusType status = PQresultStatus(result);
    cr_assert(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK, "%s: %s", sql,
              PQresultErrorMessage(result));
    return result;
}

void db_start_app(app_process *app, const char *model, const char *threads, const char *conninfo)
{
    const char *args[] = {
        "--model", model, "--workers", "1", "--threads", threads, conninfo != NULL ? "--db" : NULL,
        conninfo,  NULL};
    cr_assert_eq(app_start(app, TWICE_APP_PATH, args), 0, "twice-app (%s) did not start", model);
}

void db_stop_app(app_process *app)
{
    char *report;
    int status = app_stop_checked(app, 10000, &report);
    cr_assert_null(report, "twice-app: sanitizer report: %s", report);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "twice-app: a clean exit on SIGTERM, got status %d", status);
}

pid_t *db_processes_in(const char *dir, size_t *n)
{
    size_t cap = 16, dirlen = strlen(dir);
    pid_t *pids = malloc(cap * sizeof(*pids));
    *n = 0;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    while (proc != NULL && (entry = readdir(proc)) != NULL) {
        char link[300], cwd[PATH_MAX];
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
            continue;
        snprintf(link, sizeof(link), "/proc/%s/cwd", entry->d_name);
        ssize_t len = readlink(link, cwd, sizeof(cwd) - 1);
        if (len < 0)
            continue;
        cwd[len] = '\0';
        /* A removed directory reads "DIR (deleted)": still inside. */
        if (strncmp(cwd, dir, dirlen) == 0 &&
            (cwd[dirlen] == '\0' || cwd[dirlen] == '/' || cwd[dirlen] == ' ')) {
            if (*n == cap)
                pids = realloc(pids, (cap *= 2) * sizeof(*pids));
            pids[(*n)++] = atoi(entry->d_name);
        }
    }
    if (proc != NULL)
        closedir(proc);
    return pids;
}

void db_nothing_left(const char *dir, const char *when)
{
    size_t n = 0;
    struct stat st;
    int dir_left = 1;
    for (int waited = 0; waited < GONE_TIMEOUT_MS; waited += 50) {
        free(db_processes_in(dir, &n));
        dir_left = stat(dir, &st) == 0;
        if (n == 0 && !dir_left)
            return;
        sleep_ms(50);
    }
    cr_assert_fail("%s: %zu process(es) still work in %s, and the directory is %s", when, n, dir,
                   dir_left ? "still there" : "gone");
}
