/*
 * test_peer_nginx.c - nginx with targets/nginx/nginx.conf, live: /plaintext
 * answered as twice-app answers it (status, Content-Type, body), from a
 * temporary prefix, and a clean exit on SIGTERM.
 */
#include <criterion/criterion.h>

#include "app_process.h"
#include "http_client.h"
#include "peers.h"

Test(peer_nginx, plaintext_as_twice_app, .timeout = 60)
{
    app_process app, nginx;
    char dir[64];
    cr_assert_eq(app_start(&app, TWICE_APP_PATH, NULL), 0, "twice-app did not start");
    peer_start_nginx(&nginx, dir);
    peer_same_answer(app.port, nginx.port, "GET", "/plaintext", "nginx vs twice-app");
    peer_stop(&nginx, "nginx");
    peer_stop_twice_app(&app);
    peer_remove_dir(dir);
}
