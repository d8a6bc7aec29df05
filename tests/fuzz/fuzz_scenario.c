/*
 * fuzz_scenario.c - the scenario loader over arbitrary bytes: jansson, the
 * position scanner, and every check of the schema (names, routes, bounds),
 * as `twice validate` runs them on a file. Any outcome but a crash, a leak
 * or a hang is fine; a refusal must come with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scenario sc;
    char err[1024] = "";
    if (scenario_parse(&sc, "fuzz.json", (const char *)data, size, err, sizeof(err)) != 0 &&
        err[0] == '\0')
        abort(); /* a refusal without a reason */
    scenario_free(&sc);
    return 0;
}
