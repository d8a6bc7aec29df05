/*
 * fuzz_wrk_result.c - reading wrk's output: arbitrary stdout, in which the
 * harness's script's "TWICE_RESULT {json}" line may be anywhere, malformed,
 * or absent. A result that is accepted must hold numbers a report can use.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *output = malloc(size + 1), err[512] = "";
    if (output == NULL)
        return 0;
    memcpy(output, data, size);
    output[size] = '\0';
    load_result result;
    if (load_parse_output(output, &result, err, sizeof(err)) == 0) {
        /* Accepted: finite, non-negative figures, never a NaN into the analysis. */
        if (!(result.requests >= 0 && result.duration_s > 0 && isfinite(result.throughput) &&
              result.errors >= 0 && result.latency_ms[LAT_P99] >= 0))
            abort();
        load_result_free(&result);
    } else if (err[0] == '\0') {
        abort();
    }
    free(output);
    return 0;
}
