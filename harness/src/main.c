/*
 * main.c - twice, the harness's command line: one verb per job. Exit
 * status: 0 success, 1 a gate failed, 2 bad input or a failed run.
 */
#include <stdio.h>
#include <string.h>

#include "scenario.h"

#define EXIT_BAD_INPUT 2

static void usage(FILE *out)
{
    fprintf(out, "usage: twice validate SCENARIO...   check scenario files without running them\n"
                 "       twice --help | --version\n");
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
    fprintf(stderr, "twice: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return EXIT_BAD_INPUT;
}
