/*
 * report_json.c - building and writing the JSON report. The machine facts
 * are there so that two reports can be compared knowingly: the CPU and its
 * cores, the kernel, the compiler and library versions, whether CPU caps
 * were applied, and the git commit of the tree that ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "proc.h"
#include "report.h"
#include "report_files.h"

static void utc_now(char *buf, size_t len, const char *format)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, format, &tm);
}

/* The first line a command prints (stdout and stderr), or "" (malloc'd). */
static char *first_line_of(char *const argv[])
{
    char err[256];
    int out = proc_output_fd("twice-probe", err, sizeof(err));
    pid_t pid = out >= 0 ? proc_spawn(argv, out, out, NULL, NULL, err, sizeof(err)) : -1;
    int status;
    if (pid > 0 && !proc_wait(pid, 5000, &status))
        proc_stop_group(pid, 100);
    /* The first line is the version: wrk prints its usage after it. */
    char *text = out >= 0 ? proc_output(out, 0, NULL) : strdup("");
    if (out >= 0)
        close(out);
    text[strcspn(text, "\n")] = '\0';
    return text;
}

static json_t *cpu_model(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            fclose(f);
            colon[strcspn(colon, "\n")] = '\0';
            return json_string(colon + 2);
        }
    }
    if (f != NULL)
        fclose(f);
    return json_null();
}

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#else
#define COMPILER "gcc " __VERSION__
#endif

static json_t *machine_facts(const char *app_path)
{
    struct utsname u;
    uname(&u);
    char kernel[512];
    snprintf(kernel, sizeof(kernel), "%s %s %s", u.sysname, u.release, u.machine);
    char *wrk_argv[] = {"wrk", "--version", NULL};
    char *app_argv[] = {(char *)app_path, "--version", NULL};
    char *wrk = first_line_of(wrk_argv), *app = first_line_of(app_argv);
    json_t *facts =
        json_pack("{s:o, s:I, s:s, s:s, s:s, s:s, s:s}", "cpu_model", cpu_model(), "cores",
                  (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "kernel", kernel, "compiler", COMPILER,
                  "jansson", JANSSON_VERSION, "wrk", wrk, "twice_app", app);
    free(wrk);
    free(app);
    return facts;
}

static json_t *git_commit(void)
{
    char *argv[] = {"git", "rev-parse", "HEAD", NULL};
    char *commit = first_line_of(argv);
    json_t *value = strlen(commit) == 40 ? json_string(commit) : json_null();
    free(commit);
    return value;
}

json_t *report_new(const scenario *sc, const char *app_path)
{
    char started[32];
    utc_now(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ");
    json_t *scenario_json = json_deep_copy(sc->json);
    json_object_set_new(scenario_json, "file", json_string(sc->path));
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:[]}", "schema", REPORT_SCHEMA, "status",
                     "running", "started_at", started, "scenario", scenario_json, "machine",
                     machine_facts(app_path), "git_commit", git_commit(), "models");
}

static int fill_json(FILE *out, void *data)
{
    return json_dumpf(data, out, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 && fputc('\n', out) != EOF
               ? 0
               : -1;
}

int report_write(json_t *report, const char *dir, const char *name, char **path_out, char *err,
                 size_t errlen)
{
    char stamp[32], safe[REPORT_STEM_MAX + 1], *stem;
    utc_now(stamp, sizeof(stamp), "%Y%m%d-%H%M%S");
    report_file_stem(name, safe);
    *path_out = NULL;
    if (report_dir_prepare(dir, err, errlen) != 0)
        return -1;
    if (asprintf(&stem, "%s/%s-%s", dir, safe, stamp) < 0) {
        snprintf(err, errlen, "cannot write a report to %s: out of memory", dir);
        return -1;
    }
    int rc =
        atomic_create(stem, "json", ATOMIC_MAX_SUFFIX, fill_json, report, path_out, err, errlen);
    free(stem);
    return rc;
}
