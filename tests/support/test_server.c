/*
 * test_server.c - a libtwice application for the live tests of what
 * twice-app has no business serving:
 *
 *   /later?id=X&ms=N   schedules a later-call that appends "X SEEN" to the log
 *                      file, SEEN being the id it reads through tw_request()
 *   /chain/N/ID?tag=T  schedules N later-calls (tw_defer, then tw_call_later with growing
 *                      delays); each appends "ID INDEX STEPS_BEFORE T" to the log, where
 *                      STEPS_BEFORE counts, through tw_g(), the calls that finished before it
 *   /deep?n=N          recurses N frames deep (a stack overflow on purpose)
 *   /wait-fd?ms=N&ready=0|1
 *                      waits for a pipe to become readable, for at most N ms
 *
 * usage: twice-test-server --model M [--workers N] [--threads N] [--stack-size KIB]
 *                          [--max-coroutines N] --listen HOST:PORT --log FILE
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "twice.h"

static const char *log_path = "/dev/null";

static void append_log(const char *line)
{
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        /* One write per line: O_APPEND keeps lines from different workers whole. */
        if (write(fd, line, strlen(line)) < 0)
            perror("twice-test-server: log");
        close(fd);
    }
}

static void log_seen_id(void *data)
{
    char line[256];
    snprintf(line, sizeof(line), "%s %s\n", (const char *)data, tw_req_query(tw_request(), "id"));
    append_log(line);
}

static int later(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t ms;
    const char *id = tw_req_query(req, "id");
    if (id == NULL)
        return tw_abort(res, 400, "id is required");
    if (tw_req_query_int(req, "ms", 0, 10000, 0, &ms) != TW_OK)
        return TW_ABORT;
    /* The id the later-call expects travels in request memory, kept alive for it. */
    if (tw_call_later((uint64_t)ms, log_seen_id, (void *)id) != TW_OK)
        return TW_FAIL;
    return tw_res_text(res, 200, "scheduled");
}

/* One later-call of a /chain request. It reads a counter in tw_g(), takes a moment, then
 * writes it back one higher: a sibling running alongside it would read the same count (and
 * ThreadSanitizer would see the race). The query is parsed first here, lazily, not in the
 * handler, so that siblings would race on that too. */
static void chain_step(void *data)
{
    json_t *g = tw_g();
    json_int_t steps = json_integer_value(json_object_get(g, "steps"));
    const char *tag = tw_req_query(tw_request(), "tag");
    tw_usleep(2000);
    json_object_set_new(g, "steps", json_integer(steps + 1));
    char line[256];
    snprintf(line, sizeof(line), "%s %d %d %s\n", tw_req_param(tw_request(), "id"),
             (int)(intptr_t)data, (int)steps, tag != NULL ? tag : "-");
    append_log(line);
}

static int chain(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t n = tw_req_param_int(req, "n", 0);
    if (n < 1 || n > 64)
        return tw_abort(res, 400, "n must be 1-64");
    /* Deadlines never decrease from one call to the next, so deadline order is scheduling
     * order: half deferred, then delays of 0, 0, 1, 1, 2... ms. */
    for (int64_t i = 0; i < n; i++) {
        void *index = (void *)(intptr_t)i;
        int rc = i < n / 2 ? tw_defer(chain_step, index)
                           : tw_call_later((uint64_t)(i - n / 2) / 2, chain_step, index);
        if (rc != TW_OK)
            return TW_FAIL;
    }
    return tw_res_text(res, 200, "scheduled");
}

static volatile int sink;

static int recurse(int n)
{
    volatile char frame[512];
    frame[0] = (char)n;
    sink = frame[0];
    return n == 0 ? 0 : recurse(n - 1) + frame[0];
}

static int deep(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t n;
    if (tw_req_query_int(req, "n", 0, 10000000, 10, &n) != TW_OK)
        return TW_ABORT;
    char out[32];
    snprintf(out, sizeof(out), "%d", recurse((int)n));
    return tw_res_text(res, 200, out);
}

static int wait_fd(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t ms, ready;
    if (tw_req_query_int(req, "ms", 0, 10000, 100, &ms) != TW_OK ||
        tw_req_query_int(req, "ready", 0, 1, 0, &ready) != TW_OK)
        return TW_ABORT;
    int fds[2];
    if (pipe(fds) != 0)
        return TW_FAIL;
    if (ready && write(fds[1], "x", 1) != 1)
        return TW_FAIL;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int rc = tw_wait_readable(fds[0], (int)ms);
    clock_gettime(CLOCK_MONOTONIC, &end);
    close(fds[0]);
    close(fds[1]);
    long waited = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000;
    return tw_res_json_new(res, 200,
                           json_pack("{s:i, s:i}", "ready", rc, "waited_ms", (int)waited));
}

static void announce(const char *address, void *data)
{
    (void)data;
    printf("twice-test-server listening on %s\n", address);
    fflush(stdout);
}

/* Flags come in pairs; numbers are trusted: this is test equipment, not a product. */
int main(int argc, char **argv)
{
    tw_serve_config config = tw_serve_config_default();
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *flag = argv[i], *value = argv[i + 1];
        if (strcmp(flag, "--model") == 0)
            config.model = value;
        else if (strcmp(flag, "--workers") == 0)
            config.workers = (unsigned)atoi(value);
        else if (strcmp(flag, "--threads") == 0)
            config.threads = (unsigned)atoi(value);
        else if (strcmp(flag, "--stack-size") == 0)
            config.stack_size = (size_t)atoi(value) * 1024;
        else if (strcmp(flag, "--max-coroutines") == 0)
            config.max_coroutines = (size_t)atoi(value);
        else if (strcmp(flag, "--listen") == 0)
            config.listen = value;
        else if (strcmp(flag, "--log") == 0)
            log_path = value;
        else {
            fprintf(stderr, "twice-test-server: unknown flag %s\n", flag);
            return 2;
        }
    }
    tw_app *app = tw_app_new("twice-test-server");
    tw_route(app, "GET", "/later", later, NULL);
    tw_route(app, "GET", "/chain/<int:n>/<id>", chain, NULL);
    tw_route(app, "GET", "/deep", deep, NULL);
    tw_route(app, "GET", "/wait-fd", wait_fd, NULL);
    config.on_listening = announce;
    int rc = tw_serve(app, &config);
    tw_app_free(app);
    return rc == TW_OK ? 0 : 1;
}
