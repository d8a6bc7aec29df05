/*
 * db_fixture.h - what the PostgreSQL tests share (db_fixture.c): a real
 * temporary PostgreSQL from the harness's service module, a client
 * connection of the test's own, and twice-app started against it.
 */
#ifndef TWICE_TEST_DB_FIXTURE_H
#define TWICE_TEST_DB_FIXTURE_H

#include <libpq-fe.h>

#include "app_process.h"
#include "service.h"

#define DB_ROWS 50

/** Starts the PostgreSQL service and seeds DB_ROWS items; fails the test if it cannot. */
service *db_start(void);
/** A connection of the test's own to svc; fails the test if it cannot. */
PGconn *db_connect(const service *svc);
/** Runs sql on conn and fails the test unless it succeeds; the result (PQclear it). */
PGresult *db_exec(PGconn *conn, const char *sql);
/** Starts twice-app in model (one worker, and threads handler threads in the thread model)
 * with --db conninfo, or with no --db when conninfo is NULL. */
void db_start_app(app_process *app, const char *model, const char *threads, const char *conninfo);
/** Stops twice-app with SIGTERM and fails the test unless it exits cleanly. */
void db_stop_app(app_process *app);
/** The pids of every process whose working directory is dir or below it, of any user (a
 * PostgreSQL server and its backends work in their data directory); malloc'd, *n of them. */
pid_t *db_processes_in(const char *dir, size_t *n);
/** Waits (bounded) until no process works in dir and dir is gone; fails the test naming what
 * is left, and when (a phrase for the message). */
void db_nothing_left(const char *dir, const char *when);

#endif
