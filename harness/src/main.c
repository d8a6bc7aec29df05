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

#include "fit_cli.h"
#include "gate.h"
#include "front.h"
#include "inventory.h"
#include "message_text.h"
#include "proc.h"
#include "report.h"
#include "report_files.h"
#include "report_table.h"
#include "run.h"
#include "scenario.h"
#include "scenario_programs.h"
#include "testbed_cli.h"

#define EXIT_BAD_INPUT 2

static void usage(FILE *out)
{
    fprintf(out,
            "usage: twice run SCENARIO [-o DIR] [--app PATH] [--allow-uncapped] [--gate]\n"
            "                 [--inventory FILE]\n"
            "       twice gate REPORT [--baseline OLD] [--tolerance F] [--min-efficiency F]\n"
            "                  [--max-sigma F] [--max-p99-ms F] [--max-error-rate F] [--strict]\n"
            "       twice report REPORT --format md|junit|html [-o FILE]\n"
            "       twice compare A.json B.json [--tolerance F]\n"
            "       twice fit FILE [--model NAME] [--predict N]... [--json]\n"
            "       twice validate [--inventory FILE] SCENARIO...   check files without running\n"
            "       twice testbed up N [--clients K] [--balancer] [--cpu-cap CORES]\n"
            "                  [--client-cpu-cap CORES] [--delay-ms MS] [--rate MBIT]\n"
            "                  --inventory FILE | twice testbed down\n"
            "       twice --help | --version\n"
            "\n"
            "run: deploys the scenario's servers step by step, drives wrk, prints a table and\n"
            "writes a JSON report to DIR (default reports/), with Markdown (.md), JUnit\n"
            "(.junit.xml) and HTML with charts (.html) beside it.\n"
            "  -o DIR            where the report goes\n"
            "  --app PATH        the twice-app to deploy (default: $TWICE_APP, the one built or\n"
            "                    installed beside twice, else twice-app on PATH)\n"
            "  --allow-uncapped  run without the scenario's CPU caps when they cannot be set\n"
            "                    (the report says so)\n"
            "  --gate            gate the report right after the run\n"
            "  --inventory FILE  where things run: each server host reached over ssh and\n"
            "                    checked (same twice-app) before the run; wrk on the client\n"
            "                    hosts, HAProxy on the balancer host, PostgreSQL on its host,\n"
            "                    where it names them (else here)\n"
            "gate: checks a report against the scenario's thresholds (flags override them)\n"
            "and, with --baseline, its throughput against an older report's, failing a drop\n"
            "of the median beyond the tolerance (default 0.10) that is also significant\n"
            "(Mann-Whitney U over both reports' repetitions, p < 0.05). --min-efficiency fails\n"
            "a step whose whole 95%% interval of E(N) lies below it; one that straddles it is\n"
            "inconclusive, a failure only with --strict.\n"
            "fit: fits the Universal Scalability Law to a CSV of measurements (header\n"
            "servers,throughput, one row per measurement, repeats allowed), or to each model\n"
            "of a Twice report (--model NAME picks one), by nonlinear least squares: sigma,\n"
            "kappa, lambda, the peak, and X(N) for each --predict N, with 95%% intervals;\n"
            "--json prints them as an object (an array of them for a report's models).\n"
            "testbed: emulated hosts on this machine (network namespaces, each with its sshd,\n"
            "cgroup and link; root only), and the inventory that reaches them.\n"
            "exit status: 0 success, 1 a gate failed, 2 bad input or a failed run\n");
}

/* What a valid scenario says, on one line; every string from the file quoted and escaped. */
static void describe(const scenario *sc)
{
    char name[MESSAGE_QUOTE_SIZE], route[MESSAGE_QUOTE_SIZE];
    printf("%s: ok: %s, route %s, targets", sc->path, message_quote(name, sizeof(name), sc->name),
           message_quote(route, sizeof(route), sc->route));
    /* Labels are plain names (scenario_name_check) or model names: nothing to escape. */
    for (size_t i = 0; i < sc->ntargets; i++)
        printf("%s%s", i ? "," : " ", sc->targets[i].label);
    printf(", servers");
    for (size_t i = 0; i < sc->nservers; i++)
        printf("%s%u", i ? "," : " ", sc->servers[i]);
    printf(", %g s x %u per step\n", sc->duration_s, sc->repetitions);
}

/* The programs sc needs here (wrk when a client runs here, the command targets' when their
 * servers do: remote hosts are checked by their deployer and their load runner when the run
 * opens them); says why not on stderr. 0 or -1. */
static int check_programs(const scenario *sc, int servers_here, int load_here)
{
    char err[2048];
    if (scenario_check_programs(sc, servers_here, load_here, err, sizeof(err)) == 0)
        return 0;
    fprintf(stderr, "twice: %s\n", err);
    return -1;
}

/* Loads the inventory at path (when not NULL) and checks that sc (when not NULL) fits it: its
 * largest step on the server hosts, its database where they reach it, its front where the
 * balancer goes, the programs it needs
 * here; says why not on stderr. 0 or -1. When keep is set and the inventory is good, it is
 * left there for the caller to use and free; *keep untouched otherwise. */
static int check_inventory(const char *path, const scenario *sc, inventory *keep)
{
    if (path == NULL)
        return sc != NULL ? check_programs(sc, 1, 1) : 0;
    inventory inv;
    char err[2048];
    int rc = inventory_load(&inv, path, err, sizeof(err));
    if (rc == 0)
        rc = inventory_check_servers(&inv, sc != NULL ? sc->servers[sc->nservers - 1] : 0, err,
                                     sizeof(err));
    if (rc == 0 && sc != NULL)
        rc = inventory_check_database(&inv, sc->services.postgres.enabled, err, sizeof(err));
    if (rc != 0) {
        fprintf(stderr, "twice: %s\n", err);
    } else if (sc != NULL && front_check_host(sc->front, &inv, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice: %s: %s\n", path, err);
        rc = -1;
    } else if (sc != NULL) {
        int load_here = 0;
        for (size_t j = 0; j < inv.nclients; j++)
            load_here |= inv.clients[j].local;
        rc = check_programs(sc, inv.nservers == 0 || inv.servers[0].local, load_here);
    }
    if (rc == 0 && keep != NULL)
        *keep = inv;
    else
        inventory_free(&inv);
    return rc;
}

static int validate(int argc, char **argv)
{
    const char *inventory_path = NULL;
    if (argc >= 2 && strcmp(argv[0], "--inventory") == 0) {
        inventory_path = argv[1];
        argc -= 2;
        argv += 2;
        if (check_inventory(inventory_path, NULL, NULL) != 0)
            return EXIT_BAD_INPUT;
        printf("%s: ok\n", inventory_path);
        if (argc == 0)
            return 0;
    }
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
        } else if (check_inventory(inventory_path, &sc, NULL) != 0) {
            status = EXIT_BAD_INPUT;
        } else {
            describe(&sc);
        }
        scenario_free(&sc);
    }
    return status;
}

/* The twice-app to deploy: the flag, $TWICE_APP, the one built beside twice (the build tree),
 * the one installed beside it (the same bin directory), else twice-app on PATH. */
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
        const char *bin = dirname(self);
        static const char *const beside[] = {"../framework/twice-app", "twice-app"};
        for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", bin, beside[i]);
            if (access(path, X_OK) == 0)
                return path;
        }
    }
    return "twice-app";
}

static int bad_usage(const char *verb, const char *fmt, const char *value)
{
    fprintf(stderr, "twice %s: ", verb);
    fprintf(stderr, fmt, value);
    fprintf(stderr, "\n\n");
    usage(stderr);
    return EXIT_BAD_INPUT;
}

/* Reads the report at path through the one typed reader; says why not on stderr (escaped:
 * the parser quotes the file's bytes near a syntax error). */
static int read_report(report_doc *doc, const char *verb, const char *path)
{
    char err[1024];
    if (report_read_file(doc, path, err, sizeof(err)) == 0)
        return 0;
    fprintf(stderr, "twice %s: ", verb);
    message_print(stderr, err);
    fputc('\n', stderr);
    return -1;
}

/* Gates report; returns the exit status (0 pass, 1 fail, 2 cannot gate). */
static int gate_report(const report_doc *report, const report_doc *baseline,
                       const gate_limits *limits)
{
    char err[1024];
    gate_checks checks;
    if (gate_check(&checks, report, baseline, limits, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice gate: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    gate_print(stdout, &checks);
    int status = checks.failed != 0 ? 1 : 0;
    gate_checks_free(&checks);
    return status;
}

static int parse_fraction(const char *flag, const char *value, double max, double *out)
{
    char *end;
    double v = strtod(value, &end);
    if (*value == '\0' || *end != '\0' || !(v >= 0) || v > max) {
        fprintf(stderr, "twice gate: %s: expected a number from 0 to %g, got '%s'\n", flag, max,
                value);
        return -1;
    }
    *out = v;
    return 0;
}

static int gate(int argc, char **argv)
{
    const char *path = NULL, *baseline_path = NULL;
    int strict = 0;
    double values[5];
    int set[5] = {0};
    static const char *const flags[] = {"--tolerance", "--min-efficiency", "--max-sigma",
                                        "--max-p99-ms", "--max-error-rate"};
    static const double maxima[] = {1, 1, 1, 3600000, 1};
    for (int i = 0; i < argc; i++) {
        int known = 0;
        for (int f = 0; f < 5 && !known; f++) {
            if (strcmp(argv[i], flags[f]) == 0) {
                known = 1;
                if (i + 1 == argc || parse_fraction(flags[f], argv[i + 1], maxima[f], &values[f]))
                    return EXIT_BAD_INPUT;
                set[f] = 1;
                i++;
            }
        }
        if (known)
            continue;
        if (strcmp(argv[i], "--baseline") == 0 && i + 1 < argc)
            baseline_path = argv[++i];
        else if (strcmp(argv[i], "--strict") == 0)
            strict = 1;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            fprintf(stderr, "twice gate: unexpected argument \"%s\"\n\n", argv[i]);
            usage(stderr);
            return EXIT_BAD_INPUT;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "twice gate: name a report\n\n");
        usage(stderr);
        return EXIT_BAD_INPUT;
    }
    report_doc report, baseline;
    if (read_report(&report, "gate", path) != 0)
        return EXIT_BAD_INPUT;
    if (baseline_path != NULL && read_report(&baseline, "gate", baseline_path) != 0) {
        report_doc_free(&report);
        return EXIT_BAD_INPUT;
    }
    gate_limits limits = gate_limits_from_report(&report);
    limits.strict = strict;
    scenario_gate *t = &limits.thresholds;
    if (set[0])
        limits.tolerance = values[0];
    if (set[1])
        t->min_efficiency = values[1], t->has_min_efficiency = 1;
    if (set[2])
        t->max_sigma = values[2], t->has_max_sigma = 1;
    if (set[3])
        t->max_p99_ms = values[3], t->has_max_p99_ms = 1;
    if (set[4])
        t->max_error_rate = values[4], t->has_max_error_rate = 1;
    int rc = gate_report(&report, baseline_path != NULL ? &baseline : NULL, &limits);
    report_doc_free(&report);
    if (baseline_path != NULL)
        report_doc_free(&baseline);
    return rc;
}

static int report_verb(int argc, char **argv)
{
    const char *path = NULL, *format_name = NULL, *out = NULL;
    for (int i = 0; i < argc; i++) {
        if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-o") == 0) && i + 1 < argc) {
            *(strcmp(argv[i], "-o") == 0 ? &out : &format_name) = argv[i + 1];
            i++;
        } else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else
            return bad_usage("report", "unexpected argument \"%s\"", argv[i]);
    }
    if (path == NULL || format_name == NULL)
        return bad_usage("report", "%s", "name a report and a --format");
    const report_format *format = report_format_find(format_name);
    if (format == NULL)
        return bad_usage("report", "--format: expected md, junit or html, got '%s'", format_name);
    report_doc report;
    if (read_report(&report, "report", path) != 0)
        return EXIT_BAD_INPUT;
    char err[1024];
    int rc = report_render(format, &report, out, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "twice report: %s\n", err);
    report_doc_free(&report);
    return rc == 0 ? 0 : EXIT_BAD_INPUT;
}

/* Writes the Markdown, JUnit and HTML reports of report beside its JSON file (same name,
 * other extensions). */
static int write_siblings(const report_doc *report, const char *json_path)
{
    char err[1024];
    int rc = report_render_beside(report, json_path, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "twice: %s\n", err);
    return rc;
}

/* Saves a run's report in dir, or, should that fail after all (dir was checked before the
 * run, but may have gone since), in the temporary directory: a run's results are never
 * lost to its output directory. Then renders doc, the report as read, in the other formats
 * beside it (none when it could not be read). 0, or -1 when something could not be
 * written. */
static int save_report(json_t *report, const char *dir, const char *name, const report_doc *doc)
{
    char err[2048], *written;
    int rc = report_write(report, dir, name, &written, err, sizeof(err));
    if (rc != 0) {
        const char *fallback = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
        fprintf(stderr, "twice: %s\n", err);
        if (report_write(report, fallback, name, &written, err, sizeof(err)) != 0) {
            fprintf(stderr, "twice: %s\n", err);
            return -1;
        }
        fprintf(stderr, "twice: the report was written to %s instead\n", written);
    }
    printf("report: %s\n", written);
    if (doc == NULL || write_siblings(doc, written) != 0)
        rc = -1;
    free(written);
    return rc;
}

static int compare(int argc, char **argv)
{
    gate_limits limits = {.tolerance = GATE_DEFAULT_TOLERANCE};
    const char *paths[2] = {NULL, NULL};
    size_t npaths = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--tolerance") == 0 && i + 1 < argc) {
            if (parse_fraction("--tolerance", argv[i + 1], 1, &limits.tolerance) != 0)
                return EXIT_BAD_INPUT;
            i++;
        } else if (argv[i][0] != '-' && npaths < 2) {
            paths[npaths++] = argv[i];
        } else {
            return bad_usage("compare", "unexpected argument \"%s\"", argv[i]);
        }
    }
    if (npaths != 2)
        return bad_usage("compare", "%s", "name two reports: A (before) and B (after)");
    report_doc a, b;
    if (read_report(&a, "compare", paths[0]) != 0)
        return EXIT_BAD_INPUT;
    if (read_report(&b, "compare", paths[1]) != 0) {
        report_doc_free(&a);
        return EXIT_BAD_INPUT;
    }
    int rc = EXIT_BAD_INPUT;
    char err[1024];
    gate_checks checks;
    if (gate_check(&checks, &b, &a, &limits, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice compare: %s\n", err);
    } else {
        gate_print_comparison(stdout, &a, &b, &checks);
        rc = checks.failed != 0 ? 1 : 0;
        gate_checks_free(&checks);
    }
    report_doc_free(&a);
    report_doc_free(&b);
    return rc;
}

static int run(int argc, char **argv)
{
    const char *path = NULL, *dir = "reports", *app = NULL, *inventory_path = NULL;
    run_options options = {.progress = isatty(STDERR_FILENO)};
    int gate_after = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--app") == 0 ||
            strcmp(argv[i], "--inventory") == 0) {
            if (i + 1 == argc)
                return bad_usage("run", "%s needs a value", argv[i]);
            *(strcmp(argv[i], "-o") == 0 ? &dir
              : argv[i][2] == 'a'        ? &app
                                         : &inventory_path) = argv[i + 1];
            i++;
        } else if (strcmp(argv[i], "--allow-uncapped") == 0) {
            options.allow_uncapped = 1;
        } else if (strcmp(argv[i], "--gate") == 0) {
            gate_after = 1;
        } else if (argv[i][0] == '-' || path != NULL) {
            return bad_usage("run", "unexpected argument \"%s\"", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (path == NULL)
        return bad_usage("run", "%s", "name a scenario file");
    scenario sc;
    char err[2048];
    if (scenario_load(&sc, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice: %s\n", err);
        scenario_free(&sc);
        return EXIT_BAD_INPUT;
    }
    inventory inv;
    if (check_inventory(inventory_path, &sc, &inv) != 0) {
        scenario_free(&sc);
        return EXIT_BAD_INPUT;
    }
    options.inventory = inventory_path != NULL ? &inv : NULL;
    /* Before anything is measured: the balancer's host must hold HAProxy (the other hosts are
     * reached and checked when the run starts), and a run must not end with nowhere to put
     * its results. */
    int refused = 0;
    if (options.inventory != NULL && front_probe(sc.front, &inv, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice: %s: %s\n", inventory_path, err);
        refused = 1;
    }
    if (!refused && report_dir_prepare(dir, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice run: -o %s: %s\n", dir, err);
        refused = 1;
    }
    if (refused) {
        if (options.inventory != NULL)
            inventory_free(&inv);
        scenario_free(&sc);
        return EXIT_BAD_INPUT;
    }
    options.app_path = find_app(app);
    proc_install_signal_handlers();
    json_t *report = report_new(&sc, options.app_path);
    int rc = run_scenario(&sc, &options, report, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "twice: %s: %s\n", proc_interrupted ? "interrupted" : "run failed", err);
    /* Everything past the run reads the report through the one typed reader. */
    report_doc doc = {0};
    if (report_read_json(&doc, report, "the run's report", err, sizeof(err)) != 0) {
        fprintf(stderr, "twice: ");
        message_print(stderr, err);
        fputc('\n', stderr);
        rc = -1;
    } else {
        report_print_table(stdout, &doc);
    }
    if (save_report(report, dir, sc.name, doc.json != NULL ? &doc : NULL) != 0)
        rc = -1;
    int status = rc == 0 ? 0 : EXIT_BAD_INPUT;
    if (status == 0 && gate_after) {
        gate_limits limits = gate_limits_from_report(&doc);
        status = gate_report(&doc, NULL, &limits);
    }
    report_doc_free(&doc);
    json_decref(report);
    if (options.inventory != NULL)
        inventory_free(&inv);
    scenario_free(&sc);
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
    if (strcmp(argv[1], "run") == 0)
        return run(argc - 2, argv + 2);
    if (strcmp(argv[1], "gate") == 0)
        return gate(argc - 2, argv + 2);
    if (strcmp(argv[1], "report") == 0)
        return report_verb(argc - 2, argv + 2);
    if (strcmp(argv[1], "compare") == 0)
        return compare(argc - 2, argv + 2);
    if (strcmp(argv[1], "fit") == 0)
        return fit_cli(argc - 2, argv + 2);
    if (strcmp(argv[1], "testbed") == 0)
        return testbed_cli(argc - 2, argv + 2);
    fprintf(stderr, "twice: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return EXIT_BAD_INPUT;
}
