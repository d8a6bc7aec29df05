/*
 * db_routes.c - twice-app's routes on PostgreSQL: a primary-key read, a
 * small range query and an update. They work on the table the harness's
 * PostgreSQL service seeds, items (id integer primary key, value text,
 * counter bigint). /db/update on one id is a hot row: every request
 * queues for its lock, a serial section the database itself imposes.
 *
 * A bad parameter is a 400 naming it; an id with no row, a 404; no
 * database configured, a database that cannot be reached or a query that
 * fails, a 503 whose JSON says why. A broken connection is dropped (see
 * db_conn.c), so the request after a database restart connects again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"

#define MAX_ID 2147483647 /* items.id is a PostgreSQL integer */
#define MAX_QUERY_ROWS 100

static const char read_sql[] = "SELECT id, value, counter FROM items WHERE id = $1";
static const char query_sql[] =
    "SELECT id, value, counter FROM items WHERE id >= $1 ORDER BY id LIMIT $2";
static const char update_sql[] =
    "UPDATE items SET counter = counter + 1 WHERE id = $1 RETURNING id, value, counter";

/* A required integer parameter in [min, max]: TW_OK, or TW_ABORT with the 400 set. */
static int required_int(tw_req *req, tw_res *res, const char *name, int64_t min, int64_t max,
                        int64_t *out)
{
    if (tw_req_query(req, name) == NULL)
        return tw_abort(res, 400, "query parameter '%s' is required", name);
    return tw_req_query_int(req, name, min, max, min, out);
}

/* Runs sql on a pooled connection: the result, or NULL with the 503 set on res. */
static PGresult *run(tw_res *res, const twice_app_db *db, const char *sql, int nparams,
                     const char *const *params)
{
    char err[512];
    if (db->conninfo == NULL || db->conninfo[0] == '\0') {
        tw_abort(res, 503, "no database: give twice-app --db CONNINFO or set " TWICE_APP_DB_ENV);
        return NULL;
    }
    PGconn *conn = twice_app_db_take(db, err, sizeof(err));
    PGresult *result =
        conn != NULL ? twice_app_db_query(conn, sql, nparams, params, err, sizeof(err)) : NULL;
    if (conn != NULL)
        twice_app_db_give_back(conn);
    if (result == NULL)
        tw_abort(res, 503, "database: %s", err);
    return result;
}

/* Row i of a result of (id, value, counter) as {"id", "value", "counter"}. */
static json_t *item(const PGresult *result, int i)
{
    return json_pack("{s:I, s:s, s:I}", "id",
                     (json_int_t)strtoll(PQgetvalue(result, i, 0), NULL, 10), "value",
                     PQgetvalue(result, i, 1), "counter",
                     (json_int_t)strtoll(PQgetvalue(result, i, 2), NULL, 10));
}

/* The one row a read or an update found, or a 404 naming the id. */
static int one_item(tw_res *res, PGresult *result, int64_t id)
{
    int rc = PQntuples(result) == 1 ? tw_res_json_new(res, 200, item(result, 0))
                                    : tw_abort(res, 404, "no item with id %" PRId64, id);
    PQclear(result);
    return rc;
}

/* A statement on the row named by the id parameter: a read or an update. */
static int on_one_item(tw_req *req, tw_res *res, const twice_app_db *db, const char *sql)
{
    int64_t id;
    if (required_int(req, res, "id", 1, MAX_ID, &id) != TW_OK)
        return TW_ABORT;
    char id_text[24];
    snprintf(id_text, sizeof(id_text), "%" PRId64, id);
    const char *params[] = {id_text};
    PGresult *result = run(res, db, sql, 1, params);
    return result != NULL ? one_item(res, result, id) : TW_ABORT;
}

static int db_read(tw_req *req, tw_res *res, void *data)
{
    return on_one_item(req, res, data, read_sql);
}

static int db_update(tw_req *req, tw_res *res, void *data)
{
    return on_one_item(req, res, data, update_sql);
}

static int db_query(tw_req *req, tw_res *res, void *data)
{
    int64_t rows, from;
    if (tw_req_query_int(req, "rows", 1, MAX_QUERY_ROWS, 10, &rows) != TW_OK ||
        tw_req_query_int(req, "from", 1, MAX_ID, 1, &from) != TW_OK)
        return TW_ABORT;
    char from_text[24], rows_text[24];
    snprintf(from_text, sizeof(from_text), "%" PRId64, from);
    snprintf(rows_text, sizeof(rows_text), "%" PRId64, rows);
    const char *params[] = {from_text, rows_text};
    PGresult *result = run(res, data, query_sql, 2, params);
    if (result == NULL)
        return TW_ABORT;
    json_t *items = json_array();
    for (int i = 0; i < PQntuples(result); i++)
        json_array_append_new(items, item(result, i));
    PQclear(result);
    return tw_res_json_new(res, 200, json_pack("{s:o}", "items", items));
}

int twice_app_register_db_routes(tw_app *app, const twice_app_db *db)
{
    void *data = (void *)db;
    if (tw_route(app, "GET", "/db/read", db_read, data) != TW_OK ||
        tw_route(app, "GET", "/db/query", db_query, data) != TW_OK ||
        tw_route(app, "GET", "/db/update", db_update, data) != TW_OK)
        return TW_FAIL;
    return TW_OK;
}
