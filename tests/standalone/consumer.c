/*
 * consumer.c - a program outside Twice that uses a copied framework/ folder:
 * it builds an app and dispatches one request without a network.
 */
#include <stdio.h>
#include <string.h>

#include <twice.h>

static int hello(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    char buf[64];
    snprintf(buf, sizeof(buf), "hello %s", tw_req_param(req, "name"));
    return tw_res_text(res, 200, buf);
}

int main(void)
{
    tw_app *app = tw_app_new("consumer");
    if (tw_route(app, "GET", "/hello/<name>", hello, NULL) != TW_OK)
        return 1;
    tw_res *res = tw_app_dispatch(app, "GET", "/hello/fork", NULL, 0, NULL, 0);
    int ok = tw_res_get_status(res) == 200 && strcmp(tw_res_get_body(res, NULL), "hello fork") == 0;
    printf("%d %s\n", tw_res_get_status(res), tw_res_get_body(res, NULL));
    tw_res_free(res);
    tw_app_free(app);
    return ok ? 0 : 1;
}
