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
#include <sys/wait.h>
#include <unistd.h>

#include "data_dir.h"
#include "json_field.h"
#include "load.h"
#include "proc.h"
#include "read_file.h"

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

int load_parse_output(const char *output, load_result *out, char *err, size_t errlen)
{
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
    json_t *errors = json_object_get(out->raw, "errors");
    json_t *latency = json_object_get(out->raw, "latency_us");
    if (out->raw == NULL || !json_is_object(errors) || !json_is_object(latency) ||
        !json_is_integer(json_object_get(out->raw, "requests"))) {
        snprintf(err, errlen, "wrk's result line is not what the script writes: %s",
                 out->raw == NULL ? jerr.text : "missing fields");
        load_result_free(out);
        return -1;
    }
    out->requests = json_num(out->raw, "requests");
    out->duration_s = json_num(out->raw, "duration_us") / 1e6;
    out->throughput = out->duration_s > 0 ? out->requests / out->duration_s : 0;
    static const char *const keys[] = {"mean", "stdev", "max", "p50", "p90", "p99", "p99_9"};
    for (int i = 0; i < 7; i++)
        out->latency_ms[i] = json_num(latency, keys[i]) / 1000.0;
    out->errors = json_num(errors, "connect") + json_num(errors, "read") +
                  json_num(errors, "write") + json_num(errors, "timeout");
    out->non2xx = json_num(out->raw, "non2xx");
    out->failed_checks = json_num(out->raw, "failed_checks");
    return 0;
}

void load_result_free(load_result *result)
{
    json_decref(result->raw);
    result->raw = NULL;
}

int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen)
{
    static const char *const checks[] = {"status", "plaintext", "json", "ctx"};
    char threads[16], connections[16], duration[32], url[64],
        out_path[] = "/tmp/twice-wrk-XXXXXX", err_path[] = "/tmp/twice-wrk-err-XXXXXX";
    char check_env[64], route_env[1100], ports_env[1024] = "TWICE_PORTS=";
    close(mkstemp(out_path));
    close(mkstemp(err_path));
    snprintf(threads, sizeof(threads), "%u", spec->threads);
    snprintf(connections, sizeof(connections), "%u", spec->connections);
    snprintf(duration, sizeof(duration), "%.0fs", spec->duration_s < 1 ? 1 : spec->duration_s);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", spec->ports[0]);
    snprintf(check_env, sizeof(check_env), "TWICE_CHECK=%s", checks[spec->check]);
    snprintf(route_env, sizeof(route_env), "TWICE_ROUTE=%s", spec->route);
    for (unsigned i = 0; i < spec->nports && !spec->shared_port; i++)
        snprintf(ports_env + strlen(ports_env), sizeof(ports_env) - strlen(ports_env), "%s%d",
                 i ? "," : "", spec->ports[i]);
    char *env[] = {check_env, route_env, spec->shared_port ? NULL : ports_env, NULL};
    char *argv[] = {"wrk",    "-t",        threads, "-c", connections,          "-d",
                    duration, "--timeout", "10s",   "-s", (char *)lua_script(), url,
                    NULL};
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    pid_t pid = proc_spawn(argv, out_path, err_path, env, NULL);
    int status = 0, rc = -1;
    /* wrk stops by itself after its duration; the margin covers its start and its timeouts. */
    int limit_ms = (int)(spec->duration_s * 1000) + 30000;
    int done = 0;
    for (int waited = 0; waited < limit_ms && !done && !proc_interrupted; waited += 50)
        done = proc_wait(pid, 50, &status);
    if (!done) {
        proc_stop_group(pid, 1000);
        if (proc_interrupted)
            snprintf(err, errlen, "interrupted");
        else
            snprintf(err, errlen, "wrk ran past %d ms", limit_ms);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64], *tail = proc_file_tail(err_path, 400);
        proc_describe_status(status, how, sizeof(how));
        snprintf(err, errlen, "wrk %s%s%s", how,
                 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (is wrk installed? "
                                                                   "apt-get install wrk)"
                                                                 : "",
                 *tail ? tail : "");
        free(tail);
    } else {
        char *output = read_file(out_path, NULL);
        rc = load_parse_output(output != NULL ? output : "", out, err, errlen);
        free(output);
        /* wrk is the only child reaped meanwhile: the difference is its CPU time. */
        getrusage(RUSAGE_CHILDREN, &after);
        double cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
                     (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
                     (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
                     (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
        if (rc == 0 && out->duration_s > 0) {
            out->cpu_fraction = cpu / (out->duration_s * spec->threads);
            json_object_set_new(out->raw, "wrk_cpu", json_real(out->cpu_fraction));
        }
    }
    unlink(out_path);
    unlink(err_path);
    return rc;
}
