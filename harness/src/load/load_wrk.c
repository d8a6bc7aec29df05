/*
 * load_wrk.c - load through wrk. The harness never scrapes wrk's text: its
 * own Lua script (harness/lua/twice.lua) checks every response and ends
 * with one JSON line, which is all this file reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "data_dir.h"
#include "load.h"
#include "proc.h"

#define RESULT_MARK "TWICE_RESULT "

static const char *lua_script(void)
{
    return data_dir_lua_script();
}

unsigned load_threads(unsigned connections, unsigned nservers, int direct, double reserved_cores)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    double left = (cores > 0 ? (double)cores : 1) - reserved_cores;
    unsigned threads = left >= 2 ? (unsigned)left : 1;
    /* The direct front points each thread at one server: every server needs one. */
    if (direct && threads < nservers)
        threads = nservers;
    return threads < connections ? threads : connections;
}

/* The field key of obj, which must be a number >= 0 (an integer when whole); -1 with err
 * naming its path in the result otherwise. */
static int result_field(json_t *obj, const char *group, const char *key, int whole, double *out,
                        char *err, size_t errlen)
{
    json_t *value = json_object_get(obj, key);
    int ok = whole ? json_is_integer(value) : json_is_number(value);
    *out = json_number_value(value);
    if (ok && *out >= 0)
        return 0;
    snprintf(err, errlen, "wrk's result line is not what the script writes: \"%s%s%s\" %s",
             group != NULL ? group : "", group != NULL ? "." : "", key,
             value == NULL ? "is missing"
             : !ok         ? (whole ? "is not a whole number" : "is not a number")
                           : "is negative");
    return -1;
}

int load_parse_output(const char *output, load_result *out, char *err, size_t errlen)
{
    static const char *const latency_keys[] = {"mean", "stdev", "max",  "p50",
                                               "p90",  "p99",   "p99_9"};
    static const char *const error_keys[] = {"connect", "read", "write", "timeout"};
    memset(out, 0, sizeof(*out));
    const char *mark = strstr(output, RESULT_MARK);
    if (mark == NULL) {
        snprintf(err, errlen, "wrk printed no result line (is %s the harness's script?)",
                 lua_script());
        return -1;
    }
    json_error_t jerr;
    const char *json = mark + strlen(RESULT_MARK);
    out->raw = json_loadb(json, strcspn(json, "\n"), 0, &jerr);
    if (out->raw == NULL || !json_is_object(out->raw)) {
        snprintf(err, errlen, "wrk's result line is not what the script writes: %s",
                 out->raw == NULL ? jerr.text : "not a JSON object");
        load_result_free(out);
        return -1;
    }
    json_t *errors = json_object_get(out->raw, "errors");
    json_t *latency = json_object_get(out->raw, "latency_us");
    double duration_us, count;
    int rc =
        result_field(out->raw, NULL, "requests", 1, &out->requests, err, errlen) != 0 ||
                result_field(out->raw, NULL, "duration_us", 1, &duration_us, err, errlen) != 0 ||
                result_field(out->raw, NULL, "non2xx", 1, &out->non2xx, err, errlen) != 0 ||
                result_field(out->raw, NULL, "failed_checks", 1, &out->failed_checks, err,
                             errlen) != 0
            ? -1
            : 0;
    for (int i = 0; i < 7 && rc == 0; i++) {
        rc = result_field(latency, "latency_us", latency_keys[i], 0, &out->latency_ms[i], err,
                          errlen);
        out->latency_ms[i] /= 1000.0;
    }
    for (int i = 0; i < 4 && rc == 0; i++) {
        rc = result_field(errors, "errors", error_keys[i], 1, &count, err, errlen);
        out->errors += count;
    }
    if (rc == 0 && duration_us == 0) {
        snprintf(err, errlen,
                 "wrk's result line is not what the script writes: "
                 "\"duration_us\" is 0");
        rc = -1;
    }
    if (rc != 0) {
        load_result_free(out);
        memset(out, 0, sizeof(*out));
        return -1;
    }
    out->duration_s = duration_us / 1e6;
    out->throughput = out->requests / out->duration_s;
    return 0;
}

void load_result_free(load_result *result)
{
    json_decref(result->raw);
    result->raw = NULL;
}

char *load_ports_env(const int *ports, unsigned nports)
{
    char *env = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&env, &size);
    if (out == NULL)
        return NULL;
    fputs("TWICE_PORTS=", out);
    for (unsigned i = 0; i < nports; i++)
        fprintf(out, "%s%d", i ? "," : "", ports[i]);
    if (fclose(out) != 0) {
        free(env);
        return NULL;
    }
    return env;
}

/* Frees what load_start allocated and closes wrk's outputs. */
static void release(load_process *lp)
{
    if (lp->out_fd >= 0)
        close(lp->out_fd);
    if (lp->err_fd >= 0)
        close(lp->err_fd);
    free(lp->route_env);
    free(lp->ports_env);
    *lp = (load_process){.out_fd = -1, .err_fd = -1};
}

int load_start(const load_spec *spec, load_process *lp, char *err, size_t errlen)
{
    static const char *const checks[] = {"status", "plaintext", "json", "ctx"};
    char threads[16], connections[16], duration[32], url[64], check_env[64];
    *lp = (load_process){
        .out_fd = -1, .err_fd = -1, .threads = spec->threads, .duration_s = spec->duration_s};
    /* Sized to what they hold: a route or a ports list cut short would load something else. */
    if (asprintf(&lp->route_env, "TWICE_ROUTE=%s", spec->route) < 0)
        lp->route_env = NULL;
    if (!spec->shared_port)
        lp->ports_env = load_ports_env(spec->ports, spec->nports);
    if (lp->route_env == NULL || (!spec->shared_port && lp->ports_env == NULL)) {
        release(lp);
        snprintf(err, errlen, "cannot start wrk: out of memory");
        return -1;
    }
    snprintf(threads, sizeof(threads), "%u", spec->threads);
    snprintf(connections, sizeof(connections), "%u", spec->connections);
    snprintf(duration, sizeof(duration), "%.0fs", spec->duration_s < 1 ? 1 : spec->duration_s);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", spec->ports[0]);
    snprintf(check_env, sizeof(check_env), "TWICE_CHECK=%s", checks[spec->check]);
    char *env[] = {check_env, lp->route_env, lp->ports_env, NULL};
    char *argv[] = {"wrk",    "-t",        threads, "-c", connections,          "-d",
                    duration, "--timeout", "10s",   "-s", (char *)lua_script(), url,
                    NULL};
    lp->out_fd = proc_output_fd("twice-wrk-out", err, errlen);
    lp->err_fd = lp->out_fd >= 0 ? proc_output_fd("twice-wrk-err", err, errlen) : -1;
    clock_gettime(CLOCK_MONOTONIC, &lp->started);
    lp->pid =
        lp->err_fd >= 0 ? proc_spawn(argv, lp->out_fd, lp->err_fd, env, NULL, err, errlen) : -1;
    if (lp->pid < 0) {
        release(lp);
        return -1;
    }
    return 0;
}

int load_finish(load_process *lp, load_result *out, char *err, size_t errlen)
{
    int status = 0, rc = -1, done = 0;
    struct rusage usage = {0};
    /* wrk stops by itself after its duration; the margin covers its start and its timeouts. */
    int limit_ms = (int)(lp->duration_s * 1000) + 30000;
    for (int waited = 0; waited < limit_ms && !done && !proc_interrupted; waited += 50)
        done = proc_wait_usage(lp->pid, 50, &status, &usage);
    if (!done) {
        proc_stop_group(lp->pid, 1000);
        if (proc_interrupted)
            snprintf(err, errlen, "while wrk was running");
        else
            snprintf(err, errlen, "wrk ran past %d ms", limit_ms);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64], *tail = proc_stderr_note(lp->err_fd, 400);
        proc_describe_status(status, how, sizeof(how));
        snprintf(err, errlen, "wrk %s%s%s", how,
                 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (is wrk installed? "
                                                                   "apt-get install wrk)"
                                                                 : "",
                 tail);
        free(tail);
    } else {
        char *output = proc_output(lp->out_fd, 0, NULL);
        rc = load_parse_output(output, out, err, errlen);
        free(output);
        double cpu = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 +
                     (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec / 1e6;
        if (rc == 0 && out->duration_s > 0) {
            out->cpu_fraction = cpu / (out->duration_s * lp->threads);
            json_object_set_new(out->raw, "wrk_cpu", json_real(out->cpu_fraction));
        }
    }
    release(lp);
    return rc;
}

int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen)
{
    load_process lp;
    if (load_start(spec, &lp, err, errlen) != 0)
        return -1;
    return load_finish(&lp, out, err, errlen);
}
