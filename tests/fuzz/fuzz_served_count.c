/*
 * fuzz_served_count.c - a server's stdout as the harness reads it for
 * twice-app's answers ("twice-app: served N requests"). A server may print
 * anything: the answers found may never exceed the whole lines, and a
 * count taken must fit the long long the report stores it in.
 */
#include <stdint.h>
#include <stdlib.h>

#include "served_count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    uint64_t newest = UINT64_MAX;
    unsigned answers = served_count_lines((const char *)data, size, &newest);
    if (answers > lines || (answers == 0 && newest != UINT64_MAX) ||
        (answers > 0 && newest > INT64_MAX))
        abort();
    return 0;
}
