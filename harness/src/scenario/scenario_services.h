/*
 * scenario_services.h - a scenario's "services" (scenario_services.c): the
 * shared services that every server of a run uses, such as one PostgreSQL
 * database behind all of them. Twice starts each once per run, before the
 * first step, and removes it after the last (service/service.h).
 *
 *   "services": {"postgres": {"rows": 10000, "max_connections": 200,
 *                             "cpu_cap": 0.5, "synchronous_commit": true}}
 */
#ifndef TWICE_SCENARIO_SERVICES_H
#define TWICE_SCENARIO_SERVICES_H

#include <jansson.h>

#include "json_schema.h"

#define SCENARIO_POSTGRES_DEFAULT_ROWS 10000
#define SCENARIO_POSTGRES_MAX_ROWS 10000000
/* PostgreSQL's own default. */
#define SCENARIO_POSTGRES_DEFAULT_CONNECTIONS 100
/* Each connection is a process of the database: beyond this a small machine runs out. */
#define SCENARIO_POSTGRES_MAX_CONNECTIONS 10000

/** The PostgreSQL service of a scenario. */
typedef struct scenario_postgres {
    int enabled;              /* 0: the scenario names none (then the rest is zero) */
    unsigned rows;            /* rows seeded into its items table */
    unsigned max_connections; /* clients it accepts at once */
    double cpu_cap;           /* cores it may use; 0: not capped */
    int synchronous_commit;   /* 1: a commit waits for its WAL on disk (fsync on), so a row lock
                                 is held through the flush; 0 (the default): neither */
} scenario_postgres;

typedef struct scenario_services {
    scenario_postgres postgres;
} scenario_services;

/**
 * Reads the optional "services" of the scenario's top object into out (zeroed first). 0, or
 * -1 with "FILE:LINE:COLUMN: what is wrong" in schema's error buffer: an unknown service or
 * setting (with the nearest known one), a setting of the wrong type or out of its bounds, or
 * no database for a target that needs one ({db} in its command, a twice-app /db/ route).
 */
int scenario_parse_services(json_schema *schema, json_t *top, scenario_services *out);

#endif
