/*
 * peers.c - starting the peers (gunicorn + Flask, nginx) and comparing their
 * answers with twice-app's. Neither announces an ephemeral port the way
 * twice-app does, so each gets a free port and is ready once it accepts.
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

#include "http_client.h"
#include "peers.h"

/* Debian's gunicorn runs under /usr/bin/python3, where python3-flask and python3-gevent
 * install their modules. */
#define PEER_PYTHON "/usr/bin/python3"
#define START_TIMEOUT_MS 20000

static int on_path(const char *program)
{
    const char *path = getenv("PATH");
    char candidate[PATH_MAX];
    while (path != NULL && *path != '\0') {
        size_t len = strcspn(path, ":");
        snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, path, program);
        if (access(candidate, X_OK) == 0)
            return 1;
        path += len + (path[len] == ':');
    }
    return 0;
}

static void require_program(const char *program, const char *package)
{
    cr_assert(on_path(program),
              "%s is not installed: install the Debian package %s (scripts/deps.sh does)", program,
              package);
}

static void require_python_module(const char *module, const char *package)
{
    char import[64], *err;
    snprintf(import, sizeof(import), "import %s", module);
    const char *const args[] = {"-c", import, NULL};
    int status = run_to_exit(PEER_PYTHON, args, 20000, &err);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s cannot import %s: install the Debian package %s (scripts/deps.sh does): %s",
              PEER_PYTHON, module, package, err);
    free(err);
}

/* Started means answering: gunicorn's master accepts connections on its socket before its
 * worker has loaded the app, and a test that times its requests must not time the boot. */
static void start_or_fail(app_process *p, const char *const *argv, int port, const char *name)
{
    if (app_start_on_port(p, argv, port, START_TIMEOUT_MS) != 0) {
        char *output = app_stderr(p);
        app_release(p);
        cr_assert_fail("%s did not start on 127.0.0.1:%d: %s", name, port, output);
    }
    http_response res;
    int answered = http_request(port, "GET", "/plaintext", NULL, START_TIMEOUT_MS, &res) == 0;
    int status = answered ? res.status : 0;
    if (answered)
        http_response_free(&res);
    if (status != 200) {
        char *output = app_stderr(p);
        app_stop(p, SIGKILL, 5000);
        cr_assert_fail("%s on 127.0.0.1:%d did not answer GET /plaintext with 200 (got %d): %s",
                       name, port, status, output);
    }
}

void peer_start_flask(app_process *p, const char *worker_class, const char *lock_file,
                      const char *db)
{
    require_program("gunicorn", "gunicorn");
    require_python_module("flask", "python3-flask");
    if (strcmp(worker_class, "gevent") == 0)
        require_python_module("gevent", "python3-gevent");
    if (db != NULL)
        require_python_module("psycopg2", "python3-psycopg2");
    int port = free_port();
    char bind[32], env[PATH_MAX], db_env[1024];
    snprintf(bind, sizeof(bind), "127.0.0.1:%d", port);
    snprintf(env, sizeof(env), "TWICE_LOCK_FILE=%s", lock_file);
    snprintf(db_env, sizeof(db_env), "TWICE_DB=%s", db != NULL ? db : "");
    /* --threads above 1 would turn a sync worker into a gthread one: only gthread gets it. */
    const char *threads = strcmp(worker_class, "gthread") == 0 ? "16" : "1";
    const char *const argv[] = {"gunicorn",
                                "--worker-class",
                                worker_class,
                                "--workers",
                                "1",
                                "--threads",
                                threads,
                                "--bind",
                                bind,
                                "--chdir",
                                TARGETS_DIR "/flask",
                                "--env",
                                env,
                                "--env",
                                db_env,
                                "--graceful-timeout",
                                "2",
                                "app:app",
                                NULL};
    char name[64];
    snprintf(name, sizeof(name), "gunicorn -k %s", worker_class);
    start_or_fail(p, argv, port, name);
}

void peer_start_nginx(app_process *p, char *dir)
{
    require_program("nginx", "nginx-light");
    strcpy(dir, "/tmp/twice-test-nginx-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    int port = free_port();
    char conf[PATH_MAX], line[512];
    snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
    FILE *in = fopen(TARGETS_DIR "/nginx/nginx.conf", "r");
    FILE *out = fopen(conf, "w");
    cr_assert(in != NULL && out != NULL, "cannot copy targets/nginx/nginx.conf to %s", conf);
    while (fgets(line, sizeof(line), in) != NULL) {
        char *slot = strstr(line, "{port}");
        if (slot != NULL)
            fprintf(out, "%.*s%d%s", (int)(slot - line), line, port, slot + strlen("{port}"));
        else
            fputs(line, out);
    }
    fclose(in);
    fclose(out);
    const char *const argv[] = {"nginx", "-p",     dir,  "-c",          conf,
                                "-e",    "stderr", "-g", "daemon off;", NULL};
    start_or_fail(p, argv, port, "nginx");
}

void peer_stop(app_process *p, const char *name)
{
    int status = app_stop(p, SIGTERM, 15000);
    cr_assert(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "%s: a clean exit on SIGTERM, got status %d", name, status);
}

void peer_stop_twice_app(app_process *app)
{
    char *report;
    int status = app_stop_checked(app, 10000, &report);
    cr_assert_null(report, "twice-app: sanitizer report: %s", report);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "twice-app: a clean exit on SIGTERM, got status %d", status);
}

void peer_remove_dir(const char *dir)
{
    char *err;
    const char *const args[] = {"-rf", dir, NULL};
    run_to_exit("/bin/rm", args, 10000, &err);
    free(err);
}

/* Everything a client sees but the Date and Server headers. */
static void same_header(const http_response *a, const http_response *b, const char *header,
                        const char *what)
{
    char va[256], vb[256];
    const char *ha = http_header(a, header, va, sizeof(va));
    const char *hb = http_header(b, header, vb, sizeof(vb));
    cr_assert((ha == NULL && hb == NULL) || (ha != NULL && hb != NULL && strcmp(ha, hb) == 0),
              "%s: %s is \"%s\" from twice-app, \"%s\" from the peer", what, header,
              ha != NULL ? ha : "(none)", hb != NULL ? hb : "(none)");
}

void peer_same_answer(int twice_port, int peer_port, const char *method, const char *target,
                      const char *label)
{
    char what[512];
    snprintf(what, sizeof(what), "%s: %s %s", label, method, target);
    http_response a, b;
    cr_assert_eq(http_request(twice_port, method, target, NULL, 10000, &a), 0,
                 "%s: no answer from twice-app", what);
    cr_assert_eq(http_request(peer_port, method, target, NULL, 30000, &b), 0,
                 "%s: no answer from the peer", what);
    cr_assert_eq(b.status, a.status, "%s: status %d from twice-app (%s), %d from the peer (%s)",
                 what, a.status, a.body, b.status, b.body);
    same_header(&a, &b, "Content-Type", what);
    same_header(&a, &b, "Allow", what);
    size_t len_a = a.body_len, len_b = b.body_len;
    if (strncmp(target, "/contention", strlen("/contention")) == 0 && a.status == 200) {
        const char *wait_a = strstr(a.body, "\"lock_wait_us\":");
        const char *wait_b = strstr(b.body, "\"lock_wait_us\":");
        cr_assert(wait_a != NULL && wait_b != NULL, "%s: no lock_wait_us in %s | %s", what, a.body,
                  b.body);
        len_a = (size_t)(wait_a - a.body);
        len_b = (size_t)(wait_b - b.body);
    }
    cr_assert(len_a == len_b && memcmp(a.body, b.body, len_a) == 0,
              "%s: bodies differ\n  twice-app: %s\n  peer:      %s", what, a.body, b.body);
    http_response_free(&a);
    http_response_free(&b);
}
