/*
 * postgres_client.c - see postgres_client.h. Everything here goes through
 * libpq from this machine, so it works the same for a server on 127.0.0.1
 * and for one on another host.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "postgres_client.h"
#include "proc.h"

#define DEFAULT_MAX_CONNECTIONS 100
#define READY_POLL_MS 50

/* The server's settings past the defaults. superuser_reserved_connections=0: the clients are
 * superusers too, and max_connections is then what they all get. The rest is the benchmark's
 * trade (see service_postgres.c). */
static char *const server_settings[] = {"superuser_reserved_connections=0", "shared_buffers=16MB",
                                        "full_page_writes=off"};
/* Asked for synchronous commits, a commit waits until its WAL is flushed to disk, and a row
 * that it updated stays locked until then: the flush becomes part of a hot row's serial
 * section. Without, neither fsync nor the wait. */
static char *const commit_settings[2][2] = {{"fsync=off", "synchronous_commit=off"},
                                            {"fsync=on", "synchronous_commit=on"}};

char *const postgres_initdb_options[] = {
    "-U", POSTGRES_USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", NULL};

void postgres_setting_words(const service_settings *settings, postgres_setting_text *text,
                            char **words, size_t *n)
{
    snprintf(text->max_connections, sizeof(text->max_connections), "max_connections=%u",
             settings->max_connections != 0 ? settings->max_connections : DEFAULT_MAX_CONNECTIONS);
    words[(*n)++] = "-c";
    words[(*n)++] = text->max_connections;
    for (size_t i = 0; i < sizeof(server_settings) / sizeof(server_settings[0]); i++) {
        words[(*n)++] = "-c";
        words[(*n)++] = server_settings[i];
    }
    for (size_t i = 0; i < 2; i++) {
        words[(*n)++] = "-c";
        words[(*n)++] = commit_settings[settings->synchronous_commit != 0][i];
    }
}

void postgres_conninfo(char *out, size_t len, const char *address, int port)
{
    snprintf(out, len,
             "hostaddr=%s port=%d user=" POSTGRES_USER " dbname=postgres sslmode=disable "
             "gssencmode=disable connect_timeout=5",
             address, port);
}

int postgres_wait_ready(const char *conninfo, pid_t pid, int timeout_ms, int *status, int *exited,
                        char *err, size_t errlen)
{
    *exited = 0;
    for (int waited = 0; waited < timeout_ms && !proc_interrupted; waited += READY_POLL_MS) {
        if (PQping(conninfo) == PQPING_OK)
            return 0;
        if (proc_wait(pid, 0, status)) {
            *exited = 1;
            return -1;
        }
        struct timespec pause = {0, READY_POLL_MS * 1000000L};
        nanosleep(&pause, NULL);
    }
    snprintf(err, errlen,
             proc_interrupted ? "interrupted while postgres started (%s)"
                              : "postgres did not accept connections in time (%s)",
             conninfo);
    return -1;
}

int postgres_seed_items(const char *conninfo, unsigned rows, char *err, size_t errlen)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SET client_min_messages = warning; DROP TABLE IF EXISTS items; "
             "CREATE TABLE items (id integer PRIMARY KEY, value text NOT NULL, "
             "counter bigint NOT NULL DEFAULT 0); "
             "INSERT INTO items SELECT g, 'item-' || g, 0 FROM generate_series(1, %u) AS g; "
             "ANALYZE items",
             rows);
    PGconn *conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to postgres to seed it (%s): %s", conninfo,
                 PQerrorMessage(conn));
        PQfinish(conn);
        return -1;
    }
    PGresult *result = PQexec(conn, sql);
    int rc = PQresultStatus(result) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0)
        snprintf(err, errlen, "cannot seed postgres with %u rows: %s", rows,
                 PQresultErrorMessage(result));
    PQclear(result);
    PQfinish(conn);
    return rc;
}

/* Client backends only: PostgreSQL's own processes (the checkpointer, the autovacuum
 * launcher...) are no one's connections. */
long postgres_count_clients(const char *conninfo)
{
    PGconn *conn = PQconnectdb(conninfo);
    long count = -1;
    if (PQstatus(conn) == CONNECTION_OK) {
        PGresult *result = PQexec(conn, "SELECT count(*) FROM pg_stat_activity WHERE backend_type "
                                        "= 'client backend' AND pid <> pg_backend_pid()");
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1)
            count = atol(PQgetvalue(result, 0, 0));
        PQclear(result);
    }
    PQfinish(conn);
    return count;
}
