/*
 * load_wrk.c - one client's wrk: the command that starts it and the line it
 * ends with. The harness never scrapes wrk's text: its own Lua script
 * (harness/lua/twice.lua) checks every response and ends with one JSON line,
 * latency histogram included, which is all this file reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data_dir.h"
#include "load_wrk.h"

#define RESULT_MARK "TWICE_RESULT "
#define NOT_THE_SCRIPTS "wrk's result line is not what the script writes: "

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
    snprintf(err, errlen, NOT_THE_SCRIPTS "\"%s%s%s\" %s", group != NULL ? group : "",
             group != NULL ? "." : "", key,
             value == NULL ? "is missing"
             : !ok         ? (whole ? "is not a whole number" : "is not a number")
                           : "is negative");
    return -1;
}

/*
 * The histogram, taken out of raw (the report keeps figures, not every latency): the pairs, or,
 * where the script left them out for their number, null and "histogram_bins" saying how many.
 */
static int read_histogram(json_t *raw, load_result *out, char *err, size_t errlen)
{
    json_t *pairs = json_object_get(raw, "histogram");
    int rc = 0;
    if (json_is_null(pairs)) {
        double bins;
        rc = result_field(raw, NULL, "histogram_bins", 1, &bins, err, errlen);
        if (rc == 0 && bins <= LOAD_HISTOGRAM_MAX_BINS) {
            snprintf(err, errlen,
                     NOT_THE_SCRIPTS "\"histogram\" is null with \"histogram_bins\" %.0f: "
                                     "the script leaves out only histograms of more than %d",
                     bins, LOAD_HISTOGRAM_MAX_BINS);
            rc = -1;
        }
        if (rc == 0)
            out->histogram_left_out = (size_t)bins;
    } else if (pairs == NULL) {
        snprintf(err, errlen, NOT_THE_SCRIPTS "\"histogram\" is missing");
        rc = -1;
    } else {
        char why[256];
        rc = latency_histogram_parse(pairs, &out->histogram, why, sizeof(why));
        if (rc != 0)
            snprintf(err, errlen, NOT_THE_SCRIPTS "%s", why);
    }
    json_object_del(raw, "histogram");
    json_object_del(raw, "histogram_bins");
    return rc;
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
        snprintf(err, errlen, NOT_THE_SCRIPTS "%s",
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
        snprintf(err, errlen, NOT_THE_SCRIPTS "\"duration_us\" is 0");
        rc = -1;
    }
    if (rc == 0)
        rc = read_histogram(out->raw, out, err, errlen);
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
    latency_histogram_free(&result->histogram);
}

/* "host:port", an IPv6 address in brackets. */
static void put_server(FILE *out, const char *const *addresses, const int *ports, unsigned i)
{
    const char *host = addresses != NULL ? addresses[i] : "127.0.0.1";
    fprintf(out, strchr(host, ':') != NULL ? "[%s]:%d" : "%s:%d", host, ports[i]);
}

int load_target(const char *const *addresses, const int *ports, unsigned nports, int shared_port,
                unsigned first, char **url, char **servers_env)
{
    size_t size = 0;
    *url = *servers_env = NULL;
    FILE *out = open_memstream(url, &size);
    if (out == NULL)
        return -1;
    fputs("http://", out);
    put_server(out, addresses, ports, shared_port ? 0 : first % nports);
    fputc('/', out);
    int rc = fclose(out);
    if (rc == 0 && !shared_port && (out = open_memstream(servers_env, &size)) != NULL) {
        fputs("TWICE_SERVERS=", out);
        for (unsigned i = 0; i < nports; i++) {
            fputs(i ? "," : "", out);
            put_server(out, addresses, ports, (first + i) % nports);
        }
        rc = fclose(out);
    }
    if (rc != 0 || (!shared_port && *servers_env == NULL)) {
        free(*url);
        free(*servers_env);
        *url = *servers_env = NULL;
        return -1;
    }
    return 0;
}

int load_command_build(const load_spec *spec, unsigned connections, unsigned threads,
                       unsigned first, load_command *cmd, char *err, size_t errlen)
{
    static const char *const checks[] = {"status", "plaintext", "json", "ctx"};
    memset(cmd, 0, sizeof(*cmd));
    /* Sized to what they hold: a route or a servers list cut short would load something else. */
    if (load_target(spec->addresses, spec->ports, spec->nports, spec->shared_port, first, &cmd->url,
                    &cmd->servers_env) != 0 ||
        asprintf(&cmd->route_env, "TWICE_ROUTE=%s", spec->route) < 0) {
        cmd->route_env = NULL;
        load_command_free(cmd);
        snprintf(err, errlen, "cannot start wrk: out of memory");
        return -1;
    }
    snprintf(cmd->threads, sizeof(cmd->threads), "%u", threads);
    snprintf(cmd->connections, sizeof(cmd->connections), "%u", connections);
    snprintf(cmd->duration, sizeof(cmd->duration), "%.0fs",
             spec->duration_s < 1 ? 1 : spec->duration_s);
    snprintf(cmd->check_env, sizeof(cmd->check_env), "TWICE_CHECK=%s", checks[spec->check]);
    char *script = (char *)lua_script();
    char *argv[] = {"wrk",       "-t",  cmd->threads, "-c",   cmd->connections, "-d", cmd->duration,
                    "--timeout", "10s", "-s",         script, cmd->url,         NULL};
    memcpy(cmd->argv, argv, sizeof(argv));
    for (size_t i = 0; argv[i] != NULL; i++) {
        if (argv[i] == script)
            cmd->script_word = i;
    }
    char *env[] = {cmd->check_env, cmd->route_env, cmd->servers_env, NULL};
    memcpy(cmd->env, env, sizeof(env));
    return 0;
}

void load_command_free(load_command *cmd)
{
    free(cmd->url);
    free(cmd->route_env);
    free(cmd->servers_env);
    memset(cmd, 0, sizeof(*cmd));
}
