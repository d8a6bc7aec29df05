/*
 * fuzz_db_routes.c - twice-app's /db routes (framework/app/db_routes.c) on
 * arbitrary query strings, with no database configured: each request must
 * be refused before any connection is tried, with a 400 that names a
 * parameter or the 503 that says there is no database, never anything else.
 *
 * Input framing: the first byte picks the route (its value modulo 3: read,
 * query, update), the rest is the query string (a NUL ends it, as it ends
 * any target).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const routes[] = {"/db/read", "/db/query", "/db/update"};
    if (size == 0)
        return 0;
    const char *route = routes[data[0] % 3];
    size_t query_len = size - 1, route_len = strlen(route);
    char *target = malloc(route_len + 1 + query_len + 1);
    if (target == NULL)
        return 0;
    memcpy(target, route, route_len);
    target[route_len] = '?';
    memcpy(target + route_len + 1, data + 1, query_len);
    target[route_len + 1 + query_len] = '\0';

    static const twice_app_db no_database = {.conninfo = NULL};
    tw_app *app = tw_app_new("fuzz-db-routes");
    if (app == NULL || twice_app_register_db_routes(app, &no_database) != TW_OK)
        abort();
    tw_res *res = tw_app_dispatch(app, "GET", target, NULL, 0, NULL, 0);
    size_t len;
    const char *body = tw_res_get_body(res, &len);
    int status = tw_res_get_status(res);
    char *text = strndup(body != NULL ? body : "", len);
    /* A 400 names what is wrong; a 503 says there is no database; nothing else may come. */
    if (text == NULL || !((status == 400 && strstr(text, "\"error\":") != NULL) ||
                          (status == 503 && strstr(text, "no database") != NULL)))
        abort();
    free(text);
    tw_res_free(res);
    tw_app_free(app);
    free(target);
    return 0;
}
