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
#include "load.h"
#include "proc.h"
#include "proc_usage.h"

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

char *load_hosts_env(const char *const *hosts, unsigned nhosts)
{
    char *env = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&env, &size);
    if (out == NULL)
        return NULL;
    fputs("TWICE_HOSTS=", out);
    for (unsigned i = 0; i < nhosts; i++)
        fprintf(out, "%s%s", i ? "," : "", hosts[i]);
    if (fclose(out) != 0) {
        free(env);
        return NULL;
    }
    return env;
}

int load_run(const load_spec *spec, load_result *out, char *err, size_t errlen)
{
    static const char *const checks[] = {"status", "plaintext", "json", "ctx"};
    char threads[16], connections[16], duration[32];
    char check_env[64], *route_env = NULL, *ports_env = NULL, *hosts_env = NULL;
    /* Sized to what they hold: a route or a ports list cut short would load something else. */
    if (asprintf(&route_env, "TWICE_ROUTE=%s", spec->route) < 0)
        route_env = NULL;
    if (!spec->shared_port)
        ports_env = load_ports_env(spec->ports, spec->nports);
    if (!spec->shared_port && spec->hosts != NULL)
        hosts_env = load_hosts_env(spec->hosts, spec->nports);
    if (route_env == NULL || (!spec->shared_port && ports_env == NULL) ||
        (!spec->shared_port && spec->hosts != NULL && hosts_env == NULL)) {
        free(route_env);
        free(ports_env);
        free(hosts_env);
        snprintf(err, errlen, "cannot start wrk: out of memory");
        return -1;
    }
    snprintf(threads, sizeof(threads), "%u", spec->threads);
    snprintf(connections, sizeof(connections), "%u", spec->connections);
    snprintf(duration, sizeof(duration), "%.0fs", spec->duration_s < 1 ? 1 : spec->duration_s);
    /* A numeric IPv6 host goes in brackets; wrk reaches each thread's own server anyway
     * (the script's thread.addr), the URL's host is the first server's. */
    const char *host = spec->hosts != NULL ? spec->hosts[0] : "127.0.0.1";
    int v6 = strchr(host, ':') != NULL;
    char *url = NULL;
    if (asprintf(&url, "http://%s%s%s:%d/", v6 ? "[" : "", host, v6 ? "]" : "", spec->ports[0]) <
        0) {
        free(route_env);
        free(ports_env);
        free(hosts_env);
        snprintf(err, errlen, "cannot start wrk: out of memory");
        return -1;
    }
    snprintf(check_env, sizeof(check_env), "TWICE_CHECK=%s", checks[spec->check]);
    /* Without ports (one shared port) there are no hosts either: the list ends there. */
    char *env[] = {check_env, route_env, ports_env, hosts_env, NULL};
    char *argv[] = {"wrk",    "-t",        threads, "-c", connections,          "-d",
                    duration, "--timeout", "10s",   "-s", (char *)lua_script(), url,
                    NULL};
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    int wrk_out = proc_output_fd("twice-wrk-out", err, errlen);
    int wrk_err = wrk_out >= 0 ? proc_output_fd("twice-wrk-err", err, errlen) : -1;
    pid_t pid = wrk_err >= 0 ? proc_spawn(argv, wrk_out, wrk_err, env, NULL, err, errlen) : -1;
    if (pid < 0) {
        if (wrk_out >= 0)
            close(wrk_out);
        if (wrk_err >= 0)
            close(wrk_err);
        free(route_env);
        free(ports_env);
        free(hosts_env);
        free(url);
        return -1;
    }
    int status = 0, rc = -1;
    /* wrk stops by itself after its duration; the margin covers its start and its timeouts. */
    int limit_ms = (int)(spec->duration_s * 1000) + 30000;
    int done = 0;
    for (int waited = 0; waited < limit_ms && !done && !proc_interrupted; waited += 50)
        done = proc_wait(pid, 50, &status);
    if (!done) {
        proc_stop_group(pid, 1000);
        if (proc_interrupted)
            snprintf(err, errlen, "while wrk was running");
        else
            snprintf(err, errlen, "wrk ran past %d ms", limit_ms);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64], *tail = proc_stderr_note(wrk_err, 400);
        proc_describe_status(status, how, sizeof(how));
        snprintf(err, errlen, "wrk %s%s%s", how,
                 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (is wrk installed? "
                                                                   "apt-get install wrk)"
                                                                 : "",
                 tail);
        free(tail);
    } else {
        char *output = proc_output(wrk_out, 0, NULL);
        rc = load_parse_output(output, out, err, errlen);
        free(output);
        /* wrk is the only child reaped meanwhile: the difference is its CPU time. */
        getrusage(RUSAGE_CHILDREN, &after);
        double user_s, system_s;
        proc_usage_rusage_diff(&before, &after, &user_s, &system_s);
        double cpu = user_s + system_s;
        if (rc == 0 && out->duration_s > 0) {
            out->cpu_fraction = cpu / (out->duration_s * spec->threads);
            json_object_set_new(out->raw, "wrk_cpu", json_real(out->cpu_fraction));
        }
    }
    close(wrk_out);
    close(wrk_err);
    free(route_env);
    free(ports_env);
    free(hosts_env);
    free(url);
    return rc;
}
