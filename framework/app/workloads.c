/*
 * workloads.c - the routes of twice-app, each a workload with a known
 * shape, so that the harness can read a measurement against what it should
 * be: plaintext and JSON (the framework's overhead), a wait (I/O), CPU work,
 * a context-isolation probe, and a serial section of known length.
 * Every bad parameter is answered with a 400 JSON error naming it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "workloads.h"

#define MAX_SLEEP_MS 60000
#define MAX_CPU_ITERS 1000000000LL
#define MAX_HOLD_US 10000000LL

static const char hello[] = "Hello, World!";

static int plaintext(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    return tw_res_text(res, 200, hello);
}

static int json(tw_req *req, tw_res *res, void *data)
{
    (void)req;
    (void)data;
    return tw_res_json_new(res, 200, json_pack("{s:s}", "message", hello));
}

static int sleep_route(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t ms;
    if (tw_req_query_int(req, "ms", 0, MAX_SLEEP_MS, 10, &ms) != TW_OK)
        return TW_ABORT;
    tw_sleep((uint64_t)ms);
    return tw_res_json_new(res, 200, json_pack("{s:I}", "slept_ms", (json_int_t)ms));
}

uint64_t twice_app_cpu_work(uint64_t iters)
{
    /* xorshift64*: cheap, deterministic, and impossible for the compiler to fold away. */
    uint64_t x = 0x9E3779B97F4A7C15ULL, sum = 0;
    for (uint64_t i = 0; i < iters; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        sum += x * 0x2545F4914F6CDD1DULL;
    }
    return sum;
}

static int cpu(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t iters;
    if (tw_req_query_int(req, "iters", 1, MAX_CPU_ITERS, 1000, &iters) != TW_OK)
        return TW_ABORT;
    char checksum[19];
    snprintf(checksum, sizeof(checksum), "%016" PRIx64, twice_app_cpu_work((uint64_t)iters));
    return tw_res_json_new(
        res, 200, json_pack("{s:I, s:s}", "iters", (json_int_t)iters, "checksum", checksum));
}

/* Reads the request through the context local on both sides of a wait: if another
 * request's context leaked in while this one waited, "after" differs from "id". */
static int ctx(tw_req *req, tw_res *res, void *data)
{
    (void)data;
    int64_t ms;
    const char *id;
    if (tw_req_query_text(req, "id", &id) != TW_OK)
        return TW_ABORT; /* it goes back in JSON: bytes that are not UTF-8 cannot */
    if (id == NULL)
        return tw_abort(res, 400, "query parameter 'id' is required");
    if (tw_req_query_int(req, "ms", 0, MAX_SLEEP_MS, 0, &ms) != TW_OK)
        return TW_ABORT;
    const char *before = tw_req_query(tw_request(), "id");
    tw_sleep((uint64_t)ms);
    const char *after = tw_req_query(tw_request(), "id");
    return tw_res_json_new(
        res, 200, json_pack("{s:s, s:s, s:s}", "id", id, "before", before, "after", after));
}

static int contention(tw_req *req, tw_res *res, void *data)
{
    const twice_app_options *options = data;
    int64_t us, ms;
    if (tw_req_query_int(req, "us", 0, MAX_HOLD_US, 100, &us) != TW_OK ||
        tw_req_query_int(req, "ms", 0, MAX_SLEEP_MS, 0, &ms) != TW_OK)
        return TW_ABORT;
    tw_sleep((uint64_t)ms); /* the parallel part */
    uint64_t waited_us;
    if (twice_app_hold_lock(options->lock_file, (uint64_t)us, &waited_us) != TW_OK)
        return tw_abort(res, 500, "cannot lock %s: %s", options->lock_file, strerror(errno));
    return tw_res_json_new(res, 200,
                           json_pack("{s:I, s:I, s:I}", "parallel_ms", (json_int_t)ms, "held_us",
                                     (json_int_t)us, "lock_wait_us", (json_int_t)waited_us));
}

int twice_app_register_workloads(tw_app *app, const twice_app_options *options)
{
    if (tw_route(app, "GET", "/plaintext", plaintext, NULL) != TW_OK ||
        tw_route(app, "GET", "/json", json, NULL) != TW_OK ||
        tw_route(app, "GET", "/sleep", sleep_route, NULL) != TW_OK ||
        tw_route(app, "GET", "/cpu", cpu, NULL) != TW_OK ||
        tw_route(app, "GET", "/ctx", ctx, NULL) != TW_OK ||
        tw_route(app, "GET", "/contention", contention, (void *)options) != TW_OK)
        return TW_FAIL;
    return TW_OK;
}
