/*
 * testbed_cli.c - the `twice testbed` verb: its flags read and checked, the
 * bed made or removed, and what was made shown by reading back the
 * inventory it wrote, through the same loader `twice run --inventory` uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "message_text.h"
#include "proc.h"
#include "testbed.h"

#define EXIT_BAD_INPUT 2
#define USAGE                                                                                      \
    "usage: twice testbed up N [--clients K] [--balancer] [--cpu-cap CORES]\n"                     \
    "                          [--client-cpu-cap CORES] [--delay-ms MS] [--rate MBIT]\n"           \
    "                          --inventory FILE\n"                                                 \
    "       twice testbed down"

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "twice testbed: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n%s\n", USAGE);
    va_end(ap);
    return EXIT_BAD_INPUT;
}

/* A number from min to max (whole when whole), the whole of text. */
static int parse_number(const char *text, double min, double max, int whole, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (*text == '\0' || *end != '\0' || !(v >= min && v <= max) || (whole && v != (long)v))
        return -1;
    *out = v;
    return 0;
}

typedef struct flag {
    const char *name, *expected;
    double min, max;
    int whole;
    double *value;
} flag;

static int up(int argc, char **argv)
{
    double servers = 0, clients = 2, cpu_cap = 0, client_cpu_cap = 0, delay_ms = 0, rate = 0;
    char flag_name[MESSAGE_QUOTE_SIZE], value[MESSAGE_QUOTE_SIZE];
    const char *inventory_path = NULL;
    int balancer = 0;
    const flag flags[] = {
        {"--clients", "a whole number of client hosts from 1 to 64", 1, TESTBED_MAX_HOSTS, 1,
         &clients},
        {"--cpu-cap", "a number of cores per server host from 0.01 to 1024", 0.01, 1024, 0,
         &cpu_cap},
        {"--client-cpu-cap", "a number of cores per client host from 0.01 to 1024", 0.01, 1024, 0,
         &client_cpu_cap},
        {"--delay-ms", "a delay in milliseconds from 0 to 10000", 0, 10000, 0, &delay_ms},
        {"--rate", "a rate in Mbit/s from 0.01 to 100000", 0.01, 100000, 0, &rate},
    };
    for (int i = 0; i < argc; i++) {
        const flag *f = NULL;
        for (size_t k = 0; k < sizeof(flags) / sizeof(*flags); k++)
            f = strcmp(argv[i], flags[k].name) == 0 ? &flags[k] : f;
        if (strcmp(argv[i], "--balancer") == 0) {
            balancer = 1;
        } else if (f != NULL || strcmp(argv[i], "--inventory") == 0) {
            message_quote(flag_name, sizeof(flag_name), argv[i]);
            if (i + 1 == argc)
                return bad_usage("%s needs a value", flag_name);
            if (f == NULL)
                inventory_path = argv[i + 1];
            else if (parse_number(argv[i + 1], f->min, f->max, f->whole, f->value) != 0)
                return bad_usage("%s: expected %s, got %s", flag_name, f->expected,
                                 message_quote(value, sizeof(value), argv[i + 1]));
            i++;
        } else if (argv[i][0] != '-' && servers == 0) {
            if (parse_number(argv[i], 1, TESTBED_MAX_HOSTS, 1, &servers) != 0)
                return bad_usage("N: expected a whole number of server hosts from 1 to %d, got %s",
                                 TESTBED_MAX_HOSTS, message_quote(value, sizeof(value), argv[i]));
        } else {
            return bad_usage("unexpected argument %s",
                             message_quote(value, sizeof(value), argv[i]));
        }
    }
    if (servers == 0)
        return bad_usage("up: name the number of server hosts");
    if (inventory_path == NULL)
        return bad_usage("up: --inventory FILE is required: where the bed's inventory goes");
    char err[2048];
    testbed_options options = {.servers = (unsigned)servers,
                               .clients = (unsigned)clients,
                               .cpu_cap = cpu_cap,
                               .client_cpu_cap = client_cpu_cap,
                               .balancer = balancer,
                               .delay_ms = delay_ms,
                               .rate_mbit = rate,
                               .inventory = inventory_path};
    proc_install_signal_handlers();
    if (testbed_up(&options, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice testbed up: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    inventory inv;
    if (inventory_load(&inv, inventory_path, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice testbed up: the inventory written does not load: %s\n", err);
        inventory_free(&inv);
        return EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < inv.nservers; i++)
        printf("server host %zu: %s\n", i, inv.servers[i].destination);
    for (size_t i = 0; i < inv.nclients; i++)
        printf("client host %zu: %s\n", i, inv.clients[i].destination);
    if (inv.balancer != NULL)
        printf("balancer host: %s\n", inv.balancer->destination);
    printf("inventory: %s (ssh key %s)\ntake it down with: twice testbed down\n", inv.path,
           inv.identity_file);
    inventory_free(&inv);
    return 0;
}

static int down(int argc, char **argv)
{
    char err[2048], value[MESSAGE_QUOTE_SIZE];
    int found;
    if (argc != 0)
        return bad_usage("down takes no arguments, got %s",
                         message_quote(value, sizeof(value), argv[0]));
    if (testbed_down(&found, err, sizeof(err)) != 0) {
        fprintf(stderr, "twice testbed down: %s\n", err);
        return EXIT_BAD_INPUT;
    }
    printf(found ? "test bed down\n" : "no test bed is up\n");
    return 0;
}

int testbed_cli(int argc, char **argv)
{
    char err[512];
    if (argc == 0 || (strcmp(argv[0], "up") != 0 && strcmp(argv[0], "down") != 0))
        return bad_usage("expected up or down");
    if (testbed_check_root(err, sizeof(err)) != 0) {
        fprintf(stderr, "twice testbed %s: %s\n", argv[0], err);
        return EXIT_BAD_INPUT;
    }
    return strcmp(argv[0], "up") == 0 ? up(argc - 1, argv + 1) : down(argc - 1, argv + 1);
}
