/*
 * fuzz_wrk_cpu.c - the end of a remote wrk's stderr, as the ssh runner reads
 * the CPU report its wrapper prints there (load_remote_cpu). The host's
 * stderr may hold anything; a figure read must be a real `times` figure
 * (finite, >= 0, no more than two times of a billion minutes), found where
 * the last mark starts, and the report alone must read the same; a report
 * not read must say why.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load_remote.h"

#define MAX_CPU_S (2 * (1e9 * 60 + 60))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    double cpu_s = -2, again = -2;
    size_t at = size + 1, at_again = size + 1;
    char why[256] = "";
    if (load_remote_cpu(text, size, &cpu_s, &at, why, sizeof(why)) != 0) {
        if (why[0] == '\0' || cpu_s != -2 || at != size + 1)
            abort();
        return 0;
    }
    size_t mark = strlen(LOAD_REMOTE_CPU_MARK);
    if (!isfinite(cpu_s) || cpu_s < 0 || cpu_s > MAX_CPU_S || at + mark > size ||
        memcmp(text + at, LOAD_REMOTE_CPU_MARK, mark) != 0)
        abort();
    if (load_remote_cpu(text + at, size - at, &again, &at_again, why, sizeof(why)) != 0 ||
        again != cpu_s || at_again != 0)
        abort();
    return 0;
}
