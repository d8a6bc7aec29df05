/*
 * main.c - twice-app, the reference application the harness deploys: the
 * workload routes served by libtwice under the model named on the command
 * line. It prints one line, "twice-app listening on HOST:PORT ...", once the
 * port accepts connections, so that tools can use --listen with port 0, and
 * on SIGUSR1 one line "twice-app: served N requests at T" with the responses
 * its workers have sent so far and the time it said so (CLOCK_MONOTONIC, in
 * seconds), so that tools can count a server's requests over a window
 * without a route of their own, timed by the server's host however late the
 * signal came.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "db_pool.h"
#include "workloads.h"

#define EXIT_USAGE 2

static void usage(FILE *out)
{
    fprintf(out,
            "usage: twice-app [--model MODEL] [--workers N] [--threads N] [--listen HOST:PORT]\n"
            "                 [--stack-size KIB] [--max-coroutines N] [--shutdown-timeout MS]\n"
            "                 [--lock-file PATH] [--db CONNINFO] [--db-pool N]\n"
            "\n"
            "Serves the twice workloads: /plaintext /json /sleep?ms=N /cpu?iters=N\n"
            "/ctx?id=X&ms=N /contention?us=N&ms=M, and on PostgreSQL /db/read?id=N\n"
            "/db/query?rows=N&from=M /db/update?id=N\n"
            "\n"
            "  --model MODEL           concurrency model:");
    for (const char *const *name = tw_models(); *name != NULL; name++)
        fprintf(out, " %s", *name);
    fprintf(out,
            " (default process)\n"
            "  --workers N             worker processes (default 1)\n"
            "  --threads N             handler threads per worker, thread model (default 8)\n"
            "  --stack-size KIB        stack per coroutine, coroutine model (default 64)\n"
            "  --max-coroutines N      requests in flight per worker before 503s, coroutine\n"
            "                          model (default 16384)\n"
            "  --listen HOST:PORT      address to serve on, port 0 for any free one\n"
            "                          (default 127.0.0.1:8080)\n"
            "  --shutdown-timeout MS   how long in-flight requests may take to finish after\n"
            "                          SIGTERM/SIGINT (default 5000)\n"
            "  --lock-file PATH        the machine-wide lock of /contention\n"
            "                          (default " TWICE_APP_DEFAULT_LOCK_FILE ")\n"
            "  --db CONNINFO           the PostgreSQL database of the /db routes, a libpq\n"
            "                          conninfo (default: $" TWICE_APP_DB_ENV "; none: they\n"
            "                          answer 503)\n"
            "  --db-pool N             database connections per worker thread at most, 0-%u;\n"
            "                          a request that finds them all busy waits for one, in\n"
            "                          order (default 0: one per query in flight, no limit)\n"
            "  --help                  this text\n"
            "  --version               the version\n",
            DB_POOL_LIMIT_MAX);
}

static int bad_flag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad_flag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "twice-app: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n\n");
    va_end(ap);
    usage(stderr);
    return EXIT_USAGE;
}

static int parse_unsigned(const char *value, unsigned long max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(value, &end, 10);
    if (value[0] == '\0' || value[0] == '-' || *end != '\0' || errno != 0 || n > max)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static void announce(const char *address, void *data)
{
    const tw_serve_config *config = data;
    printf("twice-app listening on %s model=%s workers=%u threads=%u\n", address, config->model,
           config->workers, config->threads);
    fflush(stdout);
}

/* Runs in the master's loop (not a signal handler): stdio is fine here. */
static void report_served(uint64_t responses, void *data)
{
    (void)data;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    printf("twice-app: served %" PRIu64 " requests at %lld.%06ld\n", responses,
           (long long)now.tv_sec, now.tv_nsec / 1000);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    tw_serve_config config = tw_serve_config_default();
    twice_app_options options = {.lock_file = TWICE_APP_DEFAULT_LOCK_FILE};
    twice_app_db db = {.conninfo = getenv(TWICE_APP_DB_ENV)};
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'},
        {"workers", required_argument, NULL, 'w'},
        {"threads", required_argument, NULL, 't'},
        {"stack-size", required_argument, NULL, 'S'},
        {"max-coroutines", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"shutdown-timeout", required_argument, NULL, 's'},
        {"lock-file", required_argument, NULL, 'k'},
        {"db", required_argument, NULL, 'd'},
        {"db-pool", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    unsigned kib, max_coroutines;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            config.model = optarg;
            break;
        case 'w':
            if (parse_unsigned(optarg, 1024, &config.workers) != 0 || config.workers == 0)
                return bad_flag("--workers: expected a whole number 1-1024, got '%s'", optarg);
            break;
        case 't':
            if (parse_unsigned(optarg, 4096, &config.threads) != 0 || config.threads == 0)
                return bad_flag("--threads: expected a whole number 1-4096, got '%s'", optarg);
            break;
        case 'S':
            if (parse_unsigned(optarg, 65536, &kib) != 0 || kib < 16)
                return bad_flag("--stack-size: expected KiB 16-65536, got '%s'", optarg);
            config.stack_size = (size_t)kib * 1024;
            break;
        case 'c':
            if (parse_unsigned(optarg, 10000000, &max_coroutines) != 0 || max_coroutines == 0)
                return bad_flag("--max-coroutines: expected a whole number 1-10000000, got '%s'",
                                optarg);
            config.max_coroutines = max_coroutines;
            break;
        case 'l':
            config.listen = optarg;
            break;
        case 's':
            if (parse_unsigned(optarg, 3600000, &config.shutdown_timeout_ms) != 0)
                return bad_flag("--shutdown-timeout: expected milliseconds 0-3600000, got '%s'",
                                optarg);
            break;
        case 'k':
            options.lock_file = optarg;
            break;
        case 'd':
            db.conninfo = optarg;
            break;
        case 'p':
            if (parse_unsigned(optarg, DB_POOL_LIMIT_MAX, &db.pool_size) != 0)
                return bad_flag("--db-pool: expected a whole number 0-%u (0: no limit), got '%s'",
                                DB_POOL_LIMIT_MAX, optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("twice-app %s\n", TWICE_VERSION);
            return 0;
        case ':':
            return bad_flag("%s: needs a value", argv[optind - 1]);
        default:
            return bad_flag("%s: unknown option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad_flag("%s: unexpected argument", argv[optind]);
    char err[512];
    if (tw_serve_config_check(&config, err, sizeof(err)) != TW_OK)
        return bad_flag("%s", err);

    tw_app *app = tw_app_new("twice-app");
    if (app == NULL || twice_app_register_workloads(app, &options) != TW_OK ||
        twice_app_register_db_routes(app, &db) != TW_OK) {
        fprintf(stderr, "twice-app: %s\n", app != NULL ? tw_app_errmsg(app) : "out of memory");
        tw_app_free(app);
        return 1;
    }
    config.on_listening = announce;
    config.on_listening_data = &config;
    config.on_served = report_served;
    /* A reader of stdout that went away must not take the server with it on the next count. */
    signal(SIGPIPE, SIG_IGN);
    int rc = tw_serve(app, &config);
    tw_app_free(app);
    return rc == TW_OK ? 0 : 1;
}
