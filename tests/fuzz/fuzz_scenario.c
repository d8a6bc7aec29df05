/*
 * fuzz_scenario.c - the scenario loader over arbitrary bytes: jansson, the
 * position scanner, and every check of the schema (names, routes, bounds),
 * as `twice validate` runs them on a file. Any outcome but a crash, a leak
 * or a hang is fine; a refusal must come with a message. The position
 * scanner also gets the bytes directly, since it must stand on its own
 * rather than rely on jansson having refused malformed text first.
 */
#include <stdint.h>
#include <stdlib.h>

#include "json_positions.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scenario sc;
    char err[1024] = "";
    if (scenario_parse(&sc, "fuzz.json", (const char *)data, size, err, sizeof(err)) != 0 &&
        err[0] == '\0')
        abort(); /* a refusal without a reason */
    scenario_free(&sc);
    json_positions positions;
    json_error_t error;
    if (json_positions_scan(&positions, (const char *)data, size, &error) == 0)
        json_positions_free(&positions);
    else if (error.line < 1 || error.column < 1 || error.text[0] == '\0')
        abort(); /* a refusal must say where and why */
    return 0;
}
