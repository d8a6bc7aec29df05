/*
 * main.c - twice, the harness's command line: one verb per job. Exit
 * status: 0 success, 1 a gate failed, 2 bad input or a failed run.
 */
#include <libgen.h>
#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "report.h"
#include "run.h"
#include "scenario.h"

#define EXIT_BAD_INPUT 2

static void usage(FILE *out)
{
    fprintf(out,
            "usage: twice run SCENARIO [-o DIR] [--app PATH] [--allow-uncapped]\n"
            "       twice validate SCENARIO...   check scenario files without running them\n"
            "       twice --help | --version\n"
            "\n"
            "run: deploys the scenario's servers step by step, drives wrk, prints a table and\n"
            "writes a JSON report to DIR (default reports/).\n"
            "  -o DIR            where the report goes\n"
            "  --app PATH        the twice-app to deploy (default: the one built beside twice,\n"
            "                    else twice-app on PATH; or $TWICE_APP)\n"
            "  --allow-uncapped  run without the scenario's CPU caps when they cannot be set\n"
            "                    (the report says so)\n"
            "exit status: 0 the run completed, 2 bad input or the run failed\n");
}

static void describe(const scenario *sc)
{
    printf("%s: ok: \"%s\", %s", sc->path, sc->name, sc->app != NULL ? sc->app : "command");
    printf(" %s", sc->route);
    if (sc->nmodels != 0) {
        printf(", models");
        for (size_t i = 0; i < sc->nmodels; i++)
            printf("%s%s", i ? "," : " ", sc->models[i]);
    }
    printf(", servers");
    for (size_t i = 0; i < sc->nservers; i++)
        printf("%s%u", i ? "," : " ", sc->servers[i]);
    printf(", %g s x %u per step\n", sc->duration_s, sc->repetitions);
}

static int validate(int argc, char **argv)
{
    if (argc == 0) {
        fprintf(stderr, "twice validate: name at least one scenario file\n\n");
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    int status = 0;
    for (int i = 0; i < argc; i++) {
        scenario sc;
        char err[1024];
        if (scenario_load(&sc, argv[i], err, sizeof(err)) != 0) {
            fprintf(stderr, "twice: %s\n", err);
            status = EXIT_BAD_INPUT;
        } else {
            describe(&sc);
        }
        scenario_free(&sc);
    }
    return status;
}

/* twice-app: the flag, $TWICE_APP, the one built beside this twice, or the one on PATH. */
static const char *find_app(const char *flag)
{
    static char path[PATH_MAX + 32];
    if (flag != NULL)
        return flag;
    if (getenv("TWICE_APP") != NULL)
        return getenv("TWICE_APP");
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len > 0) {
        self[len] = '\0';
        snprintf(path, sizeof(path), "%s/../framework/twice-app", dirname(self));
        if (access(path, X_OK) == 0)
            return path;
    }
    return "twice-app";
}

static int bad_usage(const char *fmt, const char *value)
{
    fprintf(stderr, "twice run: ");
    fprintf(stderr, fmt, value);
    fprintf(stderr, "\n\n");
    usage(stderr);
    return EXIT_BAD_INPUT;
}

static int run(int argc, char **argv)
{
    const char *path = NULL, *dir = "reports", *app = NULL;
    run_options options = {.progress = isatty(STDERR_FILENO)};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--app") == 0) {
            if (i + 1 == argc)
                return bad_usage("%s needs a value", argv[i]);
            *(strcmp(argv[i], "-o") == 0 ? &dir : &app) = argv[i + 1];
            i++;
        } else if (strcmp(argv[i], "--allow-uncapped") == 0) {
            options.allow_uncapped = 1;
        } else if (argv[i][0] == '-' || path != NULL) {
            return bad_usage("unexpected argument \"%s\"", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (path == NULL)
        return bad_usage("%s", "name a scenario file");
    scenario sc;
    char err[2048];
    if (scenario_load(&sc, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice: %s\n", err);
        scenario_free(&sc);
        return EXIT_BAD_INPUT;
    }
    options.app_path = find_app(app);
    proc_install_signal_handlers();
    json_t *report = report_new(&sc, options.app_path);
    int rc = run_scenario(&sc, &options, report, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "twice: %s: %s\n", proc_interrupted ? "interrupted" : "run failed", err);
    run_print_table(stdout, report);
    char written[1200], werr[1200];
    if (report_write(report, dir, sc.name, written, sizeof(written), werr, sizeof(werr)) != 0) {
        fprintf(stderr, "twice: %s\n", werr);
        rc = -1;
    } else {
        printf("report: %s\n", written);
    }
    json_decref(report);
    scenario_free(&sc);
    return rc == 0 ? 0 : EXIT_BAD_INPUT;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("twice %s\n", TWICE_VERSION_STRING);
        return 0;
    }
    if (strcmp(argv[1], "validate") == 0)
        return validate(argc - 2, argv + 2);
    if (strcmp(argv[1], "run") == 0)
        return run(argc - 2, argv + 2);
    fprintf(stderr, "twice: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return EXIT_BAD_INPUT;
}
